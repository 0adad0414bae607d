"""/slots @anna @petr [today|tomorrow|this week|next week|DATE] [60m]: common free time,
with a button to book an event in a slot."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.calendar import RANGES as CALENDAR_RANGES
from handlers.calendar import day_start, range_bounds, range_title
from handlers.calendar_create import announce_created
from handlers.calendar_views import span_text
from handlers.core import Ctx, Router, pager_row
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines
from handlers.people import one_person
from handlers.views import CALLBACK_LIMIT, Button, View
from services import calendar, calendar_slots
from services.access import get_team_user
from services.calendar_parse import parse_start
from services.calendar_recur import key_to_time, occ_key
from services.calendar_times import split_duration
from services.errors import N_ as _N
from services.errors import DomainError
from services.pagination import Page

router = Router(__name__)
ORDER = 66

PEOPLE = re.compile(r"(?<!\S)@([\w.\-]+)")
_DAY_CODE = re.compile(r"d\d{8}")  # one day, as the calendar's lists carry it
RANGES = {**CALENDAR_RANGES, "m": ("tomorrow", "завтра")}
DEFAULT_LENGTH = timedelta(minutes=60)


def bounds(ctx: Ctx, code: str) -> tuple[datetime, datetime]:
    if code in ("t", "w", "n") or _DAY_CODE.fullmatch(code):
        return range_bounds(ctx.tr, code)
    tomorrow = day_start(ctx.tr, datetime.now(UTC)) + timedelta(days=1)
    end = (tomorrow.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=ctx.tr.zone())
    return tomorrow.astimezone(UTC), end.astimezone(UTC)


async def slots_view(ctx: Ctx, ids: list[int], code: str, minutes: int, page_no: int) -> View:
    start, end = bounds(ctx, code)
    length = timedelta(minutes=minutes)
    found = await calendar_slots.free_slots(ctx.session, ctx.me, ids, start, end, length)
    per = ctx.services.page_size
    page = Page.of(found, page_no, per)
    names = [ctx.me.name]
    for uid in ids:
        if uid != ctx.me.user_id:
            names.append((await get_team_user(ctx.session, ctx.me, uid)).name)
    lines: list[Any] = [
        [bold(range_title(ctx.tr, code, start))],  # the days searched: "1 дек. 2026 г."
        ctx.tr.n(
            "Free {length} for {people}: {n} window",
            "Free {length} for {people}: {n} windows",
            len(found),
            length=ctx.tr.duration(length),
            people=bold(", ".join(names)),
        ),
    ]
    people = ".".join(str(i) for i in ids)
    view = View()
    if not found:  # what to try instead, as buttons: a later span, a shorter meeting
        shorter = max(30, minutes // 2)
        # a shorter length is offered only where it finds time: on a day off none would
        shorter_fits = minutes > 30 and bool(
            await calendar_slots.free_slots(
                ctx.session, ctx.me, ids, start, end, timedelta(minutes=shorter)
            )
        )
        lines.append(
            ctx.tr("No common free time there. Try a later week or a shorter length.")
            if shorter_fits
            else ctx.tr("No common free time there. Try a later week or other days.")
        )
        tries: list[tuple[str, str]] = []
        if code not in ("n",):
            tries.append((ctx.tr.s("Next week"), f"sl:p:n:{minutes}:{people}:1"))
        if shorter_fits:
            length_text = ctx.tr.duration(timedelta(minutes=shorter))
            tries.append(
                (
                    ctx.tr.s("{length} instead", length=length_text),
                    f"sl:p:{code}:{shorter}:{people}:1",
                )
            )
        fitting = [
            Button(label, act) for label, act in tries if len(act.encode()) <= CALLBACK_LIMIT
        ]
        if fitting:
            view.row(*fitting)
    for slot_start, slot_end in page.items:
        lines.append([Span("🟢 " + span_text(ctx.tr, slot_start, slot_end))])
        action = f"sl:b:{occ_key(slot_start)}:{minutes}:{people}"
        if len(action.encode()) <= CALLBACK_LIMIT:
            view.row(Button(ctx.tr.s("Book {when}", when=ctx.tr.when(slot_start)), action))
    view.body = join_lines(lines)
    pager = f"sl:p:{code}:{minutes}:{people}"
    if len(pager.encode()) + 6 <= CALLBACK_LIMIT:
        view.row(*pager_row(ctx, page, pager))
    return view


@router.command(
    "slots",
    help=N_("free time common to several people"),
    usage=N_("/slots @anna @petr [today|tomorrow|this week|next week|DATE] [60m]"),
)
async def slots_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    tokens = PEOPLE.findall(text)
    if not tokens:
        return View(body=ctx.tr("Whose free time? For example: /slots @anna @petr this week 60m"))
    ids: list[int] = []
    for token in tokens:
        found = await one_person(ctx, token, handle=True)
        if found is None:
            raise DomainError(_N("I don't know anyone called {name} in your team."), name=token)
        ids.append(found.id)
    length, rest = split_duration(" ".join(PEOPLE.sub(" ", text).split()).lower())
    code = ""
    for key, words in RANGES.items():
        # whole words: "завтра" is not the tomorrow of "послезавтра"
        if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", rest) for word in words):
            code = key
            if key in ("n", "m"):
                break
    if not code and rest:  # a day: "в понедельник", "пн", "30.11", "Friday"
        try:
            day = parse_start(rest, ctx.me.locale, ctx.me.timezone)
        except DomainError:
            raise DomainError(
                _N(
                    "Which days? Say today, tomorrow, this week, next week or a date, "
                    "for example: /slots @anna next week 60m"
                )
            ) from None
        code = day.astimezone(ctx.tr.zone()).strftime("d%Y%m%d")
    minutes = int((length or DEFAULT_LENGTH).total_seconds() // 60)
    code = code or "w"
    return await slots_view(ctx, ids, code, minutes, 1)


def _ids(raw: str) -> list[int]:
    parts = raw.split(".")
    if not all(p.isdigit() and len(p) <= 12 for p in parts):
        raise DomainError(_N("This button is out of date. Open the list again."))
    return [int(p) for p in parts]


@router.action("sl")
async def slots_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "p" and len(ctx.action_args) >= 5:
        code = ctx.action_args[1]
        code = code if code in RANGES or _DAY_CODE.fullmatch(code) else "w"
        view = await slots_view(
            ctx, _ids(ctx.action_args[3]), code, ctx.int_arg(2), ctx.page_arg(4)
        )
        view.edit = True
        return view
    if verb == "b" and len(ctx.action_args) >= 4:
        start = key_to_time(ctx.int_arg(1))
        minutes = ctx.int_arg(2)
        people = _ids(ctx.action_args[3])
        await calendar_slots.ensure_free(
            ctx.session, ctx.me, people, start, timedelta(minutes=minutes)
        )
        return await ctx.start_form(
            "slot_book", {"start": start.isoformat(), "minutes": minutes, "people": people}
        )
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


async def _submit_book(ctx: Ctx, values: dict[str, Any]) -> list[View]:
    start = datetime.fromisoformat(values["start"])
    people = [int(i) for i in values["people"]]
    await calendar_slots.ensure_free(
        ctx.session, ctx.me, people, start, timedelta(minutes=int(values["minutes"]))
    )
    bound = await ctx.chat_group()  # booked in a bound group chat: the group's, as /event
    event, invited = await calendar.create_event(
        ctx.session,
        ctx.me,
        title=values["title"],
        starts_at=start,
        ends_at=start + timedelta(minutes=int(values["minutes"])),
        attendee_ids=people,
        group_id=bound.id if bound is not None else None,
    )
    return await announce_created(ctx, event, invited)


router.form(
    Form(
        name="slot_book",
        title=N_("Book the slot"),
        fields=[Field("title", N_("What is the meeting called?"), max_length=200)],
        submit=_submit_book,
    )
)
