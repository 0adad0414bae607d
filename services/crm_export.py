"""CSV exports of the CRM's visible leads, deals, contacts and companies (of one list,
when filtered), with columns in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmCompany, CrmContact, CrmDeal, CrmLead, CrmNote
from models.teams import User
from services.access import Actor
from services.crm import SOURCE_NAMES, stage_name, user_names
from services.crm_notes import NO_AUTHOR
from services.crm_reports import team_stages, visible_rows
from services.errors import N_, DomainError, bare
from services.spreadsheet import SPREADSHEET_TIME, csv_text, decimal, list_separator

EXPORTS = {
    "lead": [
        N_("ID"),
        N_("Name"),
        N_("Company"),
        N_("Phone"),
        N_("E-mail"),
        N_("Source"),
        N_("Status"),
        N_("Responsible"),
        N_("Created on"),
        N_("Comments"),
    ],
    "deal": [
        N_("ID"),
        N_("Title"),
        N_("Stage"),
        N_("Amount"),
        N_("Currency"),
        N_("Responsible"),
        N_("Created on"),
        N_("Closed on"),
        N_("Lost reason"),
        N_("Comments"),
    ],
    "contact": [
        N_("ID"),
        N_("Name"),
        N_("Company"),
        N_("Phone"),
        N_("E-mail"),
        N_("Responsible"),
        N_("Created on"),
        N_("Comments"),
    ],
    "company": [
        N_("ID"),
        N_("Company"),
        N_("Phone"),
        N_("E-mail"),
        N_("Responsible"),
        N_("Created on"),
        N_("Comments"),
    ],
}


async def export_csv(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    *,
    lead_filter: Any = None,  # services.crm_leads.LeadFilter: the lead list's filter
    deal_filter: dict[str, Any] | None = None,  # mine/state: the deal list's filter
    say: Callable[[str], str] = bare,  # stage, status and source names in the reader's words
) -> tuple[bytes, int]:
    """The visible records of `entity` (of one list, when filtered) as CSV, UTF-8 with BOM."""
    model = {"lead": CrmLead, "deal": CrmDeal, "contact": CrmContact, "company": CrmCompany}.get(
        entity
    )
    if model is None:
        raise DomainError(N_("Export leads, deals, contacts or companies."))
    if entity == "lead" and lead_filter is not None:
        from services.crm_leads import lead_query

        query = await lead_query(session, actor, lead_filter)
        rows = list((await session.execute(query)).scalars())
    elif entity == "deal" and deal_filter:
        from services.crm_deals import deal_query

        query = await deal_query(session, actor, **deal_filter)
        rows = list((await session.execute(query)).scalars())
    else:
        rows = await visible_rows(session, actor, model)
    rows.sort(key=lambda r: r.id)
    stages = await team_stages(session, actor.team_id)
    names = await user_names(session, {r.owner_id for r in rows if r.owner_id})
    zone = ZoneInfo(actor.timezone)
    companies: dict[int, str] = {}
    if entity == "contact":  # the company a contact works at, by name
        ids = {r.company_id for r in rows if r.company_id}
        if ids:
            found = await session.execute(
                select(CrmCompany.id, CrmCompany.name).where(CrmCompany.id.in_(sorted(ids)))
            )
            companies = {int(i): str(n) for i, n in found.all()}
    exported = [r.id for r in rows]
    comments = await _comments(session, actor, entity, exported, zone, say) if rows else {}
    lines: list[list[Any]] = []
    separator = list_separator(actor.locale)
    for r in rows:
        owner = names.get(r.owner_id, "") if r.owner_id else ""
        created = r.created_at.astimezone(zone).strftime(SPREADSHEET_TIME)
        if entity == "lead":
            lines.append(
                [
                    r.id,
                    r.name,
                    r.company,
                    r.phone,
                    r.email,
                    say(SOURCE_NAMES.get(r.source, r.source)),
                    say(stage_name(stages[r.status_id])),
                    owner,
                    created,
                    comments.get(r.id, ""),
                ]
            )
        elif entity == "deal":
            closed = r.closed_at.astimezone(zone).strftime(SPREADSHEET_TIME) if r.closed_at else ""
            lines.append(
                [
                    r.id,
                    r.title,
                    say(stage_name(stages[r.stage_id])),
                    decimal(r.amount / 100, separator),
                    r.currency,
                    owner,
                    created,
                    closed,
                    r.lost_reason if stages[r.stage_id].kind == "lost" else "",
                    comments.get(r.id, ""),
                ]
            )
        elif entity == "contact":
            company = companies.get(r.company_id, "") if r.company_id else ""
            lines.append(
                [r.id, r.name, company, r.phone, r.email, owner, created, comments.get(r.id, "")]
            )
        else:
            lines.append([r.id, r.name, r.phone, r.email, owner, created, comments.get(r.id, "")])
    text = csv_text([say(name) for name in EXPORTS[entity]], lines, separator)
    return ("\ufeff" + text).encode("utf-8"), len(rows)


async def _comments(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    ids: list[int],
    zone: ZoneInfo,
    say: Callable[[str], str],
) -> dict[int, str]:
    """Each record's comments in one cell, oldest first, a line each: "2026-11-27 10:05
    Ольга: text" (services.crm_import_csv.split_comments reads them back)."""
    rows = await session.execute(
        select(CrmNote.entity_id, CrmNote.created_at, User.name, CrmNote.text)
        .outerjoin(User, User.id == CrmNote.author_id)
        .where(
            CrmNote.team_id == actor.team_id,
            CrmNote.entity == entity,
            CrmNote.entity_id.in_(ids),  # the records exported, not the whole team's
            CrmNote.kind == "comment",
        )
        .order_by(CrmNote.id)
    )
    cells: dict[int, list[str]] = {}
    for entity_id, at, author, text in rows.all():
        when = at.astimezone(zone).strftime(SPREADSHEET_TIME)
        cells.setdefault(entity_id, []).append(f"{when} {author or say(NO_AUTHOR)}: {text}")
    return {entity_id: "\n".join(lines) for entity_id, lines in cells.items()}
