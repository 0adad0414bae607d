"""Report templates (funnel, by month, by employee, by source) and the small builder:
/crm report leads by source month mine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import Ctx, Router
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines
from handlers.periods import period_label
from handlers.views import Button, View
from services import crm_fields, crm_reports
from services.crm import settings_of, source_of
from services.crm_money import money_sum
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing_periods import ALL_TIME, Period, from_key, parse_period

router = Router(__name__)
ORDER = 79

TEMPLATES = {
    "funnel": N_("Deal funnel"),
    "month": N_("Sales by month"),
    "employee": N_("Sales by employee"),
    "source": N_("Leads by source"),
}
TEMPLATE_WORDS = {
    "funnel": "funnel",
    "воронка": "funnel",
    "month": "month",
    "months": "month",
    "по месяцам": "month",
    "месяцы": "month",
    "employee": "employee",
    "employees": "employee",
    "сотрудники": "employee",
    "source": "source",
    "sources": "source",
    "источники": "source",
}
GROUP_WORDS = {
    **{word: "status" for word in ("status", "statuses", "статус", "статусу", "статусам")},
    **{word: "stage" for word in ("stage", "stages", "стадия", "стадии", "стадиям")},
    **{word: "source" for word in ("source", "sources", "источник", "источнику", "источникам")},
    **{
        word: "owner"
        for word in (
            "owner",
            "owners",
            "responsible",
            "employee",
            "employees",
            "ответственный",
            "ответственному",
            "ответственным",
            "сотруднику",
            "сотрудникам",
        )
    },
    **{word: "month" for word in ("month", "months", "месяц", "месяцу", "месяцам")},
}
ENTITY_NAMES = {"lead": N_("leads"), "deal": N_("deals")}
GROUP_NAMES = {
    "status": N_("status"),
    "stage": N_("stage"),
    "source": N_("source"),
    "owner": N_("responsible"),
    "month": N_("month"),
}
STATE_WORDS = {
    "open": "open",
    "открытые": "open",
    "won": "won",
    "выигранные": "won",
    "lost": "lost",
    "проигранные": "lost",
}
# "this"/"last" before a word that is also a grouping ("last month"): a period's
PERIOD_MODIFIERS = {
    "this",
    "last",
    "previous",
    "current",
    "этот",
    "этом",
    "прошлый",
    "прошлом",
    "предыдущий",
    "текущий",
}


async def _period(ctx: Ctx, words: list[str]) -> tuple[Period, str]:
    """The report's period in the team's zone (one answer for everyone), and the zone."""
    zone = await crm_reports.team_zone(ctx.session, ctx.me)
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    return parse_period(" ".join(words), today), zone


async def render(
    ctx: Ctx, title: str, rows: list[crm_reports.ReportRow], deals: bool, period: Period
) -> View:
    """A report under its title and period; its buttons open the other templates for
    the same period."""
    settings = await settings_of(ctx.session, ctx.me.team_id)
    heading = ctx.tr.s("{report} — {period}", report=title, period=period_label(ctx.tr, period))
    lines: list[Any] = [[bold(heading)]]
    if not rows:
        lines.append(ctx.tr("No data for this report."))
    for row in rows:
        label = ctx.tr.s(row.label) if row.translate else row.label
        if row.month:
            label = ctx.tr.month(row.label)
        if row.within:
            label = f"{ctx.tr.s(row.within)} · {label}"
        if deals:
            amount = money_sum(row.amount, settings.currency, row.others, ctx.tr.lang)
            said = (
                ctx.tr.n("{n} deal, {amount}", "{n} deals, {amount}", row.count, amount=amount)
                if row.won is None
                else ctx.tr.n(
                    "{n} deal, won {won}: {amount}",
                    "{n} deals, won {won}: {amount}",
                    row.count,
                    won=str(row.won),
                    amount=amount,
                )
            )
            lines.append([Span(f"• {label}: "), *said])
        else:
            lines.append([Span(f"• {label}: "), *ctx.tr.n("{n} lead", "{n} leads", row.count)])
    view = View(body=join_lines(lines))
    buttons = [
        Button(ctx.tr.s(name), f"rp:t:{key}:{period.key}") for key, name in TEMPLATES.items()
    ]
    view.row(*buttons[:2])
    view.row(*buttons[2:])
    return view


async def _template(ctx: Ctx, name: str, period: Period, zone: str) -> View:
    since, until = period.bounds(zone)
    rows = await crm_reports.template(ctx.session, ctx.me, name, since, until)
    return await render(ctx, ctx.tr.s(TEMPLATES[name]), rows, name != "source", period)


async def report_command(ctx: Ctx, text: str) -> View:
    words = [w.casefold() for w in text.split()]
    if not words:
        return await menu(ctx)
    if " ".join(words[:2]) in TEMPLATE_WORDS:  # "по месяцам"
        words = [" ".join(words[:2]), *words[2:]]
    if words[0] in TEMPLATE_WORDS:
        period, zone = await _period(ctx, words[1:])
        return await _template(ctx, TEMPLATE_WORDS[words[0]], period, zone)
    entity = crm_fields.ENTITY_WORDS.get(words[0])
    if entity not in ("lead", "deal"):
        raise DomainError(
            _N(
                "Reports: funnel, month, employee, source — or the builder: "
                "/crm report leads by source month"
            )
        )
    group = "status" if entity == "lead" else "stage"
    said: list[str] = []  # the period's words
    mine = False
    state = source = None
    rest = words[1:]
    grouped, previous = False, ""
    while rest:
        word = rest.pop(0)
        after_by, previous = previous in ("by", "по"), word
        if word in ("by", "по"):
            continue
        # a grouping word after "by", or the first one; "month" after a grouping is a period,
        # and so is "last month"
        if (
            word in GROUP_WORDS
            and (after_by or not grouped)
            and not (said and said[-1] in PERIOD_MODIFIERS)
        ):
            grouped = True
            group = GROUP_WORDS[word]
            if entity == "deal" and group == "status":
                group = "stage"
            if entity == "lead" and group == "stage":
                group = "status"
        elif word in ("mine", "my", "мои"):
            mine = True
        elif entity == "deal" and word in STATE_WORDS:
            state = STATE_WORDS[word]
        elif entity == "lead" and source_of(word):
            source = source_of(word)
        else:
            said.append(word)
    period, zone = await _period(ctx, said)
    since, until = period.bounds(zone)
    rows = await crm_reports.build(
        ctx.session,
        ctx.me,
        entity,
        group,
        since=since,
        until=until,
        mine=mine,
        state=state,
        source=source,
    )
    title = ctx.tr.s(
        "Report: {entity} by {group}",
        entity=ctx.tr.s(ENTITY_NAMES[entity]),
        group=ctx.tr.s(GROUP_NAMES[group]),
    )
    return await render(ctx, title, rows, entity == "deal", period)


async def menu(ctx: Ctx) -> View:
    """The report templates, and a built report to try: this month's, in the team's zone."""
    zone = await crm_reports.team_zone(ctx.session, ctx.me)
    month = datetime.now(UTC).astimezone(ZoneInfo(zone)).strftime("%Y-%m")
    view = View(
        body=ctx.tr("Reports. Or build one: /crm report leads by source {month}", month=month)
    )
    for key, name in TEMPLATES.items():
        view.row(Button(ctx.tr.s(name), f"rp:t:{key}"))
    return view


@router.action("rp", personal=True)
async def report_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "m":
        return await menu(ctx)
    if verb == "t" and len(ctx.action_args) > 1 and ctx.action_args[1] in TEMPLATES:
        period = from_key(ctx.action_args[2]) if len(ctx.action_args) > 2 else ALL_TIME
        zone = await crm_reports.team_zone(ctx.session, ctx.me)
        return await _template(ctx, ctx.action_args[1], period, zone)
    raise DomainError(_N("This button is out of date. Open the list again."))
