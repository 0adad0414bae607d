"""Reading an import file: Bitrix24 export columns (ru and en) or a plain format, utf-8
or cp1251, comma/semicolon/tab separated; each row becomes a card, or an error with its
line number. Several phones or e-mails of a row are kept (the first is the field)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from services.crm import Card, source_of, valid_email
from services.errors import N_, DomainError

MAX_ROWS = 50_000
# header (casefolded) -> our field; several columns may feed one field: the first non-empty
# wins, but every phone and e-mail is kept (the first is the field, the others are noted)
COLUMNS: dict[str, str] = {}
for _field, _names in {
    "title": ["название лида", "lead name", "title", "название"],
    "first": [
        "имя",
        "first name",
        "name",
        "contact name",
        "имя контакта",
        "фио",
        "ф.и.о.",
        "full name",
        "контактное лицо",
        "контакт",
        "клиент",
    ],
    "middle": ["отчество", "second name", "middle name"],
    "last": ["фамилия", "last name"],
    "company": ["название компании", "компания", "company name", "company", "company title"],
    "phone": [
        "рабочий телефон",
        "мобильный телефон",
        "телефон",
        "домашний телефон",
        "work phone",
        "mobile phone",
        "phone",
        "home phone",
        "other phone",
    ],
    "email": [
        "рабочий e-mail",
        "e-mail",
        "email",
        "частный e-mail",
        "work e-mail",
        "home e-mail",
        "other e-mail",
        "почта",
    ],
    "source": ["источник", "source"],
    "status": ["статус", "status", "статус лида", "lead status"],
    "comment": ["комментарий", "комментарии", "comment", "comments", "примечание"],
    "created": ["дата создания", "created on", "created", "date created", "creation date"],
    "owner": ["ответственный", "responsible", "assigned to", "owner"],
}.items():
    for _name in _names:
        COLUMNS[_name] = _field
EXTRA_SOURCES = {
    "веб-сайт": "web",
    "website": "web",
    "web": "web",
    "crm-форма": "web",
    "crm form": "web",
    "звонок": "call",
    "call": "call",
    "e-mail": "email",
    "email": "email",
    "электронная почта": "email",
    "обратный звонок": "call",
    "callback": "call",
    "интернет-магазин": "web",
    "online store": "web",
    "выставка": "show",
    "trade show": "show",
    "открытая линия": "messenger",
    "open line": "messenger",
    "другое": "other",
    "other": "other",
}
# a lead status as Bitrix24 (ru, en) or our own export writes it -> its code; any other
# name is looked up among the team's own statuses, else the lead is new
STATUS_WORDS = {
    "не обработан": "new",
    "новый": "new",
    "new": "new",
    "not processed": "new",
    "unassigned": "new",
    "в работе": "in_progress",
    "in progress": "in_progress",
    "in work": "in_progress",
    "обработан": "processed",
    "processed": "processed",
    # Bitrix24's converted leads come without their deals: done with, for the importer
    # to convert; our own export's "converted" comes back as it went
    "качественный лид": "processed",
    "good lead": "processed",
    "некачественный лид": "junk",
    "некачественный": "junk",
    "junk lead": "junk",
    "junk": "junk",
}
# several phones or e-mails in one cell, as Bitrix24 exports them
_SEVERAL = re.compile(r"[,;\n]+")
# a comment in the Comments cell of our export: "2026-11-27 10:05 Ольга: text"
_COMMENT_HEAD = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}) ([^\n:]{1,100}): ", re.M)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(N_("The file is neither UTF-8 nor Windows-1251 text."))


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


@dataclass
class Preview:
    entity: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # line numbers
    errors: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    draft_id: int | None = None
    several: int = 0  # rows with more than one phone or e-mail (the others are noted)
    unknown_owners: list[str] = field(default_factory=list)  # their rows go to the importer
    unknown_statuses: list[str] = field(default_factory=list)  # their leads are new
    unknown_sources: list[str] = field(default_factory=list)  # "other", the name noted
    unknown_dates: list[str] = field(default_factory=list)  # their records are dated today
    updatable: int = 0  # duplicates of records the importer may fill in (services.crm_import)

    @property
    def new(self) -> int:
        return len(self.rows) - len(self.duplicates)


def parse(data: bytes, entity: str = "lead", country: str = "") -> Preview:
    """Rows as cards; errors keep their line numbers (the header is line 1)."""
    text = decode(data)
    if not text.strip():
        raise DomainError(N_("The file is empty."))
    first = text.lstrip().splitlines()[0]
    reader = csv.reader(io.StringIO(text.lstrip()), delimiter=_delimiter(first))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise DomainError(N_("The file is empty.")) from None
    mapping: list[str | None] = [COLUMNS.get(h.strip().strip('"').casefold()) for h in header]
    if not any(m in ("first", "title", "phone", "email", "last") for m in mapping):
        raise DomainError(
            N_(
                "No known columns in the first line: expected e.g. name, phone, "
                "email (or Bitrix24's export columns)."
            )
        )
    preview = Preview(entity=entity)
    line = 1
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(preview.rows) + len(preview.errors) >= MAX_ROWS:
                raise DomainError(N_("At most {limit} rows per file."), limit=MAX_ROWS)
            if len(values) > len(header):
                preview.errors.append((line, N_("more values than columns"), {}))
                continue
            got: dict[str, str] = {}
            many: dict[str, list[str]] = {"phone": [], "email": []}
            for name, value in zip(mapping, values, strict=False):
                if name in many:
                    many[name] += [v.strip() for v in _SEVERAL.split(value) if v.strip()]
                elif name and value.strip() and name not in got:
                    got[name] = value.strip()
            card = _card(got, many, entity, country)
            if isinstance(card, tuple):
                preview.errors.append((line, card[0], card[1]))
                continue
            row = card.to_dict()
            row["line"] = line
            row["owner"] = got.get("owner", "")
            row["status"] = got.get("status", "")
            row["created"] = got.get("created", "")
            row["more"] = ", ".join(many["phone"][1:] + many["email"][1:])
            preview.several += bool(row["more"])
            raw_source = got.get("source", "")
            unmapped = card.source == "other" and raw_source.casefold() not in ("другое", "other")
            row["source_text"] = raw_source if unmapped else ""
            if unmapped:
                note_once(preview.unknown_sources, raw_source)
            preview.rows.append(row)
    except csv.Error:
        preview.errors.append((line + 1, N_("broken quoting"), {}))
    return preview


def split_comments(cell: str) -> list[tuple[str, str, str]]:
    """A Comments cell as services.crm_export writes it, a comment a line (its text may
    run on over more lines), as (time, author, text); any other text (Bitrix24's
    "Комментарий") is one comment with no time or author."""
    heads = list(_COMMENT_HEAD.finditer(cell))
    if not heads or heads[0].start() != 0:
        return [("", "", cell.strip())] if cell.strip() else []
    found: list[tuple[str, str, str]] = []
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        text = cell[head.end() : after.start() if after else len(cell)].strip()
        if text:
            found.append((head[1], head[2].strip(), text))
    return found


def note_once(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)


def _card(
    got: dict[str, str], many: dict[str, list[str]], entity: str, country: str = ""
) -> Card | tuple[str, dict[str, str]]:
    """A row's card: its first phone and e-mail are the fields (the caller notes the rest)."""
    person = " ".join(x for x in (got.get("first"), got.get("middle"), got.get("last")) if x)
    card = Card(source="import", country=country)
    card.name = (person or got.get("title") or "")[:200]
    card.company = got.get("company", "")[:200]
    card.comment = got.get("comment", "")
    if "source" in got:
        raw = got["source"].casefold()
        card.source = source_of(raw) or EXTRA_SOURCES.get(raw) or "other"
    if many["phone"]:
        card.set_phone(many["phone"][0])
        if not card.phone_key:
            return N_("phone {value} is not a phone number"), {"value": many["phone"][0]}
    if many["email"]:
        card.set_email(many["email"][0])
        if not valid_email(card.email):
            return N_("e-mail {value} is not valid"), {"value": many["email"][0]}
    if not card.name:
        card.name = card.company or card.email or card.phone
    if not card.name:
        return N_("no name, phone or e-mail"), {}
    return card
