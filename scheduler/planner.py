"""The planner tick: due reminder rules and deadlines become outbox rows.

Each occurrence has a dedup key (kind, person or task, local date or deadline) that
is claimed once, so a second planner, a retried tick or a DST fold never sends it
twice. After downtime, occurrences still worth it go out once (the morning message
until about noon, the report prompt until the evening ends: reminders.WORTH; deadlines
within the catch-up window);
older ones are dropped with a log line. Absences and days off silence the morning
message and the report prompt; quiet hours are applied by notifications.notify, and
every reminder is checked once more as it goes out (services.reminders_stale).
Polls whose deadline passed are closed and announced (handlers.feed_polls_due).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core import reader_tr
from handlers.i18n import Translator, translator
from handlers.markup import bold
from handlers.views import Button, View
from models import db
from models.base import utcnow
from models.notifications import NotificationSettings
from models.reminders import ReminderRule
from models.teams import User
from models.timeman import DailyReport, WorkDay
from services import (
    notifications,
    outbox,
    reminders,
    reminders_agenda,
    reminders_stale,
    reminders_workday,
    timeman,
    timeman_reports,
)
from services.access import Actor

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class TickStats:
    fired: int = 0
    skipped: int = 0
    dropped: int = 0
    deadlines: int = 0
    digests: int = 0
    polls: int = 0


async def tick(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    now: datetime | None = None,
    catch_up: timedelta = timedelta(minutes=15),
    batch: int = 100,
    on_batch: Callable[[], None] | None = None,
    homes: bool = True,
) -> TickStats:
    """One planner pass; `on_batch` is called after each committed batch of reminders
    (the dispatcher's wake-up, so the first messages leave before the pass ends).
    `homes`: a platform that shows a person's home page runs (Slack's App Home), so a
    new day and a task overdue by time alone show it again; without one, nothing is
    queued for it."""
    now = now or utcnow()
    stats = TickStats()
    try:
        async with sessionmaker() as session, session.begin():
            await reminders.ensure_rules(session, now)
    except IntegrityError:
        log.info("rules_created_elsewhere")  # another planner made them first
    size = min(batch, 20)  # a small first batch: the first messages leave at once
    while True:
        async with sessionmaker() as session, session.begin():
            rules = await reminders.due_rules(session, now, size)
            await fire_rules(session, rules, now, catch_up, stats, homes=homes)
        if on_batch is not None and rules:
            on_batch()
        if len(rules) == size:
            # let other writers in between batches (SQLite has one writer at a time)
            await asyncio.sleep(0.02)
        if len(rules) < size:
            break
        size = batch
    async with sessionmaker() as session:
        since = await reminders.previous_pass(session)
    await _groups_overdue(sessionmaker, reminders.overdue_since(now, catch_up, since), now, batch)
    after: tuple[datetime, int] | None = None
    while True:  # page by page, each committed; the pass is recorded after the last
        async with sessionmaker() as session, session.begin():
            page = await reminders.deadline_hits(
                session, now, catch_up, batch, since=since, after=after
            )
            for hit in page.hits:
                if await fire_deadline(session, hit, now, homes=homes):
                    stats.deadlines += 1
            if page.after is None:
                await reminders.record_pass(session, now)
        if on_batch is not None and page.hits:
            on_batch()
        if page.after is None:
            break
        after = page.after
        await asyncio.sleep(0.02)  # let other writers in between pages
    while True:  # polls whose deadline passed, closed and announced a batch at a time
        async with sessionmaker() as session, session.begin():
            closed = await _close_polls(session, now, batch)
        stats.polls += closed
        if closed and on_batch is not None:
            on_batch()
        if closed < batch:
            break
    async with sessionmaker() as session, session.begin():
        stats.digests = await _digests(session, now)
        await reminders.forget_fired(session, now)
    return stats


async def _groups_overdue(
    sessionmaker: async_sessionmaker[AsyncSession], since: datetime, now: datetime, batch: int
) -> None:
    """The chats of groups hear of their tasks newly overdue, whoever is responsible (the
    person away, gone or not reminded alike): page by page, each committed."""
    try:
        from handlers.tasks_news import tell_groups_overdue
        from services.tasks_overdue import group_overdue
    except ImportError:  # pragma: no cover - a build without tasks
        return
    after: tuple[datetime, int] | None = None
    while True:
        async with sessionmaker() as session, session.begin():
            page = await group_overdue(session, since, now, batch, after=after)
            await tell_groups_overdue(session, page.tasks, now)
        if page.after is None:
            break
        after = page.after


async def _digests(session: AsyncSession, now: datetime) -> int:
    try:
        from handlers.digest import queue_digests
    except ImportError:
        return 0
    return await queue_digests(session, now)


async def _close_polls(session: AsyncSession, now: datetime, batch: int) -> int:
    try:
        from handlers.feed_polls_due import close_due_polls
    except ImportError:
        return 0
    return await close_due_polls(session, now, batch)


async def fire_rules(
    session: AsyncSession,
    rules: list[ReminderRule],
    now: datetime,
    catch_up: timedelta,
    stats: TickStats,
    *,
    homes: bool = True,
) -> None:
    """Fire a batch of due rules with a few queries for the whole batch."""
    ids = list({rule.user_id for rule in rules})
    users = {
        u.id: u for u in (await session.execute(select(User).where(User.id.in_(ids)))).scalars()
    }
    # load their notification settings into the session, so notify() finds them there
    await session.execute(select(NotificationSettings).where(NotificationSettings.user_id.in_(ids)))
    schedules = await timeman.schedules_of(session, list(users.values()))
    candidates: list[tuple[ReminderRule, User, date]] = []
    worth: dict[int, datetime] = {}  # rule -> when its message is no longer worth sending
    for rule in rules:
        user = users.get(rule.user_id)
        if user is None or not user.active or rule.kind not in reminders.kinds_of(user):
            rule.active = False
            continue
        scheduled = rule.next_fire_at
        if rule.timezone != user.timezone:
            # the person moved: the occurrence is recomputed in the new zone
            rule.timezone = user.timezone
            rule.next_fire_at = reminders.next_fire(rule.minute, user.timezone, now - catch_up)
            if rule.next_fire_at > now:
                continue
            scheduled = rule.next_fire_at
        rule.next_fire_at = reminders.next_fire(rule.minute, rule.timezone, max(now, scheduled))
        if now > reminders.worth_until(rule.kind, scheduled, catch_up):
            stats.dropped += 1
            late = str(now - scheduled)
            log.info("reminder_dropped", rule=rule.id, kind=rule.kind, user=user.id, late=late)
            # down for days: the last occurrence, passed already, may be worth it still
            scheduled = reminders.next_fire(rule.minute, rule.timezone, now - timedelta(days=1))
            if scheduled > now or now > reminders.worth_until(rule.kind, scheduled, catch_up):
                continue
        # a rule at minute 1440 (a workday ending at midnight) fires on the next day
        day = reminders.local_day_of(scheduled, rule.timezone) - timedelta(days=rule.minute // 1440)
        if not schedules[user.id].works_on(day):
            stats.skipped += 1
            continue
        candidates.append((rule, user, day))
        worth[rule.id] = reminders.worth_until(rule.kind, scheduled, catch_up)
    away = await timeman_reports.away_on(session, [(user.id, day) for _r, user, day in candidates])
    views: dict[int, View] = {}
    morning = [user for rule, user, _d in candidates if rule.kind == "morning"]
    if morning:
        agendas = await reminders_agenda.agenda_many(session, morning, now)
        for user in morning:
            tr = translator(user.locale, user.timezone)
            views[user.id] = my_day_view_of(tr, user, agendas[user.id])
    prompts = await _report_prompts(
        session, [(user, day) for rule, user, day in candidates if rule.kind == "report"]
    )
    keys: dict[str, tuple[ReminderRule, User, View]] = {}
    for rule, user, day in candidates:
        if (user.id, day) in away:
            stats.skipped += 1
            continue
        view = views.get(user.id) if rule.kind == "morning" else prompts.get(user.id)
        if view is None:
            stats.skipped += 1
            continue
        keys[f"rm:{rule.kind}:{user.id}:{day.isoformat()}"] = (rule, user, view)
    fresh = await reminders.claim_keys(session, list(keys), now)
    for key, (rule, user, view) in keys.items():
        if key not in fresh:
            continue
        rule.last_fired_at = now
        await notifications.notify(
            session,
            user,
            kind="reminder",
            payload=view.to_dict(),
            due_at=now,
            # held by quiet hours past its worth (a report prompt till the morning): dropped
            stale=reminders_stale.guard(until=worth[rule.id]),
        )
        if homes and rule.kind == "morning":  # a new day: the home's "today" is another day's
            await outbox.refresh_home(session, team_id=user.team_id, user_id=user.id)
        stats.fired += 1


def my_day_view_of(tr: Translator, user: User, agenda: reminders_agenda.Agenda) -> View:
    from handlers.timeman_today import render_my_day

    return render_my_day(tr, user, agenda)


async def _report_prompts(
    session: AsyncSession, people: list[tuple[User, date]]
) -> dict[int, View]:
    """The report prompt for those who worked that day and have not sent the report."""
    if not people:
        return {}
    wanted = {(user.id, day) for user, day in people}
    days = (
        await session.execute(
            select(WorkDay).where(
                WorkDay.user_id.in_([u.id for u, _d in people]),
                WorkDay.day.in_({d for _u, d in people}),
            )
        )
    ).scalars()
    found = {d.id: d for d in days if (d.user_id, d.day) in wanted}
    if not found:
        return {}
    sent = set(
        (
            await session.execute(
                select(DailyReport.day_id).where(
                    DailyReport.day_id.in_(list(found)), DailyReport.status != "draft"
                )
            )
        ).scalars()
    )
    users = {u.id: u for u, _d in people}
    out = {}
    for day in found.values():
        if day.id in sent:
            continue
        user = users[day.user_id]
        out[user.id] = report_prompt(
            translator(user.locale, user.timezone), day.id, day.status != "closed"
        )
    return out


def report_prompt(tr: Translator, day_id: int, open_: bool) -> View:
    view = View(body=tr("Your workday is ending. Finish the day and send your daily report."))
    if open_:
        view.row(Button(tr.s("⏹ Finish"), f"day:f:{day_id}"))
    view.row(Button(tr.s("Daily report"), f"tm:rp:{day_id}"))
    return view


async def fire_deadline(
    session: AsyncSession, hit: reminders.DeadlineHit, now: datetime, *, homes: bool = True
) -> bool:
    stamp = int(hit.deadline.timestamp())
    kind = "od" if hit.offset == 0 else f"dl{hit.offset}"
    if not await reminders.claim_key(session, f"rm:{kind}:{hit.task_id}:{stamp}", now):
        return False
    day = reminders.local_day_of(now, hit.user.timezone)
    if await timeman_reports.is_away(session, hit.user.id, day):
        return False
    if 0 < hit.offset < reminders.DAY and await reminders_workday.said_in_my_day(
        session, hit.user, hit.task_id, hit.deadline, now
    ):
        return False  # "My day", just sent, lists it with its time
    due_at = max(now, hit.fire_at)
    # worded for when it is due; with dates when quiet hours hold it (past midnight)
    tr = await reader_tr(session, hit.user, "reminder", due_at)
    title = bold(f"#{hit.task_id} {hit.title}")  # the number /task takes
    if hit.offset == 0:
        body = tr(
            "⚠ The task {title} is overdue: it was due {when}.",
            title=title,
            when=tr.when(hit.deadline),
        )
    else:
        body = tr("⏰ The task {title} is due {when}.", title=title, when=tr.when(hit.deadline))
    view = View(body=body, ref=f"task:{hit.task_id}")
    view.row(*await _task_buttons(session, tr, hit))
    await notifications.notify(
        session,
        hit.user,
        kind="reminder",
        payload=view.to_dict(),
        ref=f"task:{hit.task_id}",
        due_at=due_at,
        # not sent once the task is closed, handed over or moved; "due at 00:30" not
        # once 00:30 has passed (the overdue notice says it then)
        stale=reminders_stale.guard(
            until=hit.deadline if hit.offset else None,
            task_id=hit.task_id,
            deadline=hit.deadline,
        ),
    )
    if homes and hit.offset == 0:  # overdue by time alone: the person's home shows it so
        await outbox.refresh_home(session, team_id=hit.user.team_id, user_id=hit.user.id)
    return True


async def _task_buttons(
    session: AsyncSession, tr: Translator, hit: reminders.DeadlineHit
) -> list[Button]:
    """Open the task, and complete it or move its deadline from the reminder, as its
    card lets the person (deadline_hits found the task: tasks are in this build)."""
    from handlers.tasks_views import reminder_buttons
    from models.tasks import Task

    task = await db.get(session, Task, hit.task_id)
    if task is None:  # pragma: no cover - read in this transaction by deadline_hits
        return [Button(tr.s("Open"), f"t:o:{hit.task_id}")]
    return reminder_buttons(tr, task, Actor.of(hit.user))
