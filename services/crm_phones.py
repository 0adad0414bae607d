"""Phone numbers as people type them: normalised to international digits when the
number says its country (+, 00, a Russian 8 912 123-45-67 in any team, 89121234567 or
a 3-3-2-2 grouping, a North American 3-3-4 one) or the team's country does
(`team_country`); a number with a trunk 0 and no country is kept national, as typed.
Numbers are matched by their national number (`national_number`: without country code
and trunk prefix) and shown grouped as their country writes them (`pretty_phone`)."""

from __future__ import annotations

import re
from collections.abc import Callable

PHONE_CHARS = re.compile(r"^[\d\s()+\-.]+$")

# "+7 916 123-45-67", "(415) 555-2671" with its bracket, "415.555.2671" (not 12.05.2026)
PHONE_FIND = re.compile(r"\+?\(?\d[\d\s()\-]{5,}\d|(?<![\d.])\d{3}\.\d{3}\.\d{4}(?![\d.])")
# an extension after the number: "+7 495 123-45-67 доб. 123", "ext. 12"
EXTENSION = re.compile(
    r"[\s,;]*(?P<word>доб\.?|добавочный|ext\.?|extension|x|#)\s*(?P<n>\d{1,6})\s*$", re.IGNORECASE
)


# a North American number as written there: (415) 555-2671, 415-555-2671, 415.555.2671
_NANP = re.compile(r"\(?[2-9]\d{2}\)?[\s.-]*[2-9]\d{2}[\s.-]+\d{4}")
# a Russian number without its +7 as written there: (495) 123-45-67, 812 123 45 67
_RU_GROUPS = re.compile(r"\(?\d{3}\)?[\s-]*\d{3}[\s-]\d{2}[\s-]\d{2}")
# and with its trunk 8, which no other country writes so: 8 912 123-45-67, 8 (495) ...
_RU_TRUNK = re.compile(r"8[\s-]*" + _RU_GROUPS.pattern)


# the team's country, from what the team knows: its language and time zone
_RU_ZONES = {
    "Europe/Moscow", "Europe/Kaliningrad", "Europe/Samara", "Europe/Volgograd",
    "Europe/Saratov", "Europe/Ulyanovsk", "Europe/Astrakhan", "Europe/Kirov",
    "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Barnaul", "Asia/Tomsk",
    "Asia/Novokuznetsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Chita", "Asia/Yakutsk",
    "Asia/Khandyga", "Asia/Vladivostok", "Asia/Ust-Nera", "Asia/Magadan", "Asia/Sakhalin",
    "Asia/Srednekolymsk", "Asia/Kamchatka", "Asia/Anadyr",
}  # fmt: skip
_ZONE_CODES = {"Asia/Kolkata": "91", "Asia/Calcutta": "91", "Europe/Berlin": "49"}


def team_country(locale: str, timezone: str) -> str:
    """The calling code a team's local numbers take ('' when its country is not known)."""
    if timezone in _RU_ZONES or (locale or "").startswith("ru"):
        return "7"
    return _ZONE_CODES.get(timezone, "")


def phone_key(raw: str, country: str = "") -> str:
    """Digits of a phone ('' when it is not a phone number): in international form when
    the number shows its country (+, 00, a Russian 8 916 123-45-67 whatever the team's
    country, 8916... or 916 123-45-67, North American 3-3-4) or `country` (the team's
    calling code) gives it; a number with a trunk 0 and no known country keeps its 0
    (national form, never "+0...")."""
    text = raw.strip()
    digits = re.sub(r"\D", "", raw)
    if text.startswith("00"):
        digits = digits[2:]
    elif text.startswith("+"):
        pass
    elif len(digits) == 10 and _NANP.fullmatch(text):
        digits = "1" + digits
    elif len(digits) == 10 and _RU_GROUPS.fullmatch(text) and country in ("", "7"):
        digits = "7" + digits
    elif (
        len(digits) == 11
        and digits[0] == "8"
        and (country in ("", "7") or _RU_TRUNK.fullmatch(text))
    ):
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] == "9" and country == "7":
        digits = "7" + digits
    elif country and digits[:1] == "0" and digits[1:2] != "0" and len(digits) >= 8:
        digits = country + digits[1:]  # the trunk 0 gives way to the team's country code
    elif country and country != "7" and len(digits) >= 9 and digits[:1] != "0":
        digits = country + digits
    if not 7 <= len(digits) <= 15:
        return ""
    return digits


# calling codes are prefix-free: 1 and 7 take one digit, these two, all others three
_TWO_DIGIT_CODES = frozenset(
    "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
    "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split()
)


def calling_code(key: str) -> str:
    """The country calling code an international key begins with."""
    if key[:1] in ("1", "7"):
        return key[:1]
    return key[:2] if key[:2] in _TWO_DIGIT_CODES else key[:3]


def _international(phone: str, key: str) -> bool:
    """Whether a key holds its country code: the number was typed with it (+, 00), was
    given it (the team's country, a Russian 8) or is a Russian 7XXXXXXXXXX."""
    ext = EXTENSION.search(phone)
    text = (phone[: ext.start()] if ext else phone).strip()
    if text.startswith(("+", "00")) or key != re.sub(r"\D", "", text):
        return True
    return len(key) == 11 and key[0] == "7"


def national_number(phone: str, key: str) -> str:
    """What numbers are matched by: the national significant number, without the country
    code and the trunk prefix ('' without a key). "+7 912 123-45-67", "8 912 123-45-67"
    and "912 123 45 67" share it, as "+49 30 12345678" and "030 12345678" do. `phone` is
    the number as stored or typed, `key` its phone_key."""
    if not key:
        return ""
    if key[0] == "0":  # national, with its trunk 0
        return key[1:]
    if not _international(phone, key):  # national, its country not known
        return key
    return key[len(calling_code(key)) :]


def matching_keys(phone: str, key: str) -> tuple[str, list[str]]:
    """How another record of the same number is found: its national number, and one of
    these keys (the same country's, or a national one, whose country is not known); no
    keys: any country's, when this number's country is not known."""
    nsn = national_number(phone, key)
    if not nsn or nsn == key or key[0] == "0":
        return nsn, []
    return nsn, [key, nsn, "0" + nsn]


# German area codes: the two-digit ones, and the three-digit ones that do not follow
# the rule (a big city's code ends in 1: 211 Düsseldorf, 711 Stuttgart); mobile
# prefixes (15x, 16x, 17x) and service numbers (800, 900) take three digits too, the
# rest of the area codes four (a few five-digit ones in the east are shown as four)
_DE_TWO = frozenset({"30", "40", "69", "89"})
_DE_THREE = frozenset(
    "201 202 203 208 209 212 214 228 234 335 340 345 355 365 375 385 395 800 900 906".split()
)


def _german(nsn: str) -> str:
    """A German national number as Germans write it: area or mobile prefix, then the
    subscriber ("30 12345678", "151 12345678", "6221 123456")."""
    if nsn[:2] in _DE_TWO:
        size = 2
    elif nsn[:3] in _DE_THREE or nsn[:2] in ("15", "16", "17"):
        size = 3
    elif nsn[:1] in "23456789" and nsn[1:2] != "0" and nsn[2:3] == "1":
        size = 3
    else:
        size = 4
    return f"{nsn[:size]} {nsn[size:]}"


# how a country's national numbers are grouped, and their lengths
_GROUPING: dict[str, tuple[range, Callable[[str], str]]] = {
    "7": (range(10, 11), lambda n: f"{n[:3]} {n[3:6]}-{n[6:8]}-{n[8:]}"),
    "1": (range(10, 11), lambda n: f"{n[:3]} {n[3:6]}-{n[6:]}"),
    "91": (range(10, 11), lambda n: f"{n[:5]} {n[5:]}"),
    "49": (range(6, 14), _german),
}


def pretty_phone(key: str) -> str:
    """A key as people of its country write it: "+7 912 123-45-67", "+49 30 12345678";
    a national key as it is (no country code to show); other countries' as "+" and
    the digits."""
    if key[:1] == "0":
        return key
    code = calling_code(key)
    nsn = key[len(code) :]
    lengths, grouped = _GROUPING.get(code, (range(0), str))
    if len(nsn) in lengths:
        return f"+{code} {grouped(nsn)}"
    return "+" + key
