"""Free text read into a Card: "Ivan Petrov, Romashka LLC, +7 999 123-45-67,
ivan@r.ru, source: call", with or without commas and labels (the pieces it is made
of, and the Card itself: services.crm_parse)."""

from __future__ import annotations

import re

from services.crm_parse import Card, source_of
from services.crm_phones import PHONE_CHARS, PHONE_FIND, phone_key
from services.errors import N_

NAME_MAX = 200
COMPANY_MARKS = re.compile(
    r"(^|\s)(ооо|оао|зао|пао|ао|ип|нко|гк|llc|inc\.?|ltd\.?|gmbh|corp\.?|co\.|plc|group)(\s|$)|[«\"]",
    re.IGNORECASE,
)
FIELD_WORDS = {
    "source": "source",
    "источник": "source",
    "phone": "phone",
    "tel": "phone",
    "телефон": "phone",
    "тел": "phone",
    "email": "email",
    "e-mail": "email",
    "почта": "email",
    "company": "company",
    "компания": "company",
    "name": "name",
    "имя": "name",
    "comment": "comment",
    "комментарий": "comment",
}


_SAID_LABEL = re.compile(
    r"(?P<what>тел\.?|телефон|моб\.?|мобильный|phone|tel\.?|mob\.?|почта|e-?mail|mail)\s+"
    r"(?P<value>\+?[\d(][\d\s()\-.]{4,}\d|[\w.+'-]+@[\w.-]+\.\w{2,})$",
    re.IGNORECASE,
)


def recognise(text: str, default_source: str = "other", country: str = "") -> Card:
    """Free text like 'Ivan Petrov, Romashka LLC, +7 999 123-45-67, ivan@r.ru, source: call'
    (`country`: the team's calling code, for local numbers)."""
    card = Card(source=default_source, country=country)
    loose: list[str] = []
    for part in re.split(r"[,;\n]+", text):
        part = part.strip()
        if not part:
            continue
        label, sep, value = part.partition(":")
        if not sep and label.split(maxsplit=1)[0].casefold() in _BARE_LABELS:
            label, sep, value = part.partition(" ")  # "компания Ромашка", no colon
        known = FIELD_WORDS.get(label.strip().casefold()) if sep else None
        if known is not None:
            value = value.strip()
            if known == "source":
                found = source_of(value)
                if found is None:
                    card.warnings.append(
                        (N_("Unknown source {value}; set to other."), {"value": value})
                    )
                card.source = found or "other"
            elif known == "phone":
                card.set_phone(value)
            elif known == "email":
                card.set_email(value)
            elif known == "company":
                card.company = value[:NAME_MAX]
            elif known == "comment":
                card.comment = value
            else:
                card.name = value[:NAME_MAX]
            continue
        said = _SAID_LABEL.match(part)  # "тел. 8 912 111 22 33", "почта oleg@mail.ru"
        if said is not None:
            if said["what"].casefold().startswith(("почт", "mail", "email", "e-mail")):
                card.set_email(said["value"])
            elif card.phone:  # a second number: kept in the comment, not lost
                card.comment = (card.comment + "\n" + part).strip()
            else:
                card.set_phone(said["value"])
            continue
        if (card.name or loose) and card.source == default_source and source_of(part):
            card.source = source_of(part) or card.source  # "..., +7 912 ..., сайт"
            continue
        if "@" in part and " " not in part.strip():
            card.set_email(part)
        elif PHONE_CHARS.match(part) and sum(c.isdigit() for c in part) >= 5:
            if card.phone:  # a second number: kept in the comment, not lost
                card.comment = (card.comment + "\n" + part).strip()
            else:
                card.set_phone(part)
        elif (
            COMPANY_MARKS.search(part)
            and not card.company
            and not _mixed(part)
            and not _name_then_company(part)
        ):
            card.company = part[:NAME_MAX]
        else:
            loose.extend(_unpack(card, part, default_source))
    for part in loose:
        if not card.name:
            card.name = part[:NAME_MAX]
        elif not card.company and not part[:1].islower():  # "завтра перезвонить": a note
            card.company = part[:NAME_MAX]
        else:
            card.comment = (card.comment + "\n" + part).strip()
    if not card.name:
        card.name = card.company or card.email or card.phone
    return card


PREFIX_MARKS = re.compile(r"\s(ооо|оао|зао|пао|ао|ип|нко|гк)\s", re.IGNORECASE)
# a company inside a line typed without commas: a legal form (ООО, ЗАО, ИП…) or the word
# "компания" before its name
_COMPANY_AT = re.compile(
    r"(?<!\S)(?:(?P<label>компания|company):?|(?P<form>ооо|оао|зао|пао|ао|ип|нко|гк))\s+",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"")
# a label typed before a phone or an e-mail without a colon ("тел 8 912 …", "почта a@b.ru")
_LABEL_BEFORE = re.compile(
    r"(?<!\S)(?:тел\.?|телефон|моб\.?|мобильный|phone|tel\.?|mob\.?|почта|e-?mail|mail):?\s*$",
    re.IGNORECASE,
)
# a label at the start of a comma part, without its colon ("компания Ромашка")
_BARE_LABELS = {"компания", "company", "источник", "source", "комментарий", "comment"}


def _name_then_company(part: str) -> re.Match[str] | None:
    """ "Иван Петров ООО Ромашка": a form that opens a company's name, after a person's."""
    mark = PREFIX_MARKS.search(part)
    return mark if mark is not None and mark.start() > 0 else None


def company_in(text: str, *, at_start: bool = False) -> tuple[str, str, str] | None:
    """(before, company, after) of a company named inside a line typed without commas:
    a legal form or the word "компания", then the name, which is a quoted one («Альфа»)
    or the words up to the first that begins in lower case ("ООО Ромашка хочет 50
    стульев": ООО Ромашка, then a note). A legal form opening the line counts only
    with a quoted name ("ООО Ромашка Иван Петров" would be a guess); `at_start`: only
    a company that opens `text`."""
    for mark in _COMPANY_AT.finditer(text):
        if at_start and mark.start() > 0:
            return None
        rest = text[mark.end() :]
        quoted = _QUOTED.match(rest)
        if mark["form"] and mark.start() == 0 and not at_start and quoted is None:
            continue
        if quoted is not None:
            end = quoted.end()
        else:
            end = 0
            for word in re.finditer(r"\S+", rest):
                if end and word.group()[:1].islower():
                    break
                end = word.end()
        if not end:
            continue
        name = rest[:end].strip()
        company = f"{mark['form']} {name}" if mark["form"] else name
        return text[: mark.start()].strip(), company[:NAME_MAX], rest[end:].strip()
    return None


def _mixed(part: str) -> bool:
    """A piece that holds more than a company: a phone or an e-mail inside it."""
    return bool(
        EMAIL_FIND.search(part) or any(phone_key(m.group()) for m in PHONE_FIND.finditer(part))
    )


def _unpack(card: Card, part: str, default_source: str) -> list[str]:
    """A line typed without commas ("Сергей Смирнов ИП Смирнов 8 (912) 555-44-33
    smirnov@mail.ru сайт"): the phone and the e-mail are taken out with the labels typed
    before them ("тел", "почта"), then a last source word; what comes before them is
    the name, where a company (see company_in) may follow the person's name; what
    comes after them is a note, unless it opens with a company. The rest, for the name."""
    spans: list[tuple[int, int]] = []
    if not card.email:
        email = EMAIL_FIND.search(part)
        if email:
            card.set_email(email.group())
            spans.append(email.span())
    if not card.phone:
        for match in PHONE_FIND.finditer(part):
            inside = any(a < match.end() and match.start() < b for a, b in spans)
            if not inside and phone_key(match.group()):
                card.set_phone(match.group())
                spans.append(match.span())
                break
    pieces, at = [], 0
    for a, b in sorted(spans):
        pieces.append(_LABEL_BEFORE.sub("", part[at:a]))
        at = b
    pieces.append(part[at:])
    part, after = pieces[0], " ".join(pieces[1:])
    rest = after.split()
    if rest and card.source == default_source and source_of(rest[-1]):
        card.source = source_of(rest[-1]) or card.source  # "… +7 916 … сайт"
        rest = rest[:-1]
        if rest and rest[-1].casefold().rstrip(":") in ("источник", "source"):
            rest = rest[:-1]  # "… источник сайт"
    tail = " ".join(rest)
    found = company_in(tail, at_start=True) if tail and not card.company else None
    if found is not None:  # "+7 903 … ООО «Заря»", "… компания Ромашка"
        _, card.company, tail = found
    if tail:
        card.comment = (card.comment + "\n" + tail).strip()
    part = " ".join(part.split())
    if not spans and not part:
        return []
    found = company_in(part) if not card.company else None
    if found is not None:  # "Иван Петров ООО Ромашка", 'ЗАО "Альфа" Кузнецов Дмитрий'
        part, card.company, note = found[0] + " " + found[2], found[1], ""
        if found[0] and found[2]:  # the person's name came first: the rest is a note
            part, note = found[0], found[2]
        if note:
            card.comment = (card.comment + "\n" + note).strip()
    return [part.strip()] if part.strip() else []


EMAIL_FIND = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,}", re.IGNORECASE)


def contacts_in(text: str) -> tuple[str, str]:
    """The first phone number and e-mail found inside free text ('' when none)."""
    email = EMAIL_FIND.search(text)
    phone = ""
    for match in PHONE_FIND.finditer(text):
        if phone_key(match.group()):
            phone = match.group()
            break
    return phone, email.group() if email else ""
