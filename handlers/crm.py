"""/crm: the CRM Start dashboard and its sub-commands; /export; the buttons every card
shares (comment, responsible, fields; what they change: handlers.crm_changes)."""

from __future__ import annotations

from typing import Any

from handlers.common import unknown_action
from handlers.core import Ctx, Router
from handlers.crm_activities import todo_view
from handlers.crm_admin import (
    VISIBILITY_TEXT,
    add_stage_view,
    dashboard_view,
    field_command,
    find_view,
    grant_view,
    local_today,
    notes_view,
    plan_command,
)
from handlers.crm_card_parts import LETTER, activities_view, entity_arg
from handlers.i18n import N_
from handlers.markup import bold
from handlers.people import pick_person
from handlers.views import Attachment, Button, View
from services import crm, crm_export, crm_fields, crm_periods, crm_rights
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 75

EXPORT_WORDS = {
    "leads": "lead",
    "лиды": "lead",
    "deals": "deal",
    "сделки": "deal",
    "contacts": "contact",
    "контакты": "contact",
    "companies": "company",
    "компании": "company",
}
CSV_NAMES = {
    "lead": "leads.csv",
    "deal": "deals.csv",
    "contact": "contacts.csv",
    "company": "companies.csv",
}
ENTITY_LABELS = {"lead": "l", "deal": "d", "contact": "c", "company": "o"}


@router.command(
    "crm",
    help=N_("CRM Start: plan, funnel, channels, people; find, plan, report, field, access"),
    usage=N_(
        "/crm [todo|month YYYY-MM|find TEXT|plan @person AMOUNT [count] [MONTH]|report ...|"
        "field add ...|status add NAME|stage add [#PIPELINE] NAME|pipeline NAME|currency CODE|"
        "access own|department|all|grant @person|revoke @person|forms|form new NAME]"
    ),
    roles=("admin", "employee", "extranet"),
    by_role={
        role: (
            N_("CRM Start: plan, funnel, channels, people; find and reports"),
            N_("/crm [todo|month YYYY-MM|find TEXT|report ...]"),
        )
        for role in ("employee", "extranet")
    },
    personal=True,  # the CRM is no group's: its data goes to the asker alone
)
async def crm_command(ctx: Ctx) -> Any:
    verb, _, rest = ctx.args.strip().partition(" ")
    verb, rest = verb.casefold(), rest.strip()
    await crm.scope_of(ctx.session, ctx.me)
    if not verb:
        return await dashboard_view(ctx, crm_periods.month_key(local_today(ctx)))
    if verb in ("find", "search", "найти", "поиск"):
        return await find_view(ctx, rest)
    if verb in ("plan", "план"):
        return await plan_command(ctx, rest)
    if verb in ("report", "reports", "отчет", "отчёт"):
        from handlers.crm_reports import report_command

        return await report_command(ctx, rest)
    if verb in ("currency", "валюта"):
        row = await crm.set_currency(ctx.session, ctx.me, rest)
        return View(body=ctx.tr("The team's currency is {code} now.", code=row.currency))
    if verb in ("access", "доступ"):
        row = await crm.set_visibility(ctx.session, ctx.me, rest.casefold())
        return View(body=ctx.tr(VISIBILITY_TEXT[row.visibility]))
    if verb in ("grant", "revoke", "открыть", "закрыть"):
        granted = verb in ("grant", "открыть")
        picked = await pick_person(ctx, rest, lambda uid: f"crm:g:{int(granted)}:{uid}")
        if isinstance(picked, View):
            return picked
        return await grant_view(ctx, picked.id, granted)
    if verb in ("field", "поле"):
        return await field_command(ctx, rest)
    if verb in ("status", "статус"):
        word, _, name = rest.partition(" ")
        if word.casefold() not in ("add", "new", "добавить"):
            raise DomainError(_N("Add a lead status like this: /crm status add Qualified"))
        from services import crm_leads

        stage = await crm_leads.add_status(ctx.session, ctx.me, name)
        return View(body=ctx.tr("Lead status {name} added.", name=bold(stage.name)))
    if verb in ("stage", "стадия"):
        return await add_stage_view(ctx, rest)
    if verb in ("pipeline", "воронка"):
        from services import crm_deals

        pipe = await crm_deals.create_pipeline(ctx.session, ctx.me, rest)
        return View(
            body=ctx.tr("Pipeline {name} created with the default stages.", name=bold(pipe.name))
        )
    if verb in ("todo", "activities", "дела"):
        return await todo_view(ctx, 1)
    if verb in ("month", "месяц"):
        return await dashboard_view(ctx, crm_periods.parse_month(rest, local_today(ctx).date()))
    if verb in ("forms", "form", "формы", "форма"):
        from handlers.crm_forms import forms_command

        return await forms_command(ctx, rest)
    raise unknown_action(verb, "crm")


@router.command(
    "export",
    help=N_("export leads, deals, contacts or companies as CSV"),
    usage=N_("/export leads|deals|contacts|companies"),
    roles=("admin", "employee", "extranet"),
    personal=True,
)
async def export_command(ctx: Ctx) -> Any:
    word = ctx.args.strip().casefold() or "leads"
    entity = EXPORT_WORDS.get(word) or crm_fields.ENTITY_WORDS.get(word)
    if entity is None:
        raise DomainError(_N("Export leads, deals, contacts or companies."))
    data, count = await crm_export.export_csv(ctx.session, ctx.me, entity, say=ctx.tr.s)
    return View(
        body=ctx.tr.n("{n} row exported.", "{n} rows exported.", count),
        file=Attachment(CSV_NAMES[entity], data, "text/csv"),
    )


async def _export_list(ctx: Ctx) -> View:
    """The Export button of a lead or deal list: the list's own filter, as CSV."""
    entity = entity_arg(ctx, 1)
    code_ = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
    if entity == "lead":
        from handlers.crm_lead_filter import filter_from_code

        data, count = await crm_export.export_csv(
            ctx.session, ctx.me, "lead", lead_filter=filter_from_code(code_), say=ctx.tr.s
        )
    elif entity == "deal":
        state = {"o": "open", "w": "won", "x": "lost"}.get(code_[1:2])
        data, count = await crm_export.export_csv(
            ctx.session,
            ctx.me,
            "deal",
            deal_filter={"mine": code_[:1] == "m", "state": state},
            say=ctx.tr.s,
        )
    else:
        data, count = await crm_export.export_csv(ctx.session, ctx.me, entity, say=ctx.tr.s)
    return View(
        body=ctx.tr.n("{n} row exported.", "{n} rows exported.", count),
        file=Attachment(CSV_NAMES[entity], data, "text/csv"),
    )


# -- buttons shared by every card --------------------------------------------------------


@router.action("crm", personal=True)
async def crm_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "g":
        return await grant_view(ctx, ctx.int_arg(2), ctx.int_arg(1) == 1)
    if verb == "x":
        return await _export_list(ctx)
    if verb == "fd":
        view = await find_view(ctx, ":".join(ctx.action_args[2:]), ctx.page_arg(1))
        view.edit = True
        return view
    if verb == "as":
        return await activities_view(ctx, entity_arg(ctx, 1), ctx.int_arg(2), ctx.page_arg(3))
    if verb == "h":
        entity = entity_arg(ctx, 1)
        view = await notes_view(ctx, entity, ctx.int_arg(2), ctx.page_arg(3))
        view.edit = True
        return view
    if verb == "mo":
        raw = ctx.action_args[1] if len(ctx.action_args) > 1 else ""
        view = await dashboard_view(ctx, crm_periods.parse_month(raw, local_today(ctx).date()))
        return view
    if verb == "td":
        view = await todo_view(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    entity = entity_arg(ctx, 1)
    entity_id = ctx.int_arg(2)
    if verb in CHANGES:  # an old button of a record one may only read: refused at once
        await crm_rights.get_editable(ctx.session, ctx.me, entity, entity_id)
    else:
        await crm.get_visible(ctx.session, ctx.me, entity, entity_id)
    data = {"entity": entity, "entity_id": entity_id}
    if verb == "cm":
        return await ctx.start_form("crm_comment", data)
    if verb == "ac":
        return await ctx.start_form("crm_activity", data)
    if verb == "ow":
        return await ctx.start_form("crm_owner", data)
    if verb == "fl":
        fields = await crm_fields.fields_of(ctx.session, ctx.me, entity)
        if not fields:
            return View(
                body=ctx.tr(
                    "No custom fields yet. An admin adds them: /crm field add lead Budget number"
                )
            )
        view = View(body=ctx.tr("Which field?"))
        for fld in fields:
            view.row(Button(fld.name[:60], f"crm:fv:{LETTER[entity]}:{entity_id}:{fld.id}"))
        return view
    if verb == "fv":
        data["field_id"] = ctx.int_arg(3)
        return await ctx.start_form("crm_field", data)
    raise DomainError(_N("This button is out of date. Open the list again."))


# the card's buttons that change the record (its responsible, its fields), not add to it
CHANGES = ("ow", "fl", "fv")
