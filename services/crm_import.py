"""CSV import of leads and contacts: Bitrix24 export columns (ru and en) or a plain
format, utf-8 or cp1251, comma/semicolon/tab separated (read by services.crm_import_csv).

`preview` reads the whole file, checks every row and keeps the result as a draft:
counts of new rows, duplicates (of existing records or of earlier lines) and
errors with line numbers. `commit` inserts every row of the draft in the caller's
transaction, or none: a file with errors is not imported at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmContact, CrmDraft, CrmLead, CrmNote
from models.teams import User
from services.access import Actor, require_staff
from services.crm import (
    company_key,
    name_key,
    national_number,
    scope_of,
    stage_name,
    team_calling_code,
)
from services.crm_import_csv import STATUS_WORDS, Preview, note_once, parse, split_comments
from services.crm_import_merge import (
    companies_for,
    editable,
    fill_in,
    has_notes,
    note_rows,
    time_of,
)
from services.crm_leads import duplicate_search, lead_statuses, take_draft
from services.crm_notes import NO_AUTHOR
from services.errors import N_, DomainError, bare
from services.spreadsheet import read_time

__all__ = ["Preview", "commit", "drop", "owners_of", "parse", "preview"]


async def preview(
    session: AsyncSession,
    actor: Actor,
    data: bytes,
    entity: str,
    *,
    say: Sequence[Callable[[str], str]] = (bare,),  # names in each language (statuses)
) -> Preview:
    require_staff(actor)
    scope = await scope_of(session, actor)
    if entity not in ("lead", "contact"):
        raise DomainError(N_("Import leads or contacts."))
    result = parse(data, entity, await team_calling_code(session, actor))
    # phone, e-mail and name + company keys -> the first record that has them (None: an
    # earlier line of the file)
    keys: dict[str, tuple[str, int] | None] = {}
    for kind, model in (("lead", CrmLead), ("contact", CrmContact)):
        cols = [model.id, model.phone_key, model.email, model.name_key]
        if model is CrmLead:
            cols.append(CrmLead.company_key)
        sub = duplicate_search(actor, scope, model).subquery()  # a colleague's too
        query = select(*[sub.c[c.key] for c in cols]).order_by(sub.c.id)
        for found in (await session.execute(query)).all():
            for key in _keys(found[1], found[2], found[3], found[4] if len(found) > 4 else ""):
                keys.setdefault(key, (kind, int(found[0])))
    for row in result.rows:
        own = _keys(
            row["phone_key"], row["email"], name_key(row["name"]), company_key(row["company"])
        )
        records = [keys[key] for key in own if key in keys]
        if records:
            result.duplicates.append(row["line"])
            row["dup"] = True
            same = [record[1] for record in records if record and record[0] == entity]
            if same:  # a record of its kind, to fill in ("update existing")
                row["match"] = same[0]
        for key in own:
            keys.setdefault(key, None)
    fillable = await editable(
        session, actor, entity, {r["match"] for r in result.rows if "match" in r}
    )
    for row in result.rows:
        if "match" in row and row["match"] not in fillable:
            del row["match"]
    result.updatable = sum("match" in row for row in result.rows)
    comments = {row["line"]: split_comments(row.pop("comment", "")) for row in result.rows}
    wanted = {row["owner"] for row in result.rows if row["owner"]}
    wanted |= {author for found in comments.values() for _, author, _ in found if author}
    people = await _owners(session, actor, wanted)
    codes = await _status_codes(session, actor, say) if entity == "lead" else {}
    page = {" ".join(words(NO_AUTHOR).casefold().split()) for words in say}
    for row in result.rows:
        row["owner_id"] = people.get(row["owner"]) if row["owner"] else None
        if row["owner"] and row["owner_id"] is None:
            note_once(result.unknown_owners, row["owner"])
        status = " ".join(row["status"].casefold().split())
        row["status_code"] = codes.get(status, "new")
        if entity == "lead" and status and status not in codes:
            note_once(result.unknown_statuses, row["status"])
        if row["created"]:
            created = read_time(row["created"], actor.timezone)
            if created is None:
                note_once(result.unknown_dates, row["created"])
            else:
                row["created_at"] = created.isoformat()
        row["comments"] = [
            _comment(when, author, text, actor, people, page)
            for when, author, text in comments[row["line"]]
        ]
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


def _keys(phone_key: str, email: str, name: str, company: str) -> list[str]:
    """What a duplicate is found by: the phone, the e-mail, the name with the company."""
    keys = [f"p:{phone_key}"] if phone_key else []
    if email:
        keys.append(f"e:{email}")
    if company:
        keys.append(f"n:{name}|{company}")
    return keys


def _comment(
    when: str, author: str, text: str, actor: Actor, people: dict[str, int], page: set[str]
) -> dict[str, Any]:
    """A comment of the file as the draft keeps it: its time (ISO, UTC) and author when
    the file gives them ("by" None: the lead page); an author not on the team is named
    in the text, and the comment is the importer's."""
    comment: dict[str, Any] = {"text": text}
    at = read_time(when, actor.timezone) if when else None
    if at is not None:
        comment["at"] = at.isoformat()
    if author in people:
        comment["by"] = people[author]
    elif " ".join(author.casefold().split()) in page:
        comment["by"] = None
    elif author:
        comment["text"] = f"{author}: {text}"
    return comment


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


async def _status_codes(
    session: AsyncSession, actor: Actor, say: Sequence[Callable[[str], str]]
) -> dict[str, str]:
    """A status name (casefolded) -> the team's status code: Bitrix24's names, and the
    team's statuses as our export writes them, in each language."""
    codes = dict(STATUS_WORDS)
    for stage in await lead_statuses(session, actor.team_id):
        for words in say:
            codes[" ".join(words(stage_name(stage)).casefold().split())] = stage.code
    return codes


async def commit(
    session: AsyncSession,
    actor: Actor,
    draft_id: int,
    *,
    skip_duplicates: bool,
    given: dict[int, int] | None = None,
    update: list[int] | None = None,
) -> tuple[str, int]:
    """Insert the draft's rows; returns (entity, how many). `given` gets how many each
    person is now responsible for (their notices are the caller's). With `update`, the
    duplicates fill in the records they match instead (services.crm_import_merge), and
    it gets the ids of the records changed."""
    draft = await take_draft(session, actor, draft_id, "import")
    await scope_of(session, actor)
    if draft.data.get("errors"):
        raise DomainError(N_("The file has errors: fix them and send it again."))
    entity = str(draft.data["entity"])
    rows = draft.data["rows"]
    if update is not None:
        update.extend(await fill_in(session, actor, entity, [r for r in rows if r.get("match")]))
    if update is not None or skip_duplicates:
        rows = [r for r in rows if not r.get("dup")]
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
            code = str(r.get("status_code"))
            created = time_of(r, "created_at")
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
                    status_id=statuses.get(code, statuses["new"]),
                    # converted before it was exported: it stays so, with no deal here
                    converted_at=created if code == "converted" else None,
                    owner_id=owner(r),
                    created_by=actor.user_id,
                    custom={},
                    created_at=created,
                )
            )
        model: Any = CrmLead
    else:
        companies = await companies_for(session, actor, [r["company"] for r in rows])
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
                    created_at=time_of(r, "created_at"),
                )
            )
        model = CrmContact
    notes: list[dict[str, Any]] = []
    with_notes = any(has_notes(row) for row in rows)
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
            notes.extend(note_rows(actor, entity, new_id, row))
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
