"""CSV import of leads and contacts: Bitrix24 export columns (ru and en) or a plain
format, utf-8 or cp1251, comma/semicolon/tab separated (read by services.crm_import_csv).

`preview` reads the whole file, checks every row and keeps the result as a draft:
counts of new rows, duplicates (of existing records or of earlier lines) and
errors with line numbers. `commit` inserts every row of the draft in the caller's
transaction, or none: a file with errors is not imported at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmCompany, CrmContact, CrmDraft, CrmLead, CrmNote
from models.teams import User
from services.access import Actor, require_staff
from services.crm import (
    company_key,
    name_key,
    national_number,
    scope_of,
    team_calling_code,
    visible,
)
from services.crm_import_csv import STATUS_WORDS, Preview, note_once, parse
from services.crm_leads import duplicate_search, lead_statuses, take_draft
from services.errors import N_, DomainError

__all__ = ["Preview", "commit", "drop", "owners_of", "parse", "preview"]


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
        sub = duplicate_search(actor, scope, model).subquery()  # a colleague's too
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
    people = await _owners(session, actor, {row["owner"] for row in result.rows if row["owner"]})
    codes = await _status_codes(session, actor) if entity == "lead" else {}
    for row in result.rows:
        row["owner_id"] = people.get(row["owner"]) if row["owner"] else None
        if row["owner"] and row["owner_id"] is None:
            note_once(result.unknown_owners, row["owner"])
        status = " ".join(row["status"].casefold().split())
        row["status_code"] = codes.get(status, "new")
        if entity == "lead" and status and status not in codes:
            note_once(result.unknown_statuses, row["status"])
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


async def _owners(session: AsyncSession, actor: Actor, names: set[str]) -> dict[str, int]:
    """The team member each Responsible name of a file means, as people search finds
    them ("Пётр", "@petr", part of a name), or the one whose name's words all stand in
    it (a Bitrix24 export's "Иван Сидоров" is the team's "Иван"); unclear names: none."""
    from services.users import find_people

    rows = await session.execute(
        select(User.id, User.name).where(
            User.team_id == actor.team_id, User.active.is_(True), User.role != "extranet"
        )
    )
    staff = {uid: set(_fold(name).split()) for uid, name in rows.all()}
    found: dict[str, int] = {}
    for name in names:
        ids = [u.id for u in await find_people(session, actor, name) if u.id in staff]
        if not ids:
            words = set(_fold(name).split())
            ids = [uid for uid, own in staff.items() if own and own <= words]
        if len(ids) == 1:
            found[name] = ids[0]
    return found


def _fold(name: str) -> str:
    return name.casefold().replace("ё", "е")


async def _status_codes(session: AsyncSession, actor: Actor) -> dict[str, str]:
    """A status name (casefolded) -> the team's status code: Bitrix24's and our export's
    names, and the team's own statuses by name."""
    codes = dict(STATUS_WORDS)
    for stage in await lead_statuses(session, actor.team_id):
        if stage.name:
            codes[" ".join(stage.name.casefold().split())] = stage.code
    return codes


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
    # the person the preview found for the Responsible column, while still on the team;
    # anyone else: the importer
    people = await session.scalars(
        select(User.id).where(
            User.team_id == actor.team_id, User.active.is_(True), User.role != "extranet"
        )
    )
    staff = set(people)

    def owner(row: dict[str, Any]) -> int:
        chosen = row.get("owner_id")
        return int(chosen) if chosen in staff else actor.user_id

    values: list[dict[str, Any]] = []
    if entity == "lead":
        statuses = {stage.code: stage.id for stage in await lead_statuses(session, actor.team_id)}
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
                    phone_nsn=national_number(r["phone"], r["phone_key"]),
                    email=r["email"],
                    source=r["source"],
                    status_id=statuses.get(str(r.get("status_code")), statuses["new"]),
                    owner_id=owner(r),
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
                    phone_nsn=national_number(r["phone"], r["phone_key"]),
                    email=r["email"],
                    company_id=companies.get(company_key(r["company"])),
                    owner_id=owner(r),
                    custom={},
                )
            )
        model = CrmContact
    notes: list[dict[str, Any]] = []
    with_notes = any(_notes_of(row) for row in rows)
    if given is not None:
        given.update(owners_of(values))
    for start in range(0, len(values), 1000):
        if not with_notes:  # plain executemany is the fastest path
            await session.execute(insert(model), values[start : start + 1000])
            continue
        ids = await session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True),
            values[start : start + 1000],
        )
        for new_id, row in zip(ids, rows[start : start + 1000], strict=True):
            for kind, text, params in _notes_of(row):
                notes.append(
                    dict(
                        team_id=actor.team_id,
                        entity=entity,
                        entity_id=new_id,
                        kind=kind,
                        author_id=actor.user_id,
                        text=text,
                        params=params,
                    )
                )
    for start in range(0, len(notes), 1000):
        await session.execute(insert(CrmNote), notes[start : start + 1000])
    await session.delete(draft)
    await session.flush()
    return entity, len(values)


def _notes_of(row: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """A row's comment, and history entries for what has no field here: the other phones
    and e-mails, a source name we have no source for."""
    notes: list[tuple[str, str, dict[str, str]]] = []
    if row.get("comment"):
        notes.append(("comment", str(row["comment"])[:4000], {}))
    if row.get("more"):
        notes.append(("history", N_("Also in the file: {values}"), {"values": str(row["more"])}))
    if row.get("source_text"):
        notes.append(
            ("history", N_("Source in the file: {value}"), {"value": str(row["source_text"])})
        )
    return notes


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
