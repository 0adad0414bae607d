"""The /crm sub-commands' views: the CRM Start dashboard, find, plans, custom fields,
stages and extranet grants (the command itself lives in handlers.crm)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from handlers.core import Ctx, pager_row
from handlers.crm_card_parts import LETTER, history_text
from handlers.crm_charts import dashboard_png
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines, to_plain
from handlers.people import person_field
from handlers.views import Attachment, Button, View
from services import crm, crm_fields, crm_notes, crm_people, crm_periods, crm_reports
from services.crm_money import money, money_sum, parse_money
from services.errors import N_ as _N
from services.errors import DomainError
from services.pagination import Page

VISIBILITY_TEXT = {
    "own": N_("Employees now see only their own CRM records."),
    "department": N_("Employees now see their department's CRM records."),
    "all": N_("Employees now see every CRM record of the team."),
}


def local_today(ctx: Ctx) -> datetime:
    return datetime.now(UTC).astimezone(ctx.tr.zone())


async def dashboard_view(ctx: Ctx, month: str) -> View:
    board = await crm_reports.dashboard(ctx.session, ctx.me, month)
    cur = board.currency
    lines: list[Any] = [[bold(ctx.tr.s("CRM Start — {month}", month=ctx.tr.month(month)))]]
    lines.append([bold(ctx.tr.s("Sales plan"))])
    if not board.plans:
        lines.append(ctx.tr("No plan for this month. An admin sets one: /crm plan @person 500000"))
    for line in board.plans:
        if line.kind == "amount":
            done, target = (
                money(line.actual, cur, ctx.tr.lang),
                money(line.target, cur, ctx.tr.lang),
            )
        else:
            done = str(line.actual)
            target = to_plain(ctx.tr.n("{n} deal", "{n} deals", line.target))
        said = ctx.tr(
            "{done} of {target} ({percent}%)", done=done, target=target, percent=str(line.percent)
        )
        if line.others:  # won in other currencies: beside the plan, not converted into it
            said = ctx.tr(
                "{done} of {target} ({percent}%), and {others} in other currencies",
                done=done,
                target=target,
                percent=str(line.percent),
                others=money_sum(0, cur, line.others, ctx.tr.lang),
            )
        lines.append([Span("• "), bold(line.name), Span(": "), *said])
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
                *ctx.tr.n(
                    "{source}: {n} lead, {converted} converted ({rate}%)",
                    "{source}: {n} leads, {converted} converted ({rate}%)",
                    total,
                    source=ctx.tr.s(crm.SOURCE_NAMES[source]),
                    converted=str(converted),
                    rate=str(pct),
                ),
            ]
        )
    lines.append([bold(ctx.tr.s("Employees"))])
    if not board.people:
        lines.append(ctx.tr("No results this month yet."))
    for name, won, amount, acts, others in board.people:
        lines.append(
            [
                Span("• "),
                bold(name),
                Span(": "),
                *ctx.tr(
                    "won {won} for {amount}, activities done: {acts}",
                    won=str(won),
                    amount=money_sum(amount, cur, others, ctx.tr.lang),
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
    before = crm_periods.shift_month(month, -1)
    after = crm_periods.shift_month(month, 1)
    view.row(
        Button(f"« {ctx.tr.month(before)}", f"crm:mo:{before}"),
        Button(f"{ctx.tr.month(after)} »", f"crm:mo:{after}"),
    )
    return view


async def add_stage_view(ctx: Ctx, text: str) -> View:
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


async def grant_view(ctx: Ctx, user_id: int, granted: bool) -> View:
    user = await crm.set_grant(ctx.session, ctx.me, user_id, granted)
    if granted:
        return View(body=ctx.tr("{person} may use the CRM now.", person=bold(user.name)))
    return View(body=ctx.tr("{person} no longer has the CRM.", person=bold(user.name)))


FIND_ARG_BYTES = 40  # the search text rides in the pager's button data


async def find_view(ctx: Ctx, text: str, page_no: int = 1) -> View:
    hits = await crm_people.find(ctx.session, ctx.me, text)
    per_page = ctx.services.page_size
    page = Page.of(hits, page_no, per_page)
    kinds = {
        "lead": ctx.tr.s("lead"),
        "contact": ctx.tr.s("contact"),
        "company": ctx.tr.s("company"),
        "deal": ctx.tr.s("deal"),
    }
    prefixes = {"lead": "ld", "contact": "ct", "company": "co", "deal": "dl"}
    lines: list[Any] = [ctx.tr("Found for {text}: {count}", text=bold(text), count=str(len(hits)))]
    view = View()
    for hit in page.items:
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
    query = text.strip()
    if len(query.encode()) <= FIND_ARG_BYTES:
        row = pager_row(ctx, page, "crm:fd")
        view.row(*[Button(b.label, b.action + ":" + query) for b in row])
    elif page.pages > 1:
        lines.append(
            ctx.tr("Showing the first {n}; type more words to narrow it.", n=str(per_page))
        )
    view.body = join_lines(lines)
    return view


async def notes_view(ctx: Ctx, entity: str, entity_id: int, page_no: int) -> View:
    """All comments and history of a record, a page at a time."""
    page = await crm_notes.notes_page(
        ctx.session, ctx.me, entity, entity_id, page=page_no, per_page=ctx.services.page_size
    )
    lines: list[Any] = [[bold(ctx.tr.s("Comments and history ({count})", count=page.total))]]
    for note, author in page.items:
        if note.kind == "comment":
            text: Any = [Span(note.text)]
        else:
            text = [Span("· "), *history_text(ctx, note)]
        lines.append([Span(f"{ctx.tr.when(note.created_at)} {ctx.tr.s(author)}: "), *text])
    view = View(body=join_lines(lines))
    letter = LETTER[entity]
    view.row(*pager_row(ctx, page, f"crm:h:{letter}:{entity_id}"))
    opener = {"lead": "ld", "deal": "dl", "contact": "ct", "company": "co"}[entity]
    view.row(Button(ctx.tr.s("Back"), f"{opener}:o:{entity_id}"))
    return view


_MONTH = re.compile(r"\d{4}[-./]\d{1,2}|\d{1,2}[-./]\d{4}")


async def plan_command(ctx: Ctx, text: str) -> View:
    words = text.split()
    if len(words) < 2:
        raise DomainError(_N("Set a plan like this: /crm plan @anna 500000 [count] [2026-12]"))
    who = words[0]
    kind = "amount"
    month = crm_periods.month_key(local_today(ctx))
    amount_words: list[str] = []
    rest = words[1:]
    for index, word in enumerate(rest):
        following = rest[index + 1] if index + 1 < len(rest) else ""
        if word.casefold() in ("count", "deals", "штук", "сделок", "сделки", "сделка"):
            kind = "count"
        elif _MONTH.fullmatch(word) or crm_periods.month_number(word.rstrip(".,")):
            month = crm_periods.parse_month(word.rstrip(".,"), local_today(ctx).date())
        elif word.casefold() in ("на", "в", "за", "in", "for") and crm_periods.month_number(
            following.rstrip(".,")
        ):
            continue  # "на декабрь"
        else:
            amount_words.append(word)
    amount, currency_given = parse_money(" ".join(amount_words))
    team_currency = (await crm.settings_of(ctx.session, ctx.me.team_id)).currency
    if kind == "amount" and currency_given is not None and currency_given != team_currency:
        # plans are kept in the team's currency, as the deals they are measured by
        raise DomainError(
            _N("Plans are in the team's currency, {currency}. Give the amount in it."),
            currency=team_currency,
        )
    target = amount // 100 if kind == "count" else amount
    user_id = await person_field(ctx, who)
    plan = await crm_reports.set_plan(ctx.session, ctx.me, user_id, month, kind, target)
    shown = money(plan.target, team_currency, ctx.tr.lang) if kind == "amount" else str(plan.target)
    name = (await crm.user_names(ctx.session, {user_id}))[user_id]
    if kind == "count":
        return View(
            body=ctx.tr(
                "Plan for {person} in {month}: {target} deals.",
                person=bold(name),
                month=ctx.tr.month(month),
                target=shown,
            )
        )
    return View(
        body=ctx.tr(
            "Plan for {person} in {month}: {target}.",
            person=bold(name),
            month=ctx.tr.month(month),
            target=shown,
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
