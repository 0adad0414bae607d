"""CRM activities: the form, the reminder through the outbox, done and reschedule
buttons, and the list of one's open activities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.crm_card_parts import activity_line, prefixed
from handlers.crm_cards import card
from handlers.forms import Field, Filled, Form
from handlers.i18n import N_, Translator, translator
from handlers.markup import Markup, bold, join_lines
from handlers.tasks_input import at_working_time
from handlers.views import Button, View
from models import db
from models.base import utcnow
from models.teams import User
from services import crm_activities, notifications_quiet
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing import cut_out, find_when, parse_when
from services.parsing_said import normalize_dates

router = Router(__name__)
ORDER = 81


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


# -- activities ----------------------------------------------------------------------------


async def remind_owner(ctx: Ctx, activity: Any, tr: Translator) -> None:
    """Queue the owner's reminder (`tr`: theirs), worded for the moment it reaches
    them: its time, or the end of their quiet hours."""
    if activity.owner_id is None:
        return
    read_at = await notifications_quiet.arrives_at(
        ctx.session, activity.owner_id, tr.timezone, crm_activities.remind_at(activity)
    )
    await crm_activities.remind(ctx.session, activity, reminder_payload(tr, activity, read_at))


def reminder_payload(tr: Translator, activity: Any, read_at: datetime) -> dict[str, Any]:
    """The reminder as its reader sees it when it arrives (`read_at`): "today 15:00",
    not the "tomorrow" of when it was planned."""
    tr = Translator(tr.lang, tr.timezone, read_at=read_at)
    kind = tr.s(crm_activities.KIND_NAMES[activity.kind])
    opener = {"lead": "ld", "deal": "dl", "contact": "ct", "company": "co"}[activity.entity]
    view = View(
        body=tr(
            "Reminder: {kind} {subject}, {when}",
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


def _kind_of(ctx: Ctx, word: str) -> str | None:
    value = word.strip().casefold()
    for k in crm_activities.KINDS:
        if value == ctx.tr.s(crm_activities.KIND_NAMES[k]).casefold():
            return k
    return crm_activities.KIND_WORDS.get(value)


async def _parse_kind(ctx: Ctx, raw: str) -> str | Filled:
    """The kind; a whole line after it ("звонок завтра в 10:00 обсудить счёт") answers
    the time and the subject as well, as /task and /event read a line."""
    kind = _kind_of(ctx, raw)
    if kind is not None:
        return kind
    first, _, rest = raw.strip().partition(" ")
    kind = _kind_of(ctx, first)
    if kind is None:
        raise DomainError(_N("An activity is a call, a meeting or a to-do."))
    rest = normalize_dates(rest.strip(), ctx.me.locale)
    found = find_when(rest, ctx.me.locale, ctx.me.timezone)
    more: dict[str, Any] = {}
    if found is not None:
        moment = await at_working_time(ctx, found.when, found.fragment, start=True)
        more["when"] = moment.isoformat()
        rest = cut_out(rest, found.fragment)
    subject = " ".join(rest.split()).strip(" ,;-—")
    if subject:
        more["subject"] = await _parse_subject(ctx, subject)
    return Filled(kind, more)


async def _parse_subject(ctx: Ctx, raw: str) -> str:
    return raw.strip()[:300]


async def _parse_when(ctx: Ctx, raw: str) -> str:
    """When the activity is due: a day said without a time ("послезавтра") is due at the
    start of the working day, as a task's deadline is at its end."""
    moment = parse_when(raw, ctx.me.locale, ctx.me.timezone)
    return (await at_working_time(ctx, moment, raw, start=True)).isoformat()


PLANNED_FOR_YOU = {
    "call": (
        N_("{person} planned a call for you: {subject}, {when}."),
        N_("{person} planned a call for you {when}."),
    ),
    "meeting": (
        N_("{person} planned a meeting for you: {subject}, {when}."),
        N_("{person} planned a meeting for you {when}."),
    ),
    "todo": (
        N_("{person} planned a to-do for you: {subject}, {when}."),
        N_("{person} planned a to-do for you {when}."),
    ),
}


async def _tell_owner(ctx: Ctx, activity: Any, owner: User) -> None:
    """The responsible person hears of an activity someone else planned for them, in
    their language and zone."""
    actor_name, subject = ctx.me.name, str(activity.subject or "")
    opener = {"lead": "ld", "deal": "dl", "contact": "ct", "company": "co"}[activity.entity]
    with_subject, bare = PLANNED_FOR_YOU[activity.kind]

    def build(tr: Translator) -> View:
        when = tr.when(activity.due_at)
        body = (
            tr(with_subject, person=bold(actor_name), subject=bold(subject), when=when)
            if subject
            else tr(bare, person=bold(actor_name), when=when)
        )
        return View(body=body, buttons=[[Button(tr.s("Open"), f"{opener}:o:{activity.entity_id}")]])

    await ctx.notify(owner.id, "assignment", build, ref=f"{activity.entity}:{activity.entity_id}")


async def _submit_activity(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    due = datetime.fromisoformat(values["when"])
    act = await crm_activities.create_activity(
        ctx.session, ctx.me, entity, entity_id, values["kind"], values.get("subject") or "", due
    )
    owner = await db.get(ctx.session, User, act.owner_id) if act.owner_id else None
    # planned on someone else's record: it is theirs to do, and they hear of it
    other = owner if owner is not None and owner.id != ctx.me.user_id else None
    if other is not None:
        await _tell_owner(ctx, act, other)
    if due <= utcnow():  # noted after the fact (a call made yesterday): no reminder
        said = ctx.tr("Noted for {when}, which has passed: no reminder.", when=ctx.tr.when(due))
    elif other is not None:
        await remind_owner(ctx, act, translator(other.locale, other.timezone))
        said = ctx.tr(
            "Planned for {person}; I will remind them {when}.",
            person=bold(other.name),
            when=ctx.tr.when(crm_activities.remind_at(act)),
        )
    else:
        await remind_owner(ctx, act, ctx.tr)
        said = ctx.tr(
            "Planned; I will remind you {when}.",
            when=ctx.tr.when(crm_activities.remind_at(act)),
        )
    head = join_lines([said, activity_line(ctx, act)])
    return prefixed(ctx, head, await card(ctx, entity, entity_id))


async def _submit_reschedule(ctx: Ctx, values: dict[str, Any]) -> View:
    due = datetime.fromisoformat(values["when"])
    act = await crm_activities.reschedule(ctx.session, ctx.me, int(values["activity_id"]), due)
    owner = await db.get(ctx.session, User, act.owner_id) if act.owner_id else None
    tr = translator(owner.locale, owner.timezone) if owner is not None else ctx.tr
    await remind_owner(ctx, act, tr)
    head = ctx.tr("Moved to {when}.", when=ctx.tr.when(due))
    return prefixed(ctx, head, await card(ctx, act.entity, act.entity_id))


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


@router.action("ac", personal=True)
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
