"""The neutral "my day" view: /today, the morning message and the Slack App Home."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import Translator
from handlers.markup import Span, bold, cut, join_lines
from handlers.timeman_days_off import day_off_text
from handlers.views import Button, View
from models.teams import User
from services import inbox_center, reminders_agenda
from services.access import Actor
from services.crm_activities import KIND_ICON, KIND_NAMES


def _items(
    tr: Translator, title: str, items: list[reminders_agenda.Item], prefix: str
) -> list[Any]:
    lines: list[Any] = [bold(title)]
    for item in items:
        when = f" — {'🔥 ' if item.late else ''}{tr.when(item.when)}" if item.when else ""
        label = f"#{item.id} {item.title}" if prefix == "task" else item.title  # /task ID
        if item.kind:  # a CRM activity: what it is, then its subject if it has one
            name = tr.s(KIND_NAMES.get(item.kind, item.kind))
            label = f"{KIND_ICON.get(item.kind, '')} {name}" + (f": {label}" if label else "")
        lines.append([Span(f"• {label}{when}")])
    return lines


async def my_day_view(session: AsyncSession, user: User, tr: Translator, now: datetime) -> View:
    view = render_my_day(tr, user, await reminders_agenda.agenda(session, user, now))
    unread = await inbox_center.unread_count(session, Actor.of(user))
    if unread:  # what waits in /inbox, said at the end of the day's list
        view.body = [
            *view.body,
            Span("\n"),
            *tr.n("{n} unread notification: /inbox", "{n} unread notifications: /inbox", unread),
        ]
    return view


def render_my_day(tr: Translator, user: User, facts: reminders_agenda.Agenda) -> View:
    staff = user.role != "extranet"  # an extranet member has no working day to track
    lines: list[Any] = [bold(tr.s("My day, {name}", name=user.name))]
    if staff and not facts.works_today:
        lines.append(day_off_text(tr, facts.day_off))
    if facts.overdue:
        total = max(facts.overdue_total, len(facts.overdue))
        lines.extend(_items(tr, tr.s("Overdue ({count})", count=total), facts.overdue, "task"))
        if total > len(facts.overdue):  # the rest behind /tasks overdue
            lines.append(tr("…and {n} more: /tasks overdue", n=str(total - len(facts.overdue))))
    if facts.due_today:
        lines.extend(
            _items(
                tr, tr.s("Due today ({count})", count=len(facts.due_today)), facts.due_today, "task"
            )
        )
    if facts.events:
        lines.extend(
            _items(tr, tr.s("Meetings ({count})", count=len(facts.events)), facts.events, "event")
        )
    if facts.activities:
        total = max(facts.activities_total, len(facts.activities))
        lines.extend(
            _items(tr, tr.s("CRM activities ({count})", count=total), facts.activities, "activity")
        )
    if not (facts.overdue or facts.due_today or facts.events or facts.activities):
        lines.append(tr("Nothing due today."))
    view = View(body=join_lines(lines))
    # each task of the day opens with a press (its number works with /task too)
    opens = [
        Button(f"#{item.id} {cut(item.title, 24)}", f"t:o:{item.id}")
        for item in [*facts.overdue, *facts.due_today]
    ]
    for start in range(0, len(opens), 2):
        view.row(*opens[start : start + 2])
    if facts.activities:
        view.row(Button(tr.s("My activities"), "crm:td:1"))
    if staff and not facts.day_started and facts.works_today:
        view.row(Button(tr.s("▶ Start the day"), "day:s"))
    elif staff:
        view.row(Button(tr.s("Working day"), "day:v"))
    return view
