"""Phone numbers as people type them: normalised to international digits when the
number says its country (+, 00, a Russian 8XXXXXXXXXX or 3-3-2-2 grouping, a North
American 3-3-4 one) or the team's country does (`team_country`); a number with a trunk
0 and no country is kept national, as typed."""

from __future__ import annotations

import re

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
    the number shows its country (+, 00, Russian 8 916 ... or 916 123-45-67, North
    American 3-3-4) or `country` (the team's calling code) gives it; a number with a
    trunk 0 and no known country keeps its 0 (national form, never "+0...")."""
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
    elif len(digits) == 11 and digits[0] == "8" and country in ("", "7"):
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


def national_part(key: str) -> str:
    """A key without its trunk 0 (a national number), for comparing with international keys."""
    return key[1:] if key[:1] == "0" else key


def same_phone(a: str, b: str) -> bool:
    """Two phone keys of one number: equal, or one without its country code whose
    national part (9 digits or more) ends the other ("98765 43210" and "+91 98765 43210")."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((national_part(a), national_part(b)), key=len)
    return len(short) >= 9 and len(long) > len(short) and long.endswith(short)


def pretty_phone(key: str) -> str:
    if len(key) == 11 and key[0] == "7":
        return f"+7 {key[1:4]} {key[4:7]}-{key[7:9]}-{key[9:]}"
    if len(key) == 11 and key[0] == "1":
        return f"+1 {key[1:4]} {key[4:7]}-{key[7:]}"
    if len(key) == 12 and key.startswith("91"):
        return f"+91 {key[2:7]} {key[7:]}"
    if key[:1] == "0":  # national: no country code to show
        return key
    return "+" + key
