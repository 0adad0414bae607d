"""The planner tick: due reminder rules and deadlines become outbox rows.

Each occurrence has a dedup key (kind, person or task, local date or deadline) that
is claimed once, so a second planner, a retried tick or a DST fold never sends it
twice. After downtime, occurrences late by less than the catch-up window go out once;
older ones are dropped with a log line. Absences and days off silence the morning
message and the report prompt; quiet hours are applied by notifications.notify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.i18n import Translator, translator
from handlers.markup import bold
from handlers.views import Button, View
from models.base import utcnow
from models.reminders import ReminderRule
from models.teams import User
from models.timeman import DailyReport
from services import notifications, reminders, timeman, timeman_reports

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class TickStats:
    fired: int = 0
    skipped: int = 0
    dropped: int = 0
    deadlines: int = 0
    digests: int = 0


async def tick(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    now: datetime | None = None,
    catch_up: timedelta = timedelta(minutes=15),
    batch: int = 500,
) -> TickStats:
    now = now or utcnow()
    stats = TickStats()
    try:
        async with sessionmaker() as session, session.begin():
            await reminders.ensure_rules(session, now)
    except IntegrityError:
        log.info("rules_created_elsewhere")  # another planner made them first
    while True:
        async with sessionmaker() as session, session.begin():
            rules = await reminders.due_rules(session, now, batch)
            for rule in rules:
                await fire_rule(session, rule, now, catch_up, stats)
        if len(rules) < batch:
            break
    async with sessionmaker() as session, session.begin():
        for hit in await reminders.deadline_hits(session, now, catch_up):
            if await fire_deadline(session, hit, now):
                stats.deadlines += 1
    async with sessionmaker() as session, session.begin():
        stats.digests = await _digests(session, now)
    return stats


async def _digests(session: AsyncSession, now: datetime) -> int:
    try:
        from handlers.digest import queue_digests
    except ImportError:
        return 0
    return await queue_digests(session, now)


async def fire_rule(
    session: AsyncSession, rule: ReminderRule, now: datetime, catch_up: timedelta, stats: TickStats
) -> None:
    user = await session.get(User, rule.user_id)
    if user is None or not user.active or user.role == "extranet":
        rule.active = False
        return
    scheduled = rule.next_fire_at
    if rule.timezone != user.timezone:
        # the person moved: the occurrence is recomputed in the new zone
        rule.timezone = user.timezone
        rule.next_fire_at = reminders.next_fire(rule.minute, user.timezone, now - catch_up)
        if rule.next_fire_at > now:
            return
        scheduled = rule.next_fire_at
    day = reminders.local_day_of(scheduled, rule.timezone)
    rule.next_fire_at = reminders.next_fire(rule.minute, rule.timezone, max(now, scheduled))
    late = now - scheduled
    if late > catch_up:
        stats.dropped += 1
        log.info("reminder_dropped", rule=rule.id, kind=rule.kind, user=user.id, late=str(late))
        return
    schedule = await timeman.schedule_of(session, user)
    if not schedule.works_on(day) or await timeman_reports.is_away(session, user.id, day):
        stats.skipped += 1
        return
    view = await build_rule_view(session, rule.kind, user, now)
    if view is None:
        stats.skipped += 1
        return
    if not await reminders.claim_key(session, f"rm:{rule.kind}:{user.id}:{day.isoformat()}", now):
        return
    rule.last_fired_at = now
    await notifications.notify(
        session,
        user,
        kind="reminder",
        payload=view.to_dict(),
        ref=f"rule:{rule.kind}",
        due_at=max(now, scheduled),
    )
    stats.fired += 1


async def build_rule_view(
    session: AsyncSession, kind: str, user: User, now: datetime
) -> View | None:
    tr = translator(user.locale, user.timezone)
    if kind == "morning":
        from handlers.timeman_today import my_day_view

        return await my_day_view(session, user, tr, now)
    if kind == "report":
        day = await timeman.day_on(session, user.id, timeman.local_date(now, user.timezone))
        if day is None:
            return None
        sent = await session.scalar(
            select(DailyReport.id).where(
                DailyReport.day_id == day.id, DailyReport.status != "draft"
            )
        )
        if sent is not None:
            return None
        return report_prompt(tr, day.id, day.status != "closed")
    return None


def report_prompt(tr: Translator, day_id: int, open_: bool) -> View:
    view = View(body=tr("Your workday is ending. Finish the day and send your daily report."))
    if open_:
        view.row(Button(tr.s("⏹ Finish"), "day:f"))
    view.row(Button(tr.s("Daily report"), f"tm:rp:{day_id}"))
    return view


async def fire_deadline(session: AsyncSession, hit: reminders.DeadlineHit, now: datetime) -> bool:
    stamp = int(hit.deadline.timestamp())
    kind = "od" if hit.offset == 0 else f"dl{hit.offset}"
    if not await reminders.claim_key(session, f"rm:{kind}:{hit.task_id}:{stamp}", now):
        return False
    day = reminders.local_day_of(now, hit.user.timezone)
    if await timeman_reports.is_away(session, hit.user.id, day):
        return False
    tr = translator(hit.user.locale, hit.user.timezone)
    if hit.offset == 0:
        body = tr(
            "⚠ The task {title} is overdue: it was due {when}.",
            title=bold(hit.title),
            when=tr.when(hit.deadline),
        )
    else:
        body = tr(
            "⏰ The task {title} is due {when}.", title=bold(hit.title), when=tr.when(hit.deadline)
        )
    view = View(body=body, ref=f"task:{hit.task_id}")
    await notifications.notify(
        session,
        hit.user,
        kind="reminder",
        payload=view.to_dict(),
        ref=f"task:{hit.task_id}",
        due_at=max(now, hit.fire_at),
    )
    return True
