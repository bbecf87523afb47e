"""Referral codes, visits through a code, and linking a new customer to their referrer.

A code is 10 characters from 32 lower-case letters and digits (no 0/o, 1/l): about 10^15
codes, so a code cannot be found by trying, and one read aloud is not misheard. Codes are
matched in lower case, so a link retyped in capitals still works.
"""

import re
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F

from affiliates.models import Referral, ReferralCode
from panel.models import User

ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
CODE_LENGTH = 10
# What a code may look like before the database is asked about it at all.
CODE_SHAPE = re.compile(r"^[0-9a-zA-Z]{4,16}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_for(user: User) -> ReferralCode:
    """The customer's code, made on first use (a collision, however unlikely, draws again)."""
    existing = ReferralCode.objects.filter(user=user).first()
    if existing is not None:
        return existing
    for _ in range(5):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(user=user, code=new_code())
        except IntegrityError:
            # Either the code was taken, or a concurrent request made this user's code.
            if (existing := ReferralCode.objects.filter(user=user).first()) is not None:
                return existing
    raise RuntimeError("no free referral code after 5 draws")


def clean_code(raw: object) -> str:
    """`raw` if it has the shape of a code, else "" (never worth a query)."""
    text = raw if isinstance(raw, str) else ""
    return text.lower() if CODE_SHAPE.match(text) else ""


def record_visit(code: str, *, visitor: User | None = None) -> bool:
    """Count one visit through `code` (the caller dedupes per browser session). Returns
    whether the code exists and belongs to someone else than `visitor`: a customer opening
    their own link counts nothing."""
    code = clean_code(code)
    if not code:
        return False
    codes = ReferralCode.objects.filter(code=code)
    if visitor is not None:
        codes = codes.exclude(user=visitor)
    return codes.update(visits=F("visits") + 1) == 1


def link_signup(user: User, code: str) -> Referral | None:
    """Link a customer who just signed up to the owner of `code`. Nothing for an unknown
    code, for the customer's own code, or when they are already linked: the first link
    stands, forever."""
    code = clean_code(code)
    if not code:
        return None
    referrer_id = (
        ReferralCode.objects.filter(code=code)
        .exclude(user=user)
        .values_list("user_id", flat=True)
        .first()
    )
    if referrer_id is None:
        return None
    try:
        with transaction.atomic():
            return Referral.objects.create(referred=user, referrer_id=referrer_id)
    except IntegrityError:
        return None
