"""Contact data people type, piece by piece: currency codes, amount multipliers,
sources, e-mails, name and company keys, and the Card they fill in (free text read
into one: services.crm_recognise).

Phone numbers are read by services.crm_phones; what cannot be read is kept as text
with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import list_currencies

from services.crm_phones import EXTENSION, phone_key, pretty_phone
from services.errors import N_, DomainError

# ISO 4217, without "no currency" (XXX) and the testing code (XTS)
_ISO_CURRENCIES = frozenset(list_currencies()) - {"XXX", "XTS"}


def currency_code(code: str) -> str:
    """An ISO 4217 currency code, as typed in any case ("usd" is USD); one that names
    no currency ("XYZ", "XXX") is refused."""
    said = code.strip().upper()
    if said not in _ISO_CURRENCIES:
        raise DomainError(
            N_("{code} is not a currency code I know; use one such as RUB, USD or EUR."),
            code=code.strip()[:20],
        )
    return said


# "150 тыс", "1,5 млн", "12k": the word after a number that multiplies it
MULTIPLIERS = {
    "k": 1000,
    "к": 1000,
    "тыс": 1000,
    "тысяч": 1000,
    "тысяча": 1000,
    "тысячи": 1000,
    "m": 1_000_000,
    "mln": 1_000_000,
    "млн": 1_000_000,
    "миллион": 1_000_000,
    "миллиона": 1_000_000,
    "миллионов": 1_000_000,
    "bn": 1_000_000_000,
    "млрд": 1_000_000_000,
}


SOURCES = ("call", "email", "messenger", "web", "ads", "referral", "show", "import", "other")
SOURCE_NAMES = {
    "call": N_("call"),
    "email": N_("e-mail"),
    "messenger": N_("messenger"),
    "web": N_("web form"),
    "ads": N_("advertising"),
    "referral": N_("referral"),
    "show": N_("trade show"),
    "import": N_("import"),
    "other": N_("other"),
}
SOURCE_WORDS = {
    "call": "call",
    "phone": "call",
    "звонок": "call",
    "телефон": "call",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "почта": "email",
    "письмо": "email",
    "messenger": "messenger",
    "telegram": "messenger",
    "whatsapp": "messenger",
    "мессенджер": "messenger",
    "телеграм": "messenger",
    "web": "web",
    "site": "web",
    "form": "web",
    "web form": "web",
    "сайт": "web",
    "форма": "web",
    "веб-форма": "web",
    "website": "web",
    "веб-сайт": "web",
    "ads": "ads",
    "ad": "ads",
    "advertising": "ads",
    "реклама": "ads",
    "директ": "ads",
    "referral": "referral",
    "recommendation": "referral",
    "рекомендация": "referral",
    "по рекомендации": "referral",
    "сарафан": "referral",
    "show": "show",
    "trade show": "show",
    "exhibition": "show",
    "выставка": "show",
    "import": "import",
    "импорт": "import",
    "other": "other",
    "другое": "other",
}
# the same sources as a list filter or a sentence says them: "/leads звонки", "с сайта"
SOURCE_WORDS.update(
    (form, code)
    for code, forms in {
        "call": "calls phones звонки звонков звонка телефону",
        "email": "emails mails письма писем почты почте",
        "messenger": "messengers мессенджеры мессенджеров мессенджера телеграма",
        "web": "forms sites websites сайта сайты сайтов сайту формы форм веб-формы",
        "ads": "рекламы рекламе",
        "referral": "referrals рекомендации рекомендаций рекомендациям",
        "show": "shows exhibitions выставки выставок выставке",
        "import": "imports импорта",
        "other": "другие других",
    }.items()
    for form in forms.split()
)
EMAIL_RE = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)*\.[a-zа-я]{2,}$", re.IGNORECASE)


def clean_email(raw: str) -> str:
    return raw.strip().strip("<>").lower()


def valid_email(raw: str) -> bool:
    return bool(EMAIL_RE.match(raw))


def name_key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def company_key(text: str) -> str:
    key = name_key(text)
    key = re.sub(r"[«»\"']", "", key)
    key = re.sub(r"^(ооо|оао|зао|пао|ао|ип|llc|inc|ltd)\s+", "", key)
    return key.strip()


def source_of(text: str) -> str | None:
    return SOURCE_WORDS.get(text.strip().casefold())


@dataclass
class Card:
    """Recognised contact data; `warnings` are msgids with their arguments."""

    name: str = ""
    company: str = ""
    phone: str = ""
    phone_key: str = ""
    email: str = ""
    source: str = "other"
    comment: str = ""
    warnings: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    country: str = ""  # the team's calling code: a local number is completed with it

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "company": self.company,
            "phone": self.phone,
            "phone_key": self.phone_key,
            "email": self.email,
            "source": self.source,
            "comment": self.comment,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        values = {k: str(data.get(k) or "") for k in cls().to_dict()}
        return cls(**values)  # type: ignore[arg-type]

    def set_phone(self, raw: str, country: str = "") -> None:
        country = country or self.country
        ext = EXTENSION.search(raw)  # "+7 495 123-45-67 доб. 123": the number, then its line
        if ext is not None:
            raw = raw[: ext.start()]
        self._set_number(raw, country)
        if ext is not None and self.phone_key:
            word = "доб." if ext["word"].casefold().startswith("доб") else "ext."
            self.phone = f"{self.phone} {word} {ext['n']}"[:64]

    def _set_number(self, raw: str, country: str = "") -> None:
        key = phone_key(raw, country)
        national = key == re.sub(r"\D", "", raw) and not raw.strip().startswith(("+", "00"))
        if key and (len(key) < 10 or national):
            # a local or national number ("2-22-33-44", "030 1234567", "98765 43210"):
            # kept as typed, no country code added
            self.phone, self.phone_key = " ".join(raw.split()), key
        elif key:
            self.phone, self.phone_key = pretty_phone(key), key
        else:
            self.phone = raw.strip()
            self.warnings.append(
                (
                    N_("{value} does not look like a phone number; kept as text."),
                    {"value": raw.strip()},
                )
            )

    def set_email(self, raw: str) -> None:
        value = clean_email(raw)
        self.email = value
        if not valid_email(value):
            self.warnings.append(
                (N_("{value} does not look like an e-mail; kept as text."), {"value": raw.strip()})
            )
