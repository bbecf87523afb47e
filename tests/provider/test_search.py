"""provider.search: short names and typos find the service, exact matches come first, hostile
input finds nothing and breaks nothing, and the vocabulary is built once per catalog version."""

import unicodedata

import pytest
from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st

from provider import catalog_version, search
from provider.models import Service

VOCAB = search.Vocabulary.of({"instagram", "followers", "likes", "youtube", "views",
                              "gmail", "email", "account", "usa", "telegram", "members"})


def _read(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(t.typed, t.alternatives) for t in search.parse(text, VOCAB).terms]


# --- Reading a query (no database) --------------------------------------------------------

@pytest.mark.parametrize(("text", "expect"), [
    ("folowers", [("folowers", ("followers",))]),  # a letter missing
    ("foolwers", [("foolwers", ("followers",))]),  # two letters swapped: one edit
    ("instgram folowers", [("instgram", ("instagram",)), ("folowers", ("followers",))]),
    ("folowrs", [("folowrs", ("folowrs",))]),  # seven letters, two edits away: too far
    ("IG", [("ig", ("instagram",))]),
    ("yt views", [("yt", ("youtube",)), ("views", ("views",))]),
    ("insta", [("insta", ("instagram", "insta"))]),
    ("TG Members", [("tg", ("telegram",)), ("members", ("members",))]),
])
def test_typos_and_short_names_are_read_as_the_catalogs_words(text, expect):
    assert _read(text) == expect


def test_a_word_found_as_typed_is_not_widened():
    assert _read("gmail") == [("gmail", ("gmail",))]  # never "email" too
    assert _read("insta") == [("insta", ("instagram", "insta"))]
    assert _read("follow") == [("follow", ("follow",))]  # a prefix, while typing


def test_short_words_are_taken_as_typed():
    assert _read("usx") == [("usx", ("usx",))]  # three letters: no typo allowed
    assert search.allowed_edits("like") == 1 and search.allowed_edits("followrs") == 2


def test_a_word_far_from_every_name_stays_as_typed():
    assert _read("zzzzzzzz") == [("zzzzzzzz", ("zzzzzzzz",))]


def test_corrections_are_said():
    query = search.parse("ig folowers likes", VOCAB)
    assert query.corrections == [("ig", "instagram"), ("folowers", "followers")]


@pytest.mark.parametrize("text", [
    "", "   ", "%", "_", ".*", "()|+$", "[[[", "\\", "';--", "%%%___", "\U0001f600",
])
def test_punctuation_and_regex_characters_are_not_words(text):
    assert search.parse(text, VOCAB).terms == ()


def test_hostile_text_is_cleaned_and_bounded():
    assert search.clean("a\x00b\x1fc\u200bd") == "a b c d"
    long = "follower" * 10_000
    query = search.parse(long, VOCAB)
    assert len(query.text) == search.MAX_QUERY
    assert len(query.terms) == 1 and len(query.terms[0].typed) == search.MAX_QUERY
    many = search.parse(" ".join(f"w{i}" for i in range(50)), VOCAB)
    assert len(many.terms) == search.MAX_WORDS


def test_arabic_is_read_as_words_without_its_marks():
    assert _read("متابعين انستغرام") == [("متابعين", ("followers", "متابعين")),
                                          ("انستغرام", ("instagram", "انستغرام"))]
    assert _read("مُتابِعـين") == [("متابعين", ("followers", "متابعين"))]  # harakat, tatweel
    assert _read("خدمة") == [("خدمة", ("خدمة",))]  # an unknown word, no crash


# --- Searching the catalog (the sandbox's 40 services) ------------------------------------

def _found(text: str, rows=None) -> list[str]:
    rows = rows if rows is not None else Service.objects.on_sale()
    return [s.display_name for s in search.matching(rows, search.parse(text))]


@pytest.mark.parametrize(("text", "wanted"), [
    ("folowers", "Instagram Followers"), ("IG", "Instagram Followers"),
    ("yt", "YouTube"), ("tt views", "TikTok Views"), ("instgram folowers", "Instagram Followers"),
    ("tg members", "Telegram Channel Members"), ("متابعين انستغرام", "Instagram Followers"),
])
def test_they_find_the_service(provider, text, wanted):
    found = _found(text)
    assert any(wanted in name for name in found), found


def test_every_word_must_be_found(provider):
    assert all("Instagram" in n and "Likes" in n for n in _found("ig likes"))
    assert _found("yt") and all("YouTube" in n for n in _found("yt"))


def test_the_exact_name_comes_first(provider):
    names = _found("Instagram Followers")
    assert names[0] == "Instagram Followers" and len(names) > 1
    assert _found("tiktok views")[0] == "TikTok Views"


def test_a_number_finds_that_service_first(provider, service):
    followers = service(1)
    assert _found(str(followers.pk))[0] == followers.display_name


def test_a_custom_name_is_found_and_exact(provider, service):
    row = service(1)
    row.custom_name = "Super Fans"
    row.save()
    assert _found("super fans")[0] == "Super Fans"


@pytest.mark.parametrize("text", ["%", "_", ".*", "zzzzqqq", "'; DROP TABLE x; --",
                                  "x" * 5000, "Ω≈ç√∫", "خدمة"])
def test_hostile_or_unknown_queries_find_nothing(provider, text):
    assert _found(text) == []


def test_an_empty_query_narrows_nothing(provider):
    assert len(_found("")) == Service.objects.on_sale().count()


def test_the_vocabulary_is_built_once_per_catalog_version(provider, django_assert_num_queries):
    search._local = None
    with django_assert_num_queries(1):
        first = search.vocabulary()
    assert "followers" in first.words and "instagram" in first.words
    assert not any(w.isdigit() for w in first.words)
    with django_assert_num_queries(0):
        search.vocabulary()
    search._local = None  # another process: the shared cache has it
    with django_assert_num_queries(0):
        assert search.vocabulary().words == first.words
    catalog_version._publish()  # the catalog changed
    with django_assert_num_queries(1):
        search.vocabulary()


def test_a_renamed_service_is_found_by_its_new_words_after_the_catalog_changes(
        provider, service, django_capture_on_commit_callbacks):
    row = service(1)
    search.vocabulary()
    row.custom_name = "Quokka Boost"
    row.save()
    assert _found("quoka") == []  # not a word of the catalog the vocabulary was built from
    with django_capture_on_commit_callbacks(execute=True):
        catalog_version._publish()  # what the admin's save publishes once committed
    assert _found("quoka") == ["Quokka Boost"]


def test_without_a_published_version_the_vocabulary_is_still_built(provider):
    cache.delete(catalog_version.KEY)
    search._local = None
    assert "followers" in search.vocabulary().words


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_without_error_and_within_bounds(text):
    query = search.parse(text, VOCAB)
    assert len(query.text) <= search.MAX_QUERY and len(query.terms) <= search.MAX_WORDS
    assert not any(unicodedata.category(c)[0] == "C" for c in query.text)  # no NUL reaches SQL
    for term in query.terms:
        assert term.typed and term.alternatives
