"""CSV import of leads and contacts: Bitrix24 export columns (ru and en) or a plain
format, utf-8 or cp1251, comma/semicolon/tab separated.

`preview` reads the whole file, checks every row and keeps the result as a draft:
counts of new rows, duplicates (of existing records or of earlier lines) and
errors with line numbers. `commit` inserts every row of the draft in the caller's
transaction, or none: a file with errors is not imported at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmCompany, CrmContact, CrmDraft, CrmLead, CrmNote
from models.teams import User
from services.access import Actor, require_staff
from services.crm import (
    Card,
    company_key,
    name_key,
    scope_of,
    source_of,
    team_calling_code,
    valid_email,
    visible,
)
from services.crm_leads import status_by_code, take_draft
from services.errors import N_, DomainError

MAX_ROWS = 50_000
# header (casefolded) -> our field; several columns may feed one field (first non-empty wins)
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
    "comment": ["комментарий", "comment", "comments", "примечание"],
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
    "открытая линия": "messenger",
    "open line": "messenger",
    "другое": "other",
    "other": "other",
}


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
            for name, value in zip(mapping, values, strict=False):
                if name and value.strip() and name not in got:
                    got[name] = value.strip()
            card = _card(got, entity, country)
            if isinstance(card, tuple):
                preview.errors.append((line, card[0], card[1]))
                continue
            row = card.to_dict()
            row["line"] = line
            row["owner"] = got.get("owner", "")
            preview.rows.append(row)
    except csv.Error:
        preview.errors.append((line + 1, N_("broken quoting"), {}))
    return preview


def _card(got: dict[str, str], entity: str, country: str = "") -> Card | tuple[str, dict[str, str]]:
    person = " ".join(x for x in (got.get("first"), got.get("middle"), got.get("last")) if x)
    card = Card(source="import", country=country)
    card.name = (person or got.get("title") or "")[:200]
    card.company = got.get("company", "")[:200]
    card.comment = got.get("comment", "")
    if "source" in got:
        raw = got["source"].casefold()
        card.source = source_of(raw) or EXTRA_SOURCES.get(raw) or "other"
    if "phone" in got:
        card.set_phone(got["phone"])
        if not card.phone_key:
            return N_("phone {value} is not a phone number"), {"value": got["phone"]}
    if "email" in got:
        card.set_email(got["email"])
        if not valid_email(card.email):
            return N_("e-mail {value} is not valid"), {"value": got["email"]}
    if not card.name:
        card.name = card.company or card.email or card.phone
    if not card.name:
        return N_("no name, phone or e-mail"), {}
    return card


async def preview(session: AsyncSession, actor: Actor, data: bytes, entity: str) -> Preview:
    require_staff(actor)
    scope = await scope_of(session, actor)
    if entity not in ("lead", "contact"):
        raise DomainError(N_("Import leads or contacts."))
    result = parse(data, entity, await team_calling_code(session, actor))
    phones: set[str] = set()
    emails: set[str] = set()
    names: set[tuple[str, str]] = set()
    for model in (CrmLead, CrmContact):
        cols = [model.phone_key, model.email, model.name_key]
        if model is CrmLead:
            cols.append(CrmLead.company_key)
        sub = visible(model, actor, scope).subquery()
        query = select(*[sub.c[c.key] for c in cols])
        for found in (await session.execute(query)).all():
            if found[0]:
                phones.add(found[0])
            if found[1]:
                emails.add(found[1])
            if len(found) > 3 and found[3]:
                names.add((found[2], found[3]))
    for row in result.rows:
        nk, ck = name_key(row["name"]), company_key(row["company"])
        dup = (
            (row["phone_key"] and row["phone_key"] in phones)
            or (row["email"] and row["email"] in emails)
            or (ck and (nk, ck) in names)
        )
        if dup:
            result.duplicates.append(row["line"])
            row["dup"] = True
        if row["phone_key"]:
            phones.add(row["phone_key"])
        if row["email"]:
            emails.add(row["email"])
        if ck:
            names.add((nk, ck))
    # one pending import per person: an older preview is dropped
    await session.execute(
        delete(CrmDraft).where(CrmDraft.user_id == actor.user_id, CrmDraft.kind == "import")
    )
    draft = CrmDraft(
        team_id=actor.team_id,
        user_id=actor.user_id,
        kind="import",
        data={"entity": entity, "rows": result.rows, "errors": len(result.errors)},
    )
    session.add(draft)
    await session.flush()
    result.draft_id = draft.id
    return result


async def _companies_for(session: AsyncSession, actor: Actor, names: list[str]) -> dict[str, int]:
    """Company key -> id for the companies imported contacts name: the team's company
    of that name the importer sees, or a new one."""
    from services.crm_people import create_company

    wanted: dict[str, str] = {}
    for name in names:
        key = company_key(name or "")
        if key and key not in wanted:
            wanted[key] = name
    if not wanted:
        return {}
    scope = await scope_of(session, actor)
    found: dict[str, int] = {}
    rows = await session.execute(
        visible(CrmCompany, actor, scope)
        .where(CrmCompany.name_key.in_(list(wanted)))
        .with_only_columns(CrmCompany.name_key, CrmCompany.id)
        .order_by(CrmCompany.id)
    )
    for key, company_id in rows:
        found.setdefault(key, int(company_id))
    for key, name in wanted.items():
        if key not in found:
            found[key] = (await create_company(session, actor, name)).id
    return found


async def commit(
    session: AsyncSession,
    actor: Actor,
    draft_id: int,
    *,
    skip_duplicates: bool,
    given: dict[int, int] | None = None,
) -> tuple[str, int]:
    """Insert the draft's rows; returns (entity, how many). `given` gets how many each
    person is now responsible for (their notices are the caller's)."""
    draft = await take_draft(session, actor, draft_id, "import")
    await scope_of(session, actor)
    if draft.data.get("errors"):
        raise DomainError(N_("The file has errors: fix them and send it again."))
    entity = str(draft.data["entity"])
    rows = [r for r in draft.data["rows"] if not (skip_duplicates and r.get("dup"))]
    # the Responsible column names a person of the team; anyone else: the importer
    people = await session.execute(
        select(User.id, User.name).where(
            User.team_id == actor.team_id, User.active.is_(True), User.role != "extranet"
        )
    )
    owners = {name.casefold(): uid for uid, name in people.all()}
    values: list[dict[str, Any]] = []
    if entity == "lead":
        status = await status_by_code(session, actor.team_id, "new")
        for r in rows:
            values.append(
                dict(
                    team_id=actor.team_id,
                    name=r["name"],
                    name_key=name_key(r["name"]),
                    company=r["company"],
                    company_key=company_key(r["company"]),
                    phone=r["phone"],
                    phone_key=r["phone_key"],
                    email=r["email"],
                    source=r["source"],
                    status_id=status.id,
                    owner_id=owners.get(str(r.get("owner", "")).casefold(), actor.user_id),
                    created_by=actor.user_id,
                    custom={},
                )
            )
        model: Any = CrmLead
    else:
        companies = await _companies_for(session, actor, [r["company"] for r in rows])
        for r in rows:
            values.append(
                dict(
                    team_id=actor.team_id,
                    name=r["name"],
                    name_key=name_key(r["name"]),
                    phone=r["phone"],
                    phone_key=r["phone_key"],
                    email=r["email"],
                    company_id=companies.get(company_key(r["company"])),
                    owner_id=owners.get(str(r.get("owner", "")).casefold(), actor.user_id),
                    custom={},
                )
            )
        model = CrmContact
    notes: list[dict[str, Any]] = []
    with_comments = any(row.get("comment") for row in rows)
    if given is not None:
        given.update(owners_of(values))
    for start in range(0, len(values), 1000):
        if not with_comments:  # plain executemany is the fastest path
            await session.execute(insert(model), values[start : start + 1000])
            continue
        ids = await session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True),
            values[start : start + 1000],
        )
        for new_id, row in zip(ids, rows[start : start + 1000], strict=True):
            if row.get("comment"):
                notes.append(
                    dict(
                        team_id=actor.team_id,
                        entity=entity,
                        entity_id=new_id,
                        kind="comment",
                        author_id=actor.user_id,
                        text=str(row["comment"])[:4000],
                        params={},
                    )
                )
    for start in range(0, len(notes), 1000):
        await session.execute(insert(CrmNote), notes[start : start + 1000])
    await session.delete(draft)
    await session.flush()
    return entity, len(values)


def owners_of(values: list[dict[str, Any]]) -> dict[int, int]:
    """How many of the imported rows each person is responsible for."""
    counts: dict[int, int] = {}
    for row in values:
        owner = row.get("owner_id")
        if owner is not None:
            counts[int(owner)] = counts.get(int(owner), 0) + 1
    return counts


async def drop(session: AsyncSession, actor: Actor, draft_id: int) -> None:
    draft = await take_draft(session, actor, draft_id, "import")
    await session.delete(draft)
    await session.flush()
