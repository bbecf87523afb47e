"""Catalog search (provider.search) on 20,000 services whose names hold about 5,000 distinct
words, against the floor of the search it replaced (one `icontains` over the same fields), in
the same run and database: one catalog page (its count and first 30 rows) for a query with
two typos, and for a short name. Also printed: reading a query against the vocabulary
(rapidfuzz over every word) and building the vocabulary (once per catalog version).
Goal: a searched page within 3x of the floor.

    python -m bench.search      # BENCH_POSTGRES adds PostgreSQL
"""

import random
import string
import subprocess
import sys
import tempfile
from decimal import Decimal

from bench.common import PYTHON, ROOT, database_env, databases, report, timed

SERVICES = 20_000
WORDS = 5_000
GOAL = 3.0
PLATFORMS = [
    "Instagram",
    "TikTok",
    "YouTube",
    "Telegram",
    "Twitter",
    "Facebook",
    "Spotify",
    "Snapchat",
    "LinkedIn",
    "Discord",
]
SUBS = ["Followers", "Likes", "Views", "Comments", "Shares", "Subscribers", "Members"]


def populate() -> None:
    from provider.models import Category, Provider, Service

    rng = random.Random(7)
    words = {
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10))) for _ in range(WORDS)
    }
    words = sorted(words)
    provider = Provider.objects.create(name="bench", api_url="http://127.0.0.1:9/api", api_key="k")
    tops = {
        p: Category.objects.create(provider=provider, name=p, position=i)
        for i, p in enumerate(PLATFORMS)
    }
    subs = {
        (p, s): Category.objects.create(provider=provider, parent=tops[p], name=s)
        for p in PLATFORMS
        for s in SUBS
    }
    rows = []
    for n in range(1, SERVICES + 1):
        platform, sub = PLATFORMS[n % len(PLATFORMS)], SUBS[n % len(SUBS)]
        extra = " ".join(rng.sample(words, 2)).title()
        rows.append(
            Service(
                provider=provider,
                upstream_id=n,
                category=tops[platform],
                subcategory=subs[(platform, sub)],
                name=f"{platform} {sub} {extra} #{n}",
                rate=Decimal("1"),
                sell_price=Decimal("1.5"),
                min_quantity=10,
                max_quantity=1000,
            )
        )
    Service.objects.bulk_create(rows, batch_size=2000)


def inner() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q

    call_command("migrate", verbosity=0)
    populate()
    from panel.storefront import catalog
    from provider import search

    def page(rows) -> None:
        rows.count()
        list(rows[:30])

    def floor(text: str) -> None:
        rows = catalog.on_sale().select_related("category", "subcategory", "provider")
        page(
            rows.filter(
                Q(name__icontains=text)
                | Q(custom_name__icontains=text)
                | Q(category__name__icontains=text)
                | Q(subcategory__name__icontains=text)
            )
        )

    def searched(text: str) -> None:
        page(catalog.services(catalog.Filters(q=text)))

    build = timed(search.build_vocabulary, repeat=1)
    vocab = search.vocabulary()
    print(f"vocabulary: {len(vocab.words)} words built in {build * 1000:.0f} ms", flush=True)
    read = timed(lambda: search.parse("instgram folowers", vocab), repeat=20)
    print(f"reading 'instgram folowers' against it: {read * 1000:.2f} ms", flush=True)
    ok = True
    for text, plain in (("instgram folowers", "instagram"), ("yt", "youtube")):
        ok &= report(
            f"page for {text!r} (floor: icontains {plain!r})",
            timed(lambda t=text: searched(t), repeat=5),
            timed(lambda p=plain: floor(p), repeat=5),
            goal=GOAL,
        )
    return 0 if ok else 1


def main() -> int:
    failed = 0
    for kind in databases():
        print(f"-- {kind}", flush=True)
        with database_env(kind, tempfile.mkdtemp()) as env:
            failed |= subprocess.run(
                [PYTHON, "-m", "bench.search", "--inner"], cwd=ROOT, env=env, check=False
            ).returncode
    return failed


if __name__ == "__main__":
    raise SystemExit(inner() if "--inner" in sys.argv[1:] else main())
