"""What the agent may do alone, what needs approval, and whom to call: pure, from plain values.

Empowerment is authority, process and resources: the brief says the limit, compares every amount
the customer names with it (in its own currency: a foreign one cannot be compared and is
flagged), and names the person who approves more, with how to reach them. A churn case needs
approval only where the brand's offer lists a release from a contract: a parcel firm's
"damage compensation" is no reason to tell a leaving customer about a fee-free exit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from callbrief.foundation.settings import Brand, EscalationRole, OfferLimit

# symbol or word -> ISO code; longest first so "TRY" wins over "TL" inside it
CURRENCIES = {
    "₺": "TRY",
    "tl": "TRY",
    "try": "TRY",
    "lira": "TRY",
    "₼": "AZN",
    "azn": "AZN",
    "manat": "AZN",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
}
_WORDS = "|".join(sorted((re.escape(k) for k in CURRENCIES), key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
AMOUNT = re.compile(
    rf"(?P<pre>{_WORDS})\s?(?P<n1>{_NUMBER})|(?P<n2>{_NUMBER})\s?(?P<post>{_WORDS})(?:(?<=manat)[a-zçğıöşüə]*)?(?![a-zçğıöşüə])",
    re.IGNORECASE,
)
PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
MONEY_ASKS = {"refund", "compensation"}
MONEY_CATEGORIES = {"billing", "refund_return"}
# words of an offer (config `offers: needs_approval`) that releases a customer from a contract or
# its exit fee, the only thing the churn answer asks approval for; case-folded, anywhere in it
RELEASES = (
    "contract",
    "termination",
    "exit fee",
    "sözleşme",
    "taahhüt",
    "cayma",
    "cezasız",
    "müqavilə",
    "cəriməsiz",
)


@dataclass(frozen=True)
class Money:
    """An amount a customer named, with its currency as an ISO code."""

    amount: float
    currency: str
    text: str


def _number(raw: str) -> float:
    raw = raw.replace(" ", "")
    if "," in raw and "." in raw:  # the later separator is the decimal one
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in raw or "." in raw:
        sep = "," if "," in raw else "."
        head, _, tail = raw.rpartition(sep)
        raw = f"{head.replace(sep, '')}.{tail}" if len(tail) <= 2 else raw.replace(sep, "")
    return float(raw)


def amounts(texts: Iterable[str]) -> list[Money]:
    """Every amount with a currency in these texts (entity texts or post text), once each."""
    found: dict[tuple[float, str], Money] = {}
    for text in texts:
        for match in AMOUNT.finditer(text or ""):
            unit = (match.group("pre") or match.group("post")).lower()
            number = match.group("n1") or match.group("n2")
            try:
                value = _number(number)
            except ValueError:
                continue
            money = Money(value, CURRENCIES[unit], match.group(0).strip())
            found.setdefault((money.amount, money.currency), money)
    return list(found.values())


def releases(offer: str) -> bool:
    """Whether an offer's name speaks of releasing a customer from a contract or its fee."""
    folded = offer.replace("İ", "i").casefold()
    return any(word in folded for word in RELEASES)


@dataclass(frozen=True)
class Contact:
    """A person to hand a case to: role, name and the one way to reach them an agent uses."""

    role: str
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    queue: str | None = None

    @property
    def how(self) -> str:
        """call, write or queue: what the agent does to reach them."""
        return "call" if self.phone else "write" if self.email else "queue" if self.queue else "ask"

    @property
    def reach(self) -> str | None:
        return self.phone or self.email or self.queue

    @property
    def who(self) -> str:
        """ "Elif Şahin (vardiya amiri)" or the role alone."""
        return f"{self.name} ({self.role})" if self.name else self.role

    @property
    def speaker(self) -> str | None:
        """What a customer hears: a person's name, else the role; never an e-mail address."""
        spoken = self.name or self.role
        return None if "@" in spoken else spoken

    def as_dict(self) -> dict[str, str | None]:
        return {  # by hand: dataclasses.asdict deep-copies, and a brief builds seven of these
            "role": self.role,
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "queue": self.queue,
            "how": self.how,
            "reach": self.reach,
            "who": self.who,
            "speaker": self.speaker,
        }


def _legacy(text: str) -> Contact:
    """A brand's one free-text `escalation_contact`: split into a role and a way to reach."""
    phone, email = PHONE.search(text), EMAIL.search(text)
    role = text.split(":")[0] if ":" in text else text
    for found in (phone, email):
        if found:
            role = role.replace(found.group(0), "")
    role = role.strip(" :,-") or text
    if not phone and email and role == text:
        role = email.group(0)
    return Contact(
        role=role,
        phone=phone.group(0).strip() if phone else None,
        email=email.group(0) if email else None,
    )


def contact_for(
    brand: Brand | None, purpose: str, *, role: str | None = None, fallback: str = "team lead"
) -> Contact:
    """Whom to hand over to for `purpose` (approval, safety, legal, manager, churn, default).

    For approval, the role named by the offer limit (`approver`) wins; then a role that takes
    the purpose, then the brand's default role, then its free-text contact, then the role name.
    """
    roles: Sequence[EscalationRole] = brand.escalation if brand else ()
    picked = None
    if role:
        picked = next((r for r in roles if r.role.casefold() == role.casefold()), None)
    picked = picked or next((r for r in roles if purpose in r.handles), None)
    picked = picked or next((r for r in roles if "default" in r.handles), None)
    if picked:
        return Contact(picked.role, picked.name, picked.phone, picked.email, picked.queue)
    if brand and brand.escalation_contact and not role:
        return _legacy(brand.escalation_contact)
    return Contact(role or fallback)


@dataclass(frozen=True)
class Authority:
    """The limit, the amounts at stake against it, and whether approval is needed first."""

    limit: float
    currency: str
    at_stake: tuple[Money, ...]
    over: tuple[Money, ...]  # same currency, above the limit
    foreign: tuple[Money, ...]  # another currency: cannot be compared, needs a decision
    approver: Contact
    churn_needs_approval: bool

    @property
    def needs_approval(self) -> bool:
        return bool(self.over or self.foreign)

    @property
    def ceiling(self) -> float:
        """The most any prepared answer may promise."""
        return self.limit


def decide(
    offer: OfferLimit,
    brand: Brand | None,
    *,
    texts: Iterable[str],
    asks: Iterable[str],
    category: str | None,
    churn: bool,
) -> Authority:
    """Compare what the customer names with the agent's limit for this brand and category."""
    asks = set(asks)
    money = amounts(texts)
    at_stake = tuple(money) if (asks & MONEY_ASKS or category in MONEY_CATEGORIES) else ()
    currency = offer.currency.upper()
    over = tuple(m for m in at_stake if m.currency == currency and m.amount > offer.max_credit)
    foreign = tuple(m for m in at_stake if m.currency != currency)
    return Authority(
        limit=offer.max_credit,
        currency=currency,
        at_stake=at_stake,
        over=over,
        foreign=foreign,
        approver=contact_for(brand, "approval", role=offer.approver, fallback=offer.approver),
        # releasing a contract or waiving its fee is not the agent's to give when it is listed;
        # a brand that lists no such release (no contract to leave) never hears of one
        churn_needs_approval=churn and any(releases(item) for item in offer.needs_approval),
    )
