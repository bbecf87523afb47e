"""Searching the services on sale: what the catalog and the order form's picker both use.

A query is cut into words (letters, digits and marks of any script; everything else, regex
characters and NUL included, separates them). A service matches when every word is found in
its name, custom name, category or subcategory (a substring, as the catalog always did, so
"insta" finds Instagram while typing). Before that, each word is widened:

- a common short name also stands for the platform's name (`ALIASES`: "ig" -> instagram,
  "yt" -> youtube); one of two letters stands only for it, since "ig" is inside "big";
- a word found in no name at all (a typo: "folowers") becomes the words of the catalog's
  vocabulary within a small edit distance (`allowed_edits`: none up to 3 letters, one up to 7,
  two beyond), a swap of two neighbouring letters counting as one edit. A word that is found
  as typed is never widened, so "gmail" does not also bring "email".

The vocabulary (every word of the names on sale) is built with one query once per catalog
version (`provider.catalog_version`) and kept in the cache and in the process, so searching
costs no query of its own. Results come ranked: a service whose name is the query itself
(or whose number is), then names holding the query as typed, then the rest, each in the
catalog's order. All of it is plain ORM: the same on SQLite and PostgreSQL.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from rapidfuzz import process
from rapidfuzz.distance import OSA

from provider import catalog_version
from provider.models import Service

log = logging.getLogger(__name__)

MAX_QUERY = 100  # characters read of a query
MAX_WORDS = 8  # words searched; more only narrow what is already narrow
MAX_WORD = 40  # letters of one word compared for typos
MAX_CORRECTIONS = 5  # vocabulary words a typo may stand for
VOCABULARY_MAX_AGE = 300  # seconds, when no catalog version is published (the cache forgot)
KEY = "search:vocabulary:v1"

# Common short names customers type for platforms and what they buy; each stands for the
# words the catalog's names use. Only a whole word is replaced ("ig", never "big").
ALIASES: dict[str, tuple[str, ...]] = {
    "ig": ("instagram",),
    "insta": ("instagram",),
    "yt": ("youtube",),
    "tt": ("tiktok",),
    "fb": ("facebook",),
    "tw": ("twitter",),
    "x": ("twitter",),
    "twt": ("twitter",),
    "tg": ("telegram",),
    "sc": ("snapchat",),
    "snap": ("snapchat",),
    "li": ("linkedin",),
    "dc": ("discord",),
    "sp": ("spotify",),
    "pin": ("pinterest",),
    "rd": ("reddit",),
    "th": ("threads",),
    "wa": ("whatsapp",),
    "ttv": ("twitch",),
    "sub": ("subscribers",),
    "subs": ("subscribers",),
    "favs": ("favorites",),
    "rt": ("retweets",),
    "rts": ("retweets",),
    # Arabic names of the platforms and of what is bought, for a catalog named in English.
    "انستغرام": ("instagram",),
    "انستقرام": ("instagram",),
    "انستا": ("instagram",),
    "يوتيوب": ("youtube",),
    "فيسبوك": ("facebook",),
    "تويتر": ("twitter",),
    "تلغرام": ("telegram",),
    "تليجرام": ("telegram",),
    "سناب": ("snapchat",),
    "متابعين": ("followers",),
    "لايكات": ("likes",),
    "اعجابات": ("likes",),
    "إعجابات": ("likes",),
    "مشاهدات": ("views",),
    "مشتركين": ("subscribers",),
    "تعليقات": ("comments",),
}

# Arabic short vowels and other marks, and the tatweel: names are written without them, so a
# query typed with them is read without them.
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_ARABIC_MARKS = {chr(c) for c in (*range(0x064B, 0x0660), 0x0670, 0x0640)}


def words_of(text: str) -> list[str]:
    """The words of `text`, lower-cased: runs of letters, digits and marks of any script."""
    if text.isascii():  # most names: the same words, found ten times faster
        return _ASCII_WORD.findall(text.lower())
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for char in text:
        if char in _ARABIC_MARKS:
            continue
        kept.append(char if unicodedata.category(char)[0] in "LNM" else " ")
    return "".join(kept).lower().split()


def allowed_edits(word: str) -> int:
    """How many edits a word may be from the one meant: short words are taken as typed."""
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 7 else 2


# --- The vocabulary -----------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    joined: str = field(repr=False)  # the words on lines of their own, to find a substring

    @classmethod
    def of(cls, words: set[str]) -> "Vocabulary":
        ordered = tuple(sorted(words))
        return cls(ordered, "\n".join(ordered))

    def contains(self, piece: str) -> bool:
        """Whether `piece` is inside some word (as the database's substring search finds)."""
        return piece in self.joined

    def near(self, word: str) -> list[str]:
        """The words within `allowed_edits` of `word`, closest first."""
        edits = allowed_edits(word)
        if not edits or len(word) > MAX_WORD:
            return []
        found = process.extract(
            word, self.words, scorer=OSA.distance, score_cutoff=edits, limit=MAX_CORRECTIONS
        )
        return [match for match, _, _ in sorted(found, key=lambda m: (m[1], m[0]))]


def build_vocabulary() -> Vocabulary:
    """Every word of the names on sale (one query); numbers are left out, never typos."""
    words: set[str] = set()
    rows = (
        Service.objects.on_sale()
        .values_list("name", "custom_name", "category__name", "subcategory__name")
        .distinct()
    )
    for row in rows.iterator(chunk_size=5000):
        for text in row:
            if text:
                words.update(w for w in words_of(text) if not w.isdigit())
    return Vocabulary.of(words)


# This process's copy: (catalog version, vocabulary), used while that version is published.
_local: tuple[str, Vocabulary] | None = None


def vocabulary() -> Vocabulary:
    """The vocabulary of the catalog as now published: this process's copy, else the shared
    cache's, else built (and stored) anew. Without a published version (the cache forgot it)
    only the shared cache's copy is used, for VOCABULARY_MAX_AGE seconds."""
    global _local
    try:
        version = catalog_version.current()
    except Exception:
        version = None
    local = _local
    if version is not None and local is not None and local[0] == version:
        return local[1]
    key = f"{KEY}:{version}"
    try:
        words = cache.get(key)
    except Exception:
        log.warning("cache unreadable; building the search vocabulary", exc_info=True)
        words = None
    if words is None:
        vocab = build_vocabulary()
        try:
            cache.set(key, vocab.words, timeout=None if version else VOCABULARY_MAX_AGE)
        except Exception:
            log.warning("could not store the search vocabulary", exc_info=True)
    else:
        vocab = Vocabulary.of(set(words))
    if version is not None:
        _local = (version, vocab)
    return vocab


# --- Queries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    typed: str
    alternatives: tuple[str, ...]  # any one of them found is enough

    @property
    def corrected(self) -> bool:
        """Read as other words (an alias or a typo), which the page says."""
        return self.typed not in self.alternatives


@dataclass(frozen=True)
class Query:
    text: str  # the query as read (trimmed, cut to MAX_QUERY)
    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        """Nothing searchable was typed (blank, or only punctuation)."""
        return not self.terms

    @property
    def corrections(self) -> list[tuple[str, str]]:
        """(typed, searched as) for each word read as something else, for the page to say."""
        return [(t.typed, ", ".join(t.alternatives)) for t in self.terms if t.corrected]


def clean(text: str) -> str:
    """The query as it may reach the database: no control characters (PostgreSQL refuses
    NUL), trimmed, at most MAX_QUERY characters."""
    text = "".join(
        " " if unicodedata.category(c)[0] == "C" else c for c in (text or "")[: MAX_QUERY * 4]
    )
    return " ".join(text.split())[:MAX_QUERY]


def parse(text: str, vocab: Vocabulary | None = None) -> Query:
    """Read a query: its words, each with what it may stand for (aliases, typos)."""
    text = clean(text)
    typed = list(dict.fromkeys(words_of(text)))[:MAX_WORDS]
    terms = []
    for word in typed:
        if word in ALIASES:
            # Two letters are inside too many words to search as typed; "insta" is not.
            kept = (word,) if len(word) > 2 else ()
            terms.append(Term(word, (*ALIASES[word], *kept)))
            continue
        if word.isdigit() or allowed_edits(word) == 0:
            terms.append(Term(word, (word,)))
            continue
        vocab = vocab or vocabulary()
        if vocab.contains(word):
            terms.append(Term(word, (word,)))
        else:
            terms.append(Term(word, tuple(vocab.near(word)) or (word,)))
    return Query(text, tuple(terms))


SEARCHED = ("name", "custom_name", "category__name", "subcategory__name")


def _found(piece: str) -> Q:
    return Q.create([(f"{name}__icontains", piece) for name in SEARCHED], connector=Q.OR)


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() and len(word) < 18 else None


def matching(rows: QuerySet[Service], query: Query) -> QuerySet[Service]:
    """`rows` narrowed to those the query finds, best first (see the module's doc). An empty
    query narrows nothing; a query of punctuation only finds nothing."""
    if not query.text:
        return rows
    if query.empty:
        return rows.none()
    condition = Q()
    for term in query.terms:
        found = Q.create([_found(piece) for piece in term.alternatives], connector=Q.OR)
        if (number := _number(term.typed)) is not None:
            found |= Q(pk=number)  # "#123" or "123": the number on the catalog's cards
        condition &= found
    phrases = {query.text, " ".join(t.typed for t in query.terms)}
    exact = Q.create(
        [Q(**{f"{name}__iexact": p}) for p in phrases for name in ("name", "custom_name")],
        connector=Q.OR,
    )
    if len(query.terms) == 1 and (number := _number(query.terms[0].typed)) is not None:
        exact |= Q(pk=number)
    within = Q.create(
        [Q(**{f"{name}__icontains": p}) for p in phrases for name in ("name", "custom_name")],
        connector=Q.OR,
    )
    rank = Case(
        When(exact, then=Value(0)),
        When(within, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    ordering = list(rows.query.order_by or Service._meta.ordering)
    return rows.filter(condition).annotate(search_rank=rank).order_by("search_rank", *ordering)
