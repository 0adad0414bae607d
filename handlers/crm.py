"""/crm: the CRM Start dashboard, find, plans, reports, settings, fields, pipelines;
/export; the buttons every card shares (comment, activity, responsible, fields)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.crm_cards import ENTITY, LETTER, activity_line, card, entity_arg, prefixed
from handlers.crm_charts import dashboard_png
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import Markup, Span, bold, join_lines
from handlers.people import person_field, pick_person
from handlers.views import Attachment, Button, View
from services import crm, crm_activities, crm_fields, crm_people, crm_reports
from services.crm_deals import money, parse_money
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing import parse_when

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
VISIBILITY_TEXT = {
    "own": N_("Employees now see only their own CRM records."),
    "department": N_("Employees now see their department's CRM records."),
    "all": N_("Employees now see every CRM record of the team."),
}
ENTITY_LABELS = {"lead": "l", "deal": "d", "contact": "c", "company": "o"}


def _today(ctx: Ctx) -> datetime:
    return datetime.now(UTC).astimezone(ctx.tr.zone())


async def dashboard_view(ctx: Ctx, month: str) -> View:
    board = await crm_reports.dashboard(ctx.session, ctx.me, month)
    cur = board.currency
    lines: list[Any] = [[bold(ctx.tr.s("CRM Start — {month}", month=month))]]
    lines.append([bold(ctx.tr.s("Sales plan"))])
    if not board.plans:
        lines.append(ctx.tr("No plan for this month. An admin sets one: /crm plan @person 500000"))
    for line in board.plans:
        if line.kind == "amount":
            done, target = money(line.actual, cur), money(line.target, cur)
        else:
            done, target = str(line.actual), ctx.tr.s("{n} deals", n=line.target)
        lines.append(
            [
                Span("• "),
                bold(line.name),
                Span(": "),
                *ctx.tr(
                    "{done} of {target} ({percent}%)",
                    done=done,
                    target=target,
                    percent=str(line.percent),
                ),
            ]
        )
    lines.append([bold(ctx.tr.s("Lead funnel"))])
    for name, count in board.funnel:
        lines.append([Span(f"• {ctx.tr.s(name)}: {count}")])
    rate = board.leads_converted * 100 // board.leads_total if board.leads_total else 0
    lines.append(
        ctx.tr(
            "Leads: {total}, converted: {converted} ({rate}%)",
            total=str(board.leads_total),
            converted=str(board.leads_converted),
            rate=str(rate),
        )
    )
    lines.append([bold(ctx.tr.s("Channels"))])
    if not board.channels:
        lines.append(ctx.tr("No leads yet."))
    for source, (total, converted) in board.channels.items():
        pct = converted * 100 // total if total else 0
        lines.append(
            [
                Span("• "),
                *ctx.tr(
                    "{source}: {total} leads, {converted} converted ({rate}%)",
                    source=ctx.tr.s(crm.SOURCE_NAMES[source]),
                    total=str(total),
                    converted=str(converted),
                    rate=str(pct),
                ),
            ]
        )
    lines.append([bold(ctx.tr.s("Employees"))])
    if not board.people:
        lines.append(ctx.tr("No results this month yet."))
    for name, won, amount, acts in board.people:
        lines.append(
            [
                Span("• "),
                bold(name),
                Span(": "),
                *ctx.tr(
                    "won {won} for {amount}, activities done: {acts}",
                    won=str(won),
                    amount=money(amount, cur),
                    acts=str(acts),
                ),
            ]
        )
    view = View(body=join_lines(lines))
    view.image = Attachment(f"crm-{month}.png", dashboard_png(ctx.tr, board), "image/png")
    view.row(
        Button(ctx.tr.s("Leads"), "cmd:leads"),
        Button(ctx.tr.s("Deals"), "cmd:deals"),
        Button(ctx.tr.s("My activities"), "crm:td:1"),
        Button(ctx.tr.s("Reports"), "rp:m"),
    )
    start, end = crm_reports.month_bounds(month)
    before = crm_reports.month_key(start - timedelta(days=1))
    after = crm_reports.month_key(end)
    view.row(Button(f"« {before}", f"crm:mo:{before}"), Button(f"{after} »", f"crm:mo:{after}"))
    return view


async def todo_view(ctx: Ctx, page_no: int) -> View:
    page = await crm_activities.my_open(
        ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size
    )
    lines: list[Any] = [[bold(ctx.tr.s("My activities ({count})", count=page.total))]]
    if not page.items:
        lines.append(ctx.tr("Nothing planned. Add an activity from a card."))
    view = View()
    openers = {"lead": "ld", "deal": "dl", "contact": "ct", "company": "co"}
    for act in page.items:
        lines.append(activity_line(ctx, act))
        label = act.subject or ctx.tr.s(crm_activities.KIND_NAMES[act.kind])
        view.row(
            Button(f"✔ {label}"[:60], f"ac:d:{act.id}"),
            Button(ctx.tr.s("Open"), f"{openers[act.entity]}:o:{act.entity_id}"),
        )
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "crm:td"))
    return view


@router.command(
    "crm",
    help=N_("CRM Start: plan, funnel, channels, people; find, plan, report, field, access"),
    usage=N_(
        "/crm [todo|month YYYY-MM|find TEXT|plan @person AMOUNT [count] [MONTH]|report ...|"
        "field add ...|status add NAME|stage add [#PIPELINE] NAME|pipeline NAME|"
        "access own|department|all|grant @person|revoke @person]"
    ),
    roles=("admin", "employee", "extranet"),
)
async def crm_command(ctx: Ctx) -> Any:
    verb, _, rest = ctx.args.strip().partition(" ")
    verb, rest = verb.casefold(), rest.strip()
    await crm.scope_of(ctx.session, ctx.me)
    if not verb:
        return await dashboard_view(ctx, crm_reports.month_key(_today(ctx)))
    if verb in ("find", "search", "найти", "поиск"):
        return await find_view(ctx, rest)
    if verb in ("plan", "план"):
        return await plan_command(ctx, rest)
    if verb in ("report", "reports", "отчет", "отчёт"):
        from handlers.crm_reports import report_command

        return await report_command(ctx, rest)
    if verb in ("access", "доступ"):
        row = await crm.set_visibility(ctx.session, ctx.me, rest.casefold())
        return View(body=ctx.tr(VISIBILITY_TEXT[row.visibility]))
    if verb in ("grant", "revoke", "открыть", "закрыть"):
        granted = verb in ("grant", "открыть")
        picked = await pick_person(ctx, rest, lambda uid: f"crm:g:{int(granted)}:{uid}")
        if isinstance(picked, View):
            return picked
        return await _grant(ctx, picked.id, granted)
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
        return await _add_stage(ctx, rest)
    if verb in ("pipeline", "воронка"):
        from services import crm_deals

        pipe = await crm_deals.create_pipeline(ctx.session, ctx.me, rest)
        return View(
            body=ctx.tr("Pipeline {name} created with the default stages.", name=bold(pipe.name))
        )
    if verb in ("todo", "activities", "дела"):
        return await todo_view(ctx, 1)
    if verb in ("month", "месяц"):
        return await dashboard_view(ctx, crm_reports.parse_month(rest, _today(ctx).date()))
    raise DomainError(_N("Unknown action {verb}. Send /help for the list."), verb=verb)


async def _add_stage(ctx: Ctx, text: str) -> View:
    """/crm stage add [#PIPELINE] NAME"""
    from services import crm_deals

    word, _, rest = text.partition(" ")
    rest = rest.strip()
    if word.casefold() not in ("add", "new", "добавить") or not rest:
        raise DomainError(_N("Add a deal stage like this: /crm stage add [#PIPELINE] Contract"))
    pipes = await crm_deals.pipelines(ctx.session, ctx.me)
    pipe = pipes[0]
    if rest.startswith("#"):
        head, _, rest = rest[1:].partition(" ")
        found = [p for p in pipes if (p.name or ctx.tr.s("Sales")).casefold() == head.casefold()]
        if not found:
            names = ", ".join(p.name or ctx.tr.s("Sales") for p in pipes)
            raise DomainError(
                _N("There is no pipeline {name}. Pipelines: {names}."), name=head, names=names
            )
        pipe = found[0]
    stage = await crm_deals.add_stage(ctx.session, ctx.me, pipe.id, rest)
    return View(
        body=ctx.tr(
            "Stage {name} added to the pipeline {pipeline}.",
            name=bold(stage.name),
            pipeline=bold(pipe.name or ctx.tr.s("Sales")),
        )
    )


async def _grant(ctx: Ctx, user_id: int, granted: bool) -> View:
    user = await crm.set_grant(ctx.session, ctx.me, user_id, granted)
    if granted:
        return View(body=ctx.tr("{person} may use the CRM now.", person=bold(user.name)))
    return View(body=ctx.tr("{person} no longer has the CRM.", person=bold(user.name)))


async def find_view(ctx: Ctx, text: str) -> View:
    hits = await crm_people.find(ctx.session, ctx.me, text)
    kinds = {
        "lead": ctx.tr.s("lead"),
        "contact": ctx.tr.s("contact"),
        "company": ctx.tr.s("company"),
    }
    prefixes = {"lead": "ld", "contact": "ct", "company": "co"}
    lines: list[Any] = [ctx.tr("Found for {text}: {count}", text=bold(text), count=str(len(hits)))]
    view = View()
    for hit in hits:
        lines.append(
            [
                Span("• "),
                *ctx.tr("{kind} #{id}", kind=kinds[hit.entity], id=str(hit.id)),
                Span(" "),
                bold(hit.name),
                Span(f" {hit.detail}" if hit.detail else ""),
            ]
        )
        view.row(
            Button(
                (ctx.tr.s("{kind} #{id}", kind=kinds[hit.entity], id=hit.id) + " " + hit.name)[:60],
                f"{prefixes[hit.entity]}:o:{hit.id}",
            )
        )
    view.body = join_lines(lines)
    return view


async def plan_command(ctx: Ctx, text: str) -> View:
    words = text.split()
    if len(words) < 2:
        raise DomainError(_N("Set a plan like this: /crm plan @anna 500000 [count] [2026-12]"))
    who = words[0]
    kind = "amount"
    month = crm_reports.month_key(_today(ctx))
    amount_words: list[str] = []
    for word in words[1:]:
        if word.casefold() in ("count", "deals", "штук", "сделок"):
            kind = "count"
        elif "-" in word or "." in word and len(word) >= 6:
            month = crm_reports.parse_month(word, _today(ctx).date())
        else:
            amount_words.append(word)
    amount, _currency = parse_money(" ".join(amount_words))
    target = amount // 100 if kind == "count" else amount
    user_id = await person_field(ctx, who)
    plan = await crm_reports.set_plan(ctx.session, ctx.me, user_id, month, kind, target)
    currency = (await crm.settings_of(ctx.session, ctx.me.team_id)).currency
    shown = money(plan.target, currency) if kind == "amount" else str(plan.target)
    name = (await crm.user_names(ctx.session, {user_id}))[user_id]
    if kind == "count":
        return View(
            body=ctx.tr(
                "Plan for {person} in {month}: {target} deals.",
                person=bold(name),
                month=month,
                target=shown,
            )
        )
    return View(
        body=ctx.tr(
            "Plan for {person} in {month}: {target}.", person=bold(name), month=month, target=shown
        )
    )


async def field_command(ctx: Ctx, text: str) -> View:
    """/crm field add lead Budget number | /crm field add deal Region list North|South"""
    words = text.split()
    if len(words) < 4 or words[0].casefold() not in ("add", "new", "добавить"):
        raise DomainError(
            _N(
                "Add a field like this: /crm field add lead Budget number "
                "(text, number, date or list A|B|C)."
            )
        )
    entity = crm_fields.ENTITY_WORDS.get(words[1].casefold())
    if entity is None:
        raise DomainError(_N("Fields belong to leads, deals, contacts or companies."))
    rest = words[2:]
    kind, options = None, []
    for index in range(len(rest) - 1, 0, -1):
        found = crm_fields.KIND_WORDS.get(rest[index].casefold())
        if found:
            kind = found
            options = " ".join(rest[index + 1 :]).split("|")
            rest = rest[:index]
            break
    if kind is None:
        raise DomainError(_N("A field is text, number, date or list."))
    fld = await crm_fields.define_field(ctx.session, ctx.me, entity, " ".join(rest), kind, options)
    return View(body=ctx.tr("Field {name} added.", name=bold(fld.name)))


@router.command(
    "export",
    help=N_("export leads, deals, contacts or companies as CSV"),
    usage=N_("/export leads|deals|contacts|companies"),
    roles=("admin", "employee", "extranet"),
)
async def export_command(ctx: Ctx) -> Any:
    word = ctx.args.strip().casefold() or "leads"
    entity = EXPORT_WORDS.get(word) or crm_fields.ENTITY_WORDS.get(word)
    if entity is None:
        raise DomainError(_N("Export leads, deals, contacts or companies."))
    data, count = await crm_reports.export_csv(ctx.session, ctx.me, entity)
    return View(
        body=ctx.tr.n("{n} row exported.", "{n} rows exported.", count),
        file=Attachment(f"{entity}s.csv", data, "text/csv"),
    )


async def _export_list(ctx: Ctx) -> View:
    """The Export button of a lead or deal list: the list's own filter, as CSV."""
    entity = entity_arg(ctx, 1)
    code_ = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
    if entity == "lead":
        from handlers.crm_leads import filter_from_code

        data, count = await crm_reports.export_csv(
            ctx.session, ctx.me, "lead", lead_filter=filter_from_code(code_)
        )
    elif entity == "deal":
        state = {"o": "open", "w": "won", "x": "lost"}.get(code_[1:2])
        data, count = await crm_reports.export_csv(
            ctx.session, ctx.me, "deal", deal_filter={"mine": code_[:1] == "m", "state": state}
        )
    else:
        data, count = await crm_reports.export_csv(ctx.session, ctx.me, entity)
    return View(
        body=ctx.tr.n("{n} row exported.", "{n} rows exported.", count),
        file=Attachment(f"{entity}s.csv", data, "text/csv"),
    )


# -- buttons shared by every card --------------------------------------------------------


@router.action("crm")
async def crm_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "g":
        return await _grant(ctx, ctx.int_arg(2), ctx.int_arg(1) == 1)
    if verb == "x":
        return await _export_list(ctx)
    if verb == "mo":
        raw = ctx.action_args[1] if len(ctx.action_args) > 1 else ""
        view = await dashboard_view(ctx, crm_reports.parse_month(raw, _today(ctx).date()))
        return view
    if verb == "td":
        view = await todo_view(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    entity = entity_arg(ctx, 1)
    entity_id = ctx.int_arg(2)
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


async def _submit_comment(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    await crm.add_comment(ctx.session, ctx.me, entity, entity_id, values["text"])
    return prefixed(ctx, ctx.tr("Comment added."), await card(ctx, entity, entity_id))


async def _submit_owner(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    row, user = await crm.set_owner(ctx.session, ctx.me, entity, entity_id, int(values["owner"]))
    label = str(getattr(row, "name", None) or getattr(row, "title", ""))
    actor_name = ctx.me.name
    ref = f"{entity}:{entity_id}"
    opener = {"lead": "ld", "deal": "dl", "contact": "ct", "company": "co"}[entity]

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
    return prefixed(
        ctx,
        ctx.tr("{person} is responsible now.", person=bold(user.name)),
        await card(ctx, entity, entity_id),
    )


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
        submit=_submit_owner,
    )
)
router.form(
    Form(
        name="crm_field",
        title=N_("Field"),
        fields=[Field("value", N_("The value?"), max_length=1000)],
        submit=_submit_field,
    )
)


# -- activities ----------------------------------------------------------------------------


def reminder_payload(tr: Translator, activity: Any) -> dict[str, Any]:
    kind = tr.s(crm_activities.KIND_NAMES[activity.kind])
    opener = {"lead": "ld", "deal": "dl", "contact": "ct", "company": "co"}[activity.entity]
    view = View(
        body=tr(
            "Reminder: {kind} {subject} at {when}",
            kind=kind,
            subject=bold(str(activity.subject or "")),
            when=tr.when(activity.due_at),
        ),
        buttons=[
            [
                Button(tr.s("Done"), f"ac:d:{activity.id}"),
                Button(tr.s("Reschedule"), f"ac:r:{activity.id}"),
                Button(tr.s("Open"), f"{opener}:o:{activity.entity_id}"),
            ]
        ],
        ref=f"{activity.entity}:{activity.entity_id}",
    )
    return view.to_dict()


async def _kind_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [(ctx.tr.s(crm_activities.KIND_NAMES[k]), k) for k in crm_activities.KINDS]


async def _parse_kind(ctx: Ctx, raw: str) -> str:
    value = raw.strip().casefold()
    for k in crm_activities.KINDS:
        if value == ctx.tr.s(crm_activities.KIND_NAMES[k]).casefold():
            return k
    found = crm_activities.KIND_WORDS.get(value)
    if found is None:
        raise DomainError(_N("An activity is a call, a meeting or a to-do."))
    return found


async def _parse_subject(ctx: Ctx, raw: str) -> str:
    return raw.strip()[:300]


async def _parse_when(ctx: Ctx, raw: str) -> str:
    return parse_when(raw, ctx.me.locale, ctx.me.timezone).isoformat()


async def _submit_activity(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    due = datetime.fromisoformat(values["when"])
    act = await crm_activities.create_activity(
        ctx.session, ctx.me, entity, entity_id, values["kind"], values.get("subject") or "", due
    )
    await crm_activities.remind(ctx.session, act, reminder_payload(ctx.tr, act))
    head = join_lines(
        [
            ctx.tr("Planned; I will remind you {when}.", when=ctx.tr.when(due)),
            activity_line(ctx, act),
        ]
    )
    return prefixed(ctx, head, await card(ctx, entity, entity_id))


async def _submit_reschedule(ctx: Ctx, values: dict[str, Any]) -> View:
    due = datetime.fromisoformat(values["when"])
    act = await crm_activities.reschedule(ctx.session, ctx.me, int(values["activity_id"]), due)
    await crm_activities.remind(ctx.session, act, reminder_payload(ctx.tr, act))
    return View(body=ctx.tr("Moved to {when}.", when=ctx.tr.when(due)))


router.form(
    Form(
        name="crm_activity",
        title=N_("Activity"),
        fields=[
            Field("kind", N_("Call, meeting or to-do?"), _parse_kind, choices=_kind_choices),
            Field("subject", N_("What about?"), _parse_subject, optional=True, max_length=300),
            Field("when", N_("When? For example: tomorrow 15:00, next fri 10am."), _parse_when),
        ],
        submit=_submit_activity,
    )
)
router.form(
    Form(
        name="crm_resched",
        title=N_("Reschedule"),
        fields=[
            Field("when", N_("When? For example: tomorrow 15:00, next fri 10am."), _parse_when)
        ],
        submit=_submit_reschedule,
    )
)


@router.action("ac")
async def activity_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    activity_id = ctx.int_arg(1)
    if verb == "d":
        act = await crm_activities.complete(ctx.session, ctx.me, activity_id)
        line: Markup = activity_line(ctx, act)
        return View(body=join_lines([ctx.tr("Done."), line]), edit=True)
    if verb == "r":
        await crm_activities.get_activity(ctx.session, ctx.me, activity_id)
        return await ctx.start_form("crm_resched", {"activity_id": activity_id})
    raise DomainError(_N("This button is out of date. Open the list again."))


__all__ = ["ENTITY", "ENTITY_LABELS", "router"]
