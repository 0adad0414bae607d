"""/crm: the CRM Start dashboard and its sub-commands; /export; the buttons every card
shares (comment, responsible, fields)."""

from __future__ import annotations

from typing import Any

from handlers.common import unknown_action
from handlers.core import Ctx, Router
from handlers.crm_activities import remind_owner, todo_view
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
from handlers.crm_card_parts import LETTER, activities_view, entity_arg, prefixed
from handlers.crm_cards import card
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator, translator
from handlers.markup import bold, join_lines
from handlers.people import person_field, pick_person
from handlers.views import Attachment, Button, View
from models.base import utcnow
from services import crm, crm_export, crm_fields, crm_handover, crm_notes, crm_periods, crm_rights
from services.errors import N_ as _N
from services.errors import DomainError, NotFound

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
OPENERS = {"lead": "ld", "deal": "dl", "contact": "ct", "company": "co"}
COMMENT_SHOWN = 500  # of a comment, in the notice; the card has it all


def _label(row: Any) -> str:
    return str(getattr(row, "name", None) or getattr(row, "title", ""))


async def _submit_comment(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    note = await crm_notes.add_comment(ctx.session, ctx.me, entity, entity_id, values["text"])
    row = await crm.get_visible(ctx.session, ctx.me, entity, entity_id)
    if row.owner_id is not None:  # the responsible person hears (not of their own)
        actor_name, label = ctx.me.name, _label(row)
        text = note.text if len(note.text) <= COMMENT_SHOWN else note.text[:COMMENT_SHOWN] + "…"

        def build(tr: Translator) -> View:
            return View(
                body=tr(
                    "{person} commented on {item}: {text}",
                    person=bold(actor_name),
                    item=bold(label),
                    text=text,
                ),
                buttons=[[Button(tr.s("Open"), f"{OPENERS[entity]}:o:{entity_id}")]],
            )

        await ctx.notify(row.owner_id, "comment", build, ref=f"{entity}:{entity_id}")
    return prefixed(ctx, ctx.tr("Comment added."), await card(ctx, entity, entity_id))


async def set_lead_status(ctx: Ctx, lead_id: int, status_id: int) -> Any:
    """A lead's status button: the status changes, and its responsible person hears of
    it when someone else changed it (as of a deal's stage)."""
    from services import crm_leads

    before = (await crm_leads.get_lead(ctx.session, ctx.me, lead_id)).status_id
    lead, status = await crm_leads.set_status(ctx.session, ctx.me, lead_id, status_id)
    if lead.owner_id is not None and status.id != before:
        actor_name, title = ctx.me.name, lead.name

        def build(tr: Translator) -> View:
            return View(
                body=tr(
                    "{person} set the lead {title} to {status}.",
                    person=bold(actor_name),
                    title=bold(title),
                    status=bold(tr.s(crm.stage_name(status))),
                ),
                buttons=[[Button(tr.s("Open"), f"ld:o:{lead.id}")]],
            )

        await ctx.notify(lead.owner_id, "stage", build, ref=f"lead:{lead.id}")
    return lead


TOOK_OVER = {
    "lead": N_("{person} took over the lead {item}."),
    "deal": N_("{person} took over the deal {item}."),
    "contact": N_("{person} took over the contact {item}."),
    "company": N_("{person} took over the company {item}."),
}


ALONG = {
    "contact": N_("The contact {name} goes with the deal."),
    "company": N_("The company {name} goes with the deal."),
}


async def assign_owner(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    handover = await crm_handover.set_owner(
        ctx.session, ctx.me, entity, entity_id, int(values["owner"])
    )
    row, user = handover.row, handover.user
    if handover.activities:  # their reminders go to the new owner, in their words
        theirs = translator(user.locale, user.timezone)
        now = utcnow()
        for activity in handover.activities:
            if activity.due_at > now:
                await remind_owner(ctx, activity, theirs)
    label = _label(row)
    actor_name = ctx.me.name
    ref = f"{entity}:{entity_id}"
    opener = OPENERS[entity]

    def build(tr: Translator) -> View:
        return View(
            body=tr(
                "{person} made you responsible for {item}.",
                person=bold(actor_name),
                item=bold(label),
            ),
            buttons=[[Button(tr.s("Open"), f"{opener}:o:{entity_id}")]],
        )

    await ctx.notify(user.id, "assignment", build, ref=ref)
    previous = handover.previous_id
    if previous is not None and previous != user.id:  # whoever had it is not left guessing
        took = user.id == ctx.me.user_id
        new_name = user.name

        def build_previous(tr: Translator) -> View:
            body = (
                tr(TOOK_OVER[entity], person=bold(actor_name), item=bold(label))
                if took
                else tr(
                    "{person} handed {item} over to {other}.",
                    person=bold(actor_name),
                    item=bold(label),
                    other=bold(new_name),
                )
            )
            return View(body=body, buttons=[[Button(tr.s("Open"), f"{opener}:o:{entity_id}")]])

        await ctx.notify(previous, "assignment", build_previous, ref=ref)
    done = join_lines(
        [
            ctx.tr("{person} is responsible now.", person=bold(user.name)),
            *(ctx.tr(ALONG[kind], name=bold(linked.name)) for kind, linked in handover.along),
        ]
    )
    try:
        shown = await card(ctx, entity, entity_id)
    except NotFound:
        # handed over under "own records" visibility: no longer the actor's to see,
        # which does not undo the handover
        return View(body=done)
    return prefixed(ctx, done, shown)


async def _submit_field(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    await crm_fields.set_value(
        ctx.session, ctx.me, entity, entity_id, int(values["field_id"]), values["value"]
    )
    return await card(ctx, entity, entity_id)


router.form(
    Form(
        name="crm_comment",
        title=N_("Comment"),
        fields=[Field("text", N_("Your comment?"), multiline=True)],
        submit=_submit_comment,
    )
)
router.form(
    Form(
        name="crm_owner",
        title=N_("Responsible"),
        fields=[Field("owner", N_("Who is responsible? A name or @username."), person_field)],
        submit=assign_owner,
    )
)
router.form(
    Form(
        name="crm_field",
        title=N_("Field"),
        fields=[Field("value", N_("The value?"), max_length=1000)],
        submit=_submit_field,
        checked_on_submit="value",  # "east" for a list of North|South: asked again
    )
)
