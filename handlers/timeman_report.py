"""Daily reports (draft, edit, send, confirm, comment) and corrections' review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.core import Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold, join_lines
from handlers.views import Button, View
from models import db
from models.base import utcnow
from models.teams import User
from models.timeman import DailyReport, Violation, WorkDay
from services import timeman_corrections, timeman_reports
from services.errors import N_ as _N
from services.errors import DomainError, not_found

router = Router(__name__)
ORDER = 61


def violation_text(tr: Translator, row: Violation) -> str:
    minutes = tr.duration(timedelta(minutes=row.minutes))
    if row.kind == "late_start":
        return tr.s("late start by {time}", time=minutes)
    if row.kind == "early_finish":
        return tr.s("early finish by {time}", time=minutes)
    if row.kind == "short_day":
        return tr.s("short day: {time} under plan", time=minutes)
    return tr.s("the day was left open")


def draft_text(tr: Translator, facts: timeman_reports.DayFacts) -> str:
    """The draft in the author's language: worked vs planned, then the tasks."""
    if facts.planned:
        worked = tr.s(
            "Worked {worked} of {planned} planned.",
            worked=tr.duration(facts.worked),
            planned=tr.duration(facts.planned),
        )
    else:  # nothing was planned: not "of 0 min planned"
        worked = tr.s("Worked {worked} on a day off.", worked=tr.duration(facts.worked))
    lines = [worked]
    if not facts.tasks:  # the worked time is said above: not twice
        lines.append(tr.s("No activity recorded on tasks."))
    for line in facts.tasks:
        mark = "✅ " if line.completed else "• "
        if line.seconds:
            lines.append(
                mark
                + tr.s(
                    "{title} — {time}",
                    title=line.title,
                    time=tr.duration(timedelta(seconds=line.seconds)),
                )
            )
        else:
            lines.append(mark + line.title)
    if facts.tasks and facts.logged == 0:
        lines.append(tr.s("No time logged on tasks."))
    return "\n".join(lines)


def _date(tr: Translator, day: WorkDay) -> str:
    from babel.dates import format_date

    return format_date(day.day, "d MMM yyyy", locale=tr.lang)


async def report_view(ctx: Ctx, day_id: int) -> View:
    user = await db.get(ctx.session, User, ctx.me.user_id)
    day = await ctx.session.get(WorkDay, day_id)
    if user is None or day is None or day.user_id != user.id:
        raise not_found()
    facts = await timeman_reports.day_facts(ctx.session, user, day, utcnow())
    report = await timeman_reports.report_for_day(
        ctx.session, ctx.me, day.id, draft_text(ctx.tr, facts)
    )
    return _report_card(ctx.tr, report, day, own=True)


def _report_card(
    tr: Translator, report: DailyReport, day: WorkDay, *, own: bool, draft: str | None = None
) -> View:
    """The report; `draft` is its generated part in the reader's language (the stored
    one is in the author's)."""
    states = {
        "draft": tr.s("draft"),
        "sent": tr.s("sent, waiting for confirmation"),
        "confirmed": tr.s("confirmed"),
    }
    lines: list[Any] = [
        bold(tr.s("Daily report, {date}", date=_date(tr, day))),
        tr("Status: {state}", state=states.get(report.status, report.status)),
        Span(report.draft if draft is None else draft),
    ]
    if report.text:
        lines.append(tr("Notes: {text}", text=report.text))
    if report.comment:
        lines.append(tr("Comment: {text}", text=report.comment))
    view = View(body=join_lines(lines), ref=f"report:{report.id}")
    if own and report.status != "confirmed":
        # sent already: sending again (after more text) is said as such
        send = tr.s("📤 Send again") if report.sent_at else tr.s("📤 Send to supervisor")
        view.row(
            Button(tr.s("✏ Add text"), f"tm:re:{report.id}"),
            Button(send, f"tm:rs:{report.id}"),
        )
    return view


def review_card(
    tr: Translator, report: DailyReport, facts: timeman_reports.DayFacts, author: str
) -> View:
    """A sent report as its reviewer reads it, in the reader's language, with Confirm
    and Comment."""
    card = _report_card(tr, report, facts.day, own=False, draft=draft_text(tr, facts))
    view = View(
        body=[*tr("{person} sent the daily report:", person=bold(author)), Span("\n"), *card.body]
    )
    view.row(
        Button(tr.s("✔ Confirm"), f"tm:rc:{report.id}"),
        Button(tr.s("💬 Comment"), f"tm:rm:{report.id}"),
    )
    return view


async def report_reopened(
    ctx: Ctx, report: DailyReport | None, day: WorkDay, *, finished: bool = False
) -> list[Any]:
    """The day changed after its report was sent, which is a draft again: whoever it was
    sent to is told it will come again; the lines that tell the author (none when no
    report had been sent). `finished`: the day was finished after, and its report card
    follows."""
    if report is None:
        return []
    name = ctx.me.name
    if report.supervisor_id is not None:

        def build(tr: Translator) -> View:
            return View(
                body=tr(
                    "{person} changed their day of {date} after sending its report; "
                    "the report will come to you again.",
                    person=bold(name),
                    date=tr.day(day.day),
                )
            )

        await ctx.notify(report.supervisor_id, "status", build, ref=f"report:{report.id}")
    if finished:
        return [
            ctx.tr(
                "Your report for {date} was sent before the day was finished: it is a draft "
                "again, with the day's final figures. Send it again.",
                date=ctx.tr.day(day.day),
            )
        ]
    return [
        ctx.tr(
            "Your report for {date} had been sent: it is a draft again. Send it again "
            "when the day is done: /day report {said}",
            date=ctx.tr.day(day.day),
            said=day.day.strftime("%d.%m"),
        )
    ]


async def _send(ctx: Ctx, report_id: int) -> View:
    report, boss = await timeman_reports.send_report(ctx.session, ctx.me, report_id)
    day = await ctx.session.get(WorkDay, report.day_id)
    assert day is not None
    author = ctx.me.name
    user = await db.get(ctx.session, User, ctx.me.user_id)
    assert user is not None
    facts = await timeman_reports.day_facts(ctx.session, user, day, utcnow())

    def build(tr: Translator) -> View:
        return review_card(tr, report, facts, author)

    await ctx.notify(boss.id, "approval", build, ref=f"report:{report.id}")
    # the card again, in place: its state and its button now say it was sent
    view = _report_card(ctx.tr, report, day, own=True)
    sent = ctx.tr("The report was sent to {person}.", person=bold(boss.name))
    view.body = [*sent, Span("\n\n"), *view.body]
    view.edit = True
    return view


async def _reviewed(ctx: Ctx, report: DailyReport, author: User, confirmed: bool) -> View:
    day = await ctx.session.get(WorkDay, report.day_id)
    assert day is not None
    boss = ctx.me.name
    comment = report.comment

    def build(tr: Translator) -> View:
        if confirmed:
            return View(
                body=tr(
                    "{person} confirmed your report for {date}.",
                    person=bold(boss),
                    date=_date(tr, day),
                )
            )
        return View(
            body=tr(
                "{person} commented on your report for {date}: {text}",
                person=bold(boss),
                date=_date(tr, day),
                text=comment,
            )
        )

    await ctx.notify(author.id, "comment", build, ref=f"report:{report.id}")
    waiting = Button(ctx.tr.s("Reports waiting"), "tr:l:1")
    if confirmed:
        said = ctx.tr("Report of {person} confirmed.", person=bold(author.name))
        return View(body=said).row(waiting)
    view = View(body=ctx.tr("Your comment was sent to {person}.", person=bold(author.name)))
    if report.status != "confirmed":
        view.row(Button(ctx.tr.s("✔ Confirm"), f"tm:rc:{report.id}"))
    view.row(waiting)
    return view


@router.action("tm", personal=True)
async def tm_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb in ("a", "x"):
        row, person = await timeman_corrections.review_correction(
            ctx.session, ctx.me, ctx.int_arg(1), approve=verb == "a"
        )
        boss = ctx.me.name
        approved = verb == "a"

        def build(tr: Translator) -> View:
            if approved:
                return View(body=tr("{person} approved your correction.", person=bold(boss)))
            return View(
                body=tr(
                    "{person} rejected your correction; the previous time is restored.",
                    person=bold(boss),
                )
            )

        await ctx.notify(person.id, "approval", build, ref=f"daycor:{row.id}")
        text = (
            ctx.tr("Correction of {person} approved.", person=bold(person.name))
            if approved
            else ctx.tr("Correction of {person} rejected.", person=bold(person.name))
        )
        return View(body=text, edit=True)
    if verb == "rp":
        return await report_view(ctx, ctx.int_arg(1))
    if verb == "re":
        report = await timeman_reports.get_report(ctx.session, ctx.me, ctx.int_arg(1))
        return await ctx.start_form("report_text", {"report_id": report.id})
    if verb == "rs":
        return await _send(ctx, ctx.int_arg(1))
    if verb == "rc":
        report, author = await timeman_reports.review_report(
            ctx.session, ctx.me, ctx.int_arg(1), confirm=True
        )
        return await _reviewed(ctx, report, author, True)
    if verb == "rm":
        report = await timeman_reports.get_report(ctx.session, ctx.me, ctx.int_arg(1))
        if report.user_id == ctx.me.user_id:
            raise DomainError(_N("You have no right to do that."))
        return await ctx.start_form("report_comment", {"report_id": report.id})
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


async def _submit_text(ctx: Ctx, values: dict[str, Any]) -> View:
    report = await timeman_reports.set_report_text(
        ctx.session, ctx.me, int(values["report_id"]), values["text"]
    )
    day = await ctx.session.get(WorkDay, report.day_id)
    assert day is not None
    return _report_card(ctx.tr, report, day, own=True)


async def _submit_comment(ctx: Ctx, values: dict[str, Any]) -> View:
    report, author = await timeman_reports.review_report(
        ctx.session, ctx.me, int(values["report_id"]), comment=values["text"]
    )
    return await _reviewed(ctx, report, author, False)


router.form(
    Form(
        name="report_text",
        title=N_("Daily report"),
        fields=[
            Field("text", N_("What would you add to the report?"), multiline=True, max_length=3500)
        ],
        submit=_submit_text,
    )
)
router.form(
    Form(
        name="report_comment",
        title=N_("Comment on the report"),
        fields=[Field("text", N_("Your comment on the report?"), multiline=True, max_length=3500)],
        submit=_submit_comment,
    )
)


@router.command(
    "today",
    help=N_("my day: tasks due, overdue, the working day"),
    # an extranet member's day: their groups' tasks and meetings, no working day
    by_role={"extranet": (N_("my day: tasks due, overdue, today's meetings"), "")},
    personal=True,
)
async def today_command(ctx: Ctx) -> View:
    from handlers.timeman_today import my_day_view

    user = await db.get(ctx.session, User, ctx.me.user_id)
    assert user is not None
    return await my_day_view(ctx.session, user, ctx.tr, utcnow())
