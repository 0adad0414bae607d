"""/contact, /contacts, /company, /companies: cards with their deals and activities."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.crm_card_parts import ENTITY, prefixed
from handlers.crm_cards import card, numbered_card, person_card, related_view
from handlers.crm_leads import duplicate_view
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines
from handlers.numbered import CRM_ACTIONS, numbered
from handlers.views import Button, View
from services import crm, crm_leads, crm_people
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 78


async def list_view(ctx: Ctx, entity: str, page_no: int) -> View:
    if entity == "contact":
        page: Any = await crm_people.list_contacts(
            ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size
        )
        title, prefix = ctx.tr.s("Contacts ({count})", count=page.total), "ct"
    else:
        page = await crm_people.list_companies(
            ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size
        )
        title, prefix = ctx.tr.s("Companies ({count})", count=page.total), "co"
    lines: list[Any] = [[bold(title)]]
    view = View()
    if not page.items:  # how to make the first one
        lines.append(
            ctx.tr("No contacts yet. Add one: /contact Ivan Petrov, Romashka LLC, +7 999 123-45-67")
            if entity == "contact"
            else ctx.tr("No companies yet. Add one: /company Romashka LLC, +7 495 123-45-67")
        )
    for row in page.items:
        detail = " · ".join(x for x in (row.phone, row.email) if x)
        lines.append([Span(f"#{row.id} "), bold(row.name), Span(f" {detail}" if detail else "")])
        view.row(Button(f"#{row.id} {row.name}"[:60], f"{prefix}:o:{row.id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, f"{prefix}:l"))
    return view


async def _create(ctx: Ctx, entity: str, text: str) -> View:
    card = crm.recognise(text, country=await crm.team_calling_code(ctx.session, ctx.me))
    warnings = [[Span("⚠ "), *ctx.tr(key, **params)] for key, params in card.warnings]
    if entity == "contact":
        result = await crm_people.create_contact_checked(ctx.session, ctx.me, card)
    else:
        result = await crm_people.create_company_checked(ctx.session, ctx.me, card)
    if result.row is None:
        assert result.draft_id is not None
        prefix = "ct" if entity == "contact" else "co"
        view = duplicate_view(ctx, result.duplicates, result.draft_id, prefix)
        if warnings:
            view.body = join_lines([*warnings, view.body])
        return view
    return await _created(ctx, entity, result.row.id, warnings)


async def _created(ctx: Ctx, entity: str, row_id: int, warnings: list[Any]) -> View:
    if entity == "contact":
        head = ctx.tr("Contact #{id} created.", id=str(row_id))
    else:
        head = ctx.tr("Company #{id} created.", id=str(row_id))
    return prefixed(ctx, join_lines([head, *warnings]), await person_card(ctx, entity, row_id))


async def _command(ctx: Ctx, entity: str) -> Any:
    await crm.scope_of(ctx.session, ctx.me)
    text = ctx.args.strip()
    if not text:
        return await list_view(ctx, entity, 1)
    if (found := numbered(text, CRM_ACTIONS)) is not None:  # /contact 5, /contact 5 comment TEXT
        return await numbered_card(ctx, entity, found)
    return await _create(ctx, entity, text)


@router.command(
    "contact",
    help=N_("contacts: list, open by number, or add one"),
    usage=N_("/contact [NAME, PHONE, E-MAIL]"),
    roles=("admin", "employee", "extranet"),
    aliases=("contacts",),
    personal=True,  # the CRM is no group's: its data goes to the asker alone
)
async def contact_command(ctx: Ctx) -> Any:
    return await _command(ctx, "contact")


@router.command(
    "company",
    help=N_("companies: list, open by number, or add one"),
    usage=N_("/company [NAME, PHONE, E-MAIL]"),
    roles=("admin", "employee", "extranet"),
    aliases=("companies",),
    personal=True,  # the CRM is no group's: its data goes to the asker alone
)
async def company_command(ctx: Ctx) -> Any:
    return await _command(ctx, "company")


async def _action(ctx: Ctx, entity: str) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "l":
        view = await list_view(ctx, entity, ctx.page_arg(1))
        view.edit = True
        return view
    if verb == "o":
        return await person_card(ctx, entity, ctx.int_arg(1))
    if verb in ("dd", "pp"):
        return await related_view(ctx, entity, ctx.int_arg(1), verb, ctx.page_arg(2))
    if verb == "new":
        row = await crm_people.create_from_draft(ctx.session, ctx.me, ctx.int_arg(1), entity)
        return await _created(ctx, entity, row.id, [])
    if verb == "mg" and entity == "contact":
        target_entity = ENTITY.get(ctx.action_args[2] if len(ctx.action_args) > 2 else "", "")
        if target_entity not in ("lead", "contact"):
            raise DomainError(_N("This button is out of date. Open the list again."))
        target = await crm_leads.merge_draft(
            ctx.session, ctx.me, ctx.int_arg(1), target_entity, ctx.int_arg(3), kind="contact"
        )
        head = ctx.tr("Merged into #{id}.", id=str(target.id))
        return prefixed(ctx, head, await card(ctx, target_entity, target.id))
    raise DomainError(_N("This button is out of date. Open the list again."))


@router.action("ct", personal=True)
async def contact_action(ctx: Ctx) -> Any:
    return await _action(ctx, "contact")


@router.action("co", personal=True)
async def company_action(ctx: Ctx) -> Any:
    return await _action(ctx, "company")
