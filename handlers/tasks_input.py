"""Reading what people type for tasks: deadlines (with Russian case forms, quick picks
and an end-of-day default), people, and #groups."""

from __future__ import annotations

import difflib
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import Ctx
from models.base import utcnow
from models.teams import User
from services import groups, users
from services.access import get_team_user, visible_people
from services.dialogs import get as get_dialog
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing import has_time, normalize_dates, parse_when, ranges_to_ends, spoken_hour
from services.timeman_schedules import Schedule, schedule_of

ME_WORDS = {"me", "myself", "я", "мне", "себе", "сам", "сама"}
NONE_WORDS = {"-", "no", "none", "нет", "без срока"}

# -- deadlines ----------------------------------------------------------------

END_OF_DAY = 18
START_OF_DAY = 9  # as "утром" / "morning" reads
_HOUR_ONLY = re.compile(
    r"\b(?:at|в)\s+(\d{1,2})\b(?!\s*(?:час|hour|мин|min|утра|дня|вечера|ночи|am|pm))",
    re.IGNORECASE,
)


async def workday_of(ctx: Ctx) -> tuple[int, int]:
    """The minutes the actor's working day starts and ends: their work schedule, else
    their team's, else 9:00-18:00 (see with_default_time)."""
    user = await ctx.session.get(User, ctx.me.user_id)
    schedule = await schedule_of(ctx.session, user) if user is not None else Schedule()
    return schedule.start_minute, schedule.end_minute


async def at_working_time(
    ctx: Ctx, moment: datetime, fragment: str, *, start: bool = False
) -> datetime:
    """with_default_time in the actor's zone and working day; the schedule is read only
    when the text named no time (it is not needed then, and /task is a hot path)."""
    workday = (START_OF_DAY * 60, END_OF_DAY * 60) if has_time(fragment) else None
    return with_default_time(
        moment,
        fragment,
        ctx.me.timezone,
        start=start,
        workday=workday or await workday_of(ctx),
    )


def with_default_time(
    moment: datetime,
    fragment: str,
    tz: str,
    now: datetime | None = None,
    *,
    start: bool = False,
    workday: tuple[int, int] = (START_OF_DAY * 60, END_OF_DAY * 60),
) -> datetime:
    """A date said without a time ("tomorrow", "by Friday") means the end of the
    working day there (`workday`: its start and end minutes, see workday_of), not this
    very minute or midnight; "today" said after the working day means the end of the
    day, not an hour already past. With `start` (when something is to be done, a CRM
    call) it means the start of the working day, and "today" said after that, the
    moment it was said."""
    local = moment.astimezone(ZoneInfo(tz))
    hour_only = _HOUR_ONLY.search(fragment)
    if hour_only and not re.search(r"\d[:.]\d", fragment):
        # "послезавтра в 10": dateparser may drop a bare hour ("at 3" is 15:00, as
        # services.parsing reads a bare hour)
        hour = spoken_hour(int(hour_only.group(1)), "")
        if hour is not None and local.hour != hour and not re.search(r"pm|am", fragment, re.I):
            local = local.replace(hour=hour, minute=0, second=0, microsecond=0)
            return local.astimezone(ZoneInfo("UTC"))
    if has_time(fragment):
        return moment
    minute = workday[0] if start else workday[1]
    if minute == 24 * 60:  # a day to midnight: 23:59 of the day said
        minute -= 1
    # a night shift's end (22:00-06:00: minute 1800) is the next morning's
    default = local.replace(
        hour=minute % 1440 // 60, minute=minute % 60, second=0, microsecond=0
    ) + timedelta(days=minute // 1440)
    current = (now or utcnow()).astimezone(ZoneInfo(tz))
    if default <= current and default.date() == current.date():
        if start:
            return moment
        default = local.replace(hour=23, minute=59, second=0, microsecond=0)
    return default.astimezone(ZoneInfo("UTC"))


def quick_deadline(code: str, tz: str, now: datetime | None = None) -> datetime | None:
    """td: today 18:00, tm: tomorrow 18:00, wk: Friday 18:00 this week, no: none."""
    zone = ZoneInfo(tz)
    local = (now or utcnow()).astimezone(zone)
    day = local.date()
    if code == "no":
        return None
    if code == "tm":
        day += timedelta(days=1)
    elif code == "wk":
        ahead = (4 - day.weekday()) % 7
        day += timedelta(days=ahead)
    elif code != "td":
        raise DomainError(_N("This button is out of date. Open the list again."))
    moment = datetime(day.year, day.month, day.day, 18, 0, tzinfo=zone)
    if code == "wk" and moment < local:
        moment += timedelta(days=7)
    if code == "td" and moment <= local:  # an old button, pressed after 18:00
        raise DomainError(_N("It is past 18:00 today. Choose Tomorrow or type a date."))
    return moment.astimezone(ZoneInfo("UTC"))


def today_still_open(tz: str, now: datetime | None = None) -> bool:
    """Whether "Today 18:00" is still ahead in the person's zone (the button is offered)."""
    return (now or utcnow()).astimezone(ZoneInfo(tz)).hour < 18


async def parse_deadline(ctx: Ctx, raw: str) -> str | None:
    value = raw.strip()
    if value.casefold() in NONE_WORDS or value == ctx.tr.s("No deadline"):
        return None
    if value.startswith("q:"):
        moment = quick_deadline(value[2:], ctx.me.timezone)
        return moment.isoformat() if moment else None
    value = ranges_to_ends(normalize_dates(value, ctx.me.locale))
    moment = parse_when(value, ctx.me.locale, ctx.me.timezone)
    return (await at_working_time(ctx, moment, value)).isoformat()


async def deadline_choices(ctx: Ctx) -> list[tuple[str, str]]:
    today = [(ctx.tr.s("Today 18:00"), "q:td")] if today_still_open(ctx.me.timezone) else []
    return [
        *today,
        (ctx.tr.s("Tomorrow"), "q:tm"),
        (ctx.tr.s("End of week"), "q:wk"),
        (ctx.tr.s("No deadline"), "-"),
    ]


def as_moment(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


# -- people -------------------------------------------------------------------


async def parse_person(ctx: Ctx, raw: str) -> int:
    value = raw.strip()
    if value.startswith("#uid:") and value[5:].isdigit():
        return (await get_team_user(ctx.session, ctx.me, int(value[5:]))).id
    if value.casefold() in ME_WORDS:
        return ctx.me.user_id
    found = await users.find_people(ctx.session, ctx.me, value)
    if not found:
        raise DomainError(
            _N("I don't know anyone called {name} in your team."), name=value.lstrip("@")
        )
    if len(found) > 1:
        names = ", ".join(u.name for u in found)
        raise DomainError(_N("Several people match: {names}. Type the full name."), names=names)
    return found[0].id


async def person_choices(ctx: Ctx) -> list[tuple[str, str]]:
    """Candidates saved with the dialog (an ambiguous or unknown @name), then "me"."""
    ev = ctx.event
    state = await get_dialog(ctx.session, ev.platform, ev.chat.chat_id, ev.sender.external_id)
    values = state.data.get("values", {}) if state else {}
    out = [(str(name), f"#uid:{uid}") for name, uid in values.get("_cands", [])]
    out.append((ctx.tr.s("Me"), "me"))
    return out


async def candidates(ctx: Ctx, token: str) -> list[User]:
    """People whose name is close to a misspelt one."""
    rows = (
        (await ctx.session.execute(visible_people(ctx.me).order_by(User.name).limit(500)))
        .scalars()
        .all()
    )
    by_name = {u.name.casefold(): u for u in rows}
    close = difflib.get_close_matches(token.casefold(), list(by_name), n=5, cutoff=0.5)
    return [by_name[name] for name in close]


async def resolve_group(ctx: Ctx, name: str) -> int:
    found = await groups.find_groups(ctx.session, ctx.me, name)
    exact = [g for g in found if g.name_key == groups.name_key(name)]
    if exact:
        return exact[0].id
    if len(found) == 1:
        return found[0].id
    if not found:
        raise DomainError(_N("There is no group called “{name}”."), name=name)
    names = ", ".join(g.name for g in found)
    raise DomainError(_N("Several groups match: {names}. Type the full name."), names=names)
