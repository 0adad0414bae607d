"""/task: create a task from one line or a form, show it, work on it by sub-command;
a reply to a task's message in chat becomes a comment."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import Markup, bold
from handlers.tasks_views import card_view, coaching, notice
from handlers.views import View
from models.base import utcnow
from models.tasks import Task
from models.teams import User
from services import groups, tasks, tasks_work, users
from services.access import get_team_user, visible_people
from services.dialogs import get as get_dialog
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing import find_when, parse_when

router = Router(__name__)
ORDER = 50

# #sales or #"Big sales"; "#123" is an issue number, not a group
_GROUP = re.compile(r'(?<![\w#])#"([^"]+)"|(?<![\w#])#(?!\d+\b)([^\s#@]+)')
_PERSON = re.compile(r"(?<![\w@])@([\w.\-]+)", re.UNICODE)
_TAIL_WORDS = re.compile(
    r"\s+(by|on|at|until|till|before|due|до|к|в|во|на|не позднее)$", re.IGNORECASE
)
ME_WORDS = {"me", "myself", "я", "мне", "себе", "сам", "сама"}
NONE_WORDS = {"-", "no", "none", "нет", "без срока"}


# -- deadlines ----------------------------------------------------------------

# dateparser knows "в пятницу" but not "к пятнице" / "до пятницы"
_RU_DAYS = {
    "понедельник": ("понедельнику", "понедельника"),
    "вторник": ("вторнику", "вторника"),
    "среду": ("среде", "среды"),
    "четверг": ("четвергу", "четверга"),
    "пятницу": ("пятнице", "пятницы"),
    "субботу": ("субботе", "субботы"),
    "воскресенье": ("воскресенью", "воскресенья"),
}
_RU_DAY_FORMS = [
    (re.compile(rf"\b(?:к|ко)\s+{dat}\b|\bдо\s+{gen}\b", re.IGNORECASE), acc)
    for acc, (dat, gen) in _RU_DAYS.items()
]
_HAS_TIME = re.compile(
    r"\d{1,2}[:.]\d{2}|\d\s*(?:am|pm)\b|\b(?:at|в)\s+\d{1,2}\b|"
    r"hour|minute|\bhrs?\b|\bmins?\b|час|минут|\bмин\b|\bч\b|noon|midnight|полдень|полночь",
    re.IGNORECASE,
)
END_OF_DAY = 18
_HOUR_ONLY = re.compile(r"\b(?:at|в)\s+(\d{1,2})\b(?!\s*(?:час|hour|мин|min))", re.IGNORECASE)


def normalize_dates(text: str) -> str:
    for pattern, accusative in _RU_DAY_FORMS:
        text = pattern.sub("в " + accusative, text)
    return text


def with_default_time(moment: datetime, fragment: str, tz: str) -> datetime:
    """A date said without a time ("tomorrow", "by Friday") means the end of the
    working day there, not this very minute or midnight."""
    local = moment.astimezone(ZoneInfo(tz))
    hour_only = _HOUR_ONLY.search(fragment)
    if hour_only and not re.search(r"\d[:.]\d", fragment):
        # "послезавтра в 10": dateparser may drop a bare hour
        hour = int(hour_only.group(1))
        if hour <= 23 and local.hour != hour and not re.search(r"pm|am", fragment, re.I):
            local = local.replace(hour=hour, minute=0, second=0, microsecond=0)
            return local.astimezone(ZoneInfo("UTC"))
    if _HAS_TIME.search(fragment):
        return moment
    return local.replace(hour=END_OF_DAY, minute=0, second=0, microsecond=0).astimezone(
        ZoneInfo("UTC")
    )


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
    return moment.astimezone(ZoneInfo("UTC"))


async def parse_deadline(ctx: Ctx, raw: str) -> str | None:
    value = raw.strip()
    if value.casefold() in NONE_WORDS or value == ctx.tr.s("No deadline"):
        return None
    if value.startswith("q:"):
        moment = quick_deadline(value[2:], ctx.me.timezone)
        return moment.isoformat() if moment else None
    value = normalize_dates(value)
    moment = parse_when(value, ctx.me.locale, ctx.me.timezone)
    return with_default_time(moment, value, ctx.me.timezone).isoformat()


async def deadline_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [
        (ctx.tr.s("Today 18:00"), "q:td"),
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


# -- creating -----------------------------------------------------------------


async def _resolve_group(ctx: Ctx, name: str) -> int:
    found = await groups.find_groups(ctx.session, ctx.me, name)
    exact = [g for g in found if g.name_key == groups.name_key(name)]
    if exact:
        return exact[0].id
    if len(found) == 1:
        return found[0].id
    if not found:
        raise DomainError(_N("There is no group called {name}."), name=name)
    names = ", ".join(g.name for g in found)
    raise DomainError(_N("Several groups match: {names}. Type the full name."), names=names)


async def create_from_text(
    ctx: Ctx, text: str, parent_id: int | None = None, defaults: dict[str, Any] | None = None
) -> Any:
    """'Call Ivanov tomorrow 15:00 @petr #sales' -> a task, or a question."""
    values: dict[str, Any] = {"description": "", **(defaults or {})}
    if parent_id is not None:
        values["parent_id"] = parent_id
    rest = text
    group_match = _GROUP.search(rest)
    if group_match:
        values["group_id"] = await _resolve_group(ctx, group_match.group(1) or group_match.group(2))
        rest = rest[: group_match.start()] + rest[group_match.end() :]
    elif "group_id" not in values:
        # in a group chat bound to a workgroup, tasks belong to that group
        bound = await ctx.chat_group()
        if bound is not None:
            values["group_id"] = bound.id
    people = [token.rstrip(".-") for token in _PERSON.findall(rest)]
    rest = _PERSON.sub("", rest)
    rest = normalize_dates(rest)
    found = find_when(rest, ctx.me.locale, ctx.me.timezone)
    deadline = None
    if found is not None:
        deadline = with_default_time(found.when, found.fragment, ctx.me.timezone)
        rest = rest.replace(found.fragment, " ", 1)
    title = _TAIL_WORDS.sub("", " ".join(rest.split())).strip(" ,;-—")
    if not title:
        raise DomainError(_N("What is the task? For example: /task Call Ivanov tomorrow 15:00"))
    values["title"] = title
    values["deadline"] = deadline.isoformat() if deadline else None
    notes: list[View] = []
    accomplices: list[int] = []
    for index, token in enumerate(people):
        found_people = await users.find_people(ctx.session, ctx.me, token)
        if index == 0:
            if len(found_people) == 1:
                values["responsible"] = found_people[0].id
                continue
            cands = found_people or await candidates(ctx, token)
            values["_cands"] = [[u.name, u.id] for u in cands]
            msg = (
                N_("Several people match {name}. Whom do you mean?")
                if found_people
                else N_("I don't know anyone called {name}. Who is responsible?")
            )
            notes.append(View(body=ctx.tr(msg, name=bold("@" + token))))
        elif len(found_people) == 1:
            accomplices.append(found_people[0].id)
        else:
            raise DomainError(_N("I don't know anyone called {name} in your team."), name=token)
    values["accomplices"] = accomplices
    if "responsible" not in values and not notes:
        values["responsible"] = ctx.me.user_id
    if notes:
        return [*notes, await ctx.start_form("task_new", values)]
    return await create(ctx, values)


async def create(ctx: Ctx, values: dict[str, Any]) -> list[View]:
    task = await tasks.create_task(
        ctx.session,
        ctx.me,
        values["title"],
        description=values.get("description") or "",
        responsible_id=int(values.get("responsible") or ctx.me.user_id),
        deadline=as_moment(values.get("deadline")),
        group_id=values.get("group_id"),
        parent_id=values.get("parent_id"),
        accomplices=values.get("accomplices") or (),
    )
    if values.get("checklist"):
        await tasks_work.add_items(ctx.session, ctx.me, task.id, list(values["checklist"]))
    await tell_assigned(ctx, task, [task.responsible_id, *(values.get("accomplices") or ())])
    card = await card_view(ctx, task)
    done: Markup = ctx.tr("Task #{id} created.", id=str(task.id))
    card.body = [*done, *ctx.tr("\n\n"), *card.body]
    hint = coaching(ctx, task)
    return [card, hint] if hint else [card]


# -- notifications --------------------------------------------------------------

Arg = str | Callable[[Translator], str]


async def tell(
    ctx: Ctx,
    task: Task,
    kind: str,
    message: str,
    *,
    to: list[int] | None = None,
    **args: Arg,
) -> None:
    """Notify the task's people (or `to`) in their own language; never the actor."""
    recipients = to if to is not None else sorted(await tasks.participants(ctx.session, task))

    def build(tr: Translator) -> View:
        filled = {k: (v(tr) if callable(v) else v) for k, v in args.items()}
        return notice(tr, task, tr(message, **filled))

    for uid in dict.fromkeys(recipients):
        await ctx.notify(uid, kind, build, ref=f"task:{task.id}")


async def tell_assigned(ctx: Ctx, task: Task, user_ids: list[int]) -> None:
    await tell(
        ctx,
        task,
        "assignment",
        N_("{person} gave you a task."),
        to=list(user_ids),
        person=ctx.me.name,
    )


async def post_comment(
    ctx: Ctx,
    task_id: int,
    text: str,
    reply_to: int | None = None,
    attachment: str | None = None,
) -> View:
    task, comment, people = await tasks_work.add_comment(
        ctx.session, ctx.me, task_id, text, reply_to_id=reply_to, attachment=attachment
    )
    mentioned = {u.id for u in people}
    ref = f"task:{task.id}:{comment.id}"
    snippet = text if len(text) <= 500 else text[:499] + "…"

    def build(tr: Translator, key: str) -> View:
        view = notice(
            tr, task, tr(key, person=bold(ctx.me.name), text=snippet or comment.attachment or "")
        )
        view.ref = ref
        return view

    for uid in sorted(mentioned):
        await ctx.notify(
            uid, "mention", lambda tr: build(tr, N_("{person} mentioned you: {text}")), ref=ref
        )
    for uid in sorted(await tasks.participants(ctx.session, task) - mentioned):
        await ctx.notify(
            uid, "comment", lambda tr: build(tr, N_("{person} commented: {text}")), ref=ref
        )
    view = View(body=ctx.tr("Comment added to #{id}.", id=str(task.id)), ref=ref)
    return view


@router.text
async def reply_to_task(ctx: Ctx) -> View | None:
    """A reply to a task's (or a task comment's) message adds a comment."""
    ref = ctx.reply_ref or ""
    if not ref.startswith("task:"):
        return None
    parts = ref.split(":")
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    reply_to = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    return await post_comment(ctx, int(parts[1]), ctx.args, reply_to)


@router.file
async def file_to_task(ctx: Ctx) -> View | None:
    """A file sent in reply to a task's message is kept on the task as a reference."""
    ref = ctx.reply_ref or ""
    file = ctx.event.file
    if not ref.startswith("task:") or file is None:
        return None
    parts = ref.split(":")
    if not parts[1].isdigit():
        return None
    attachment = f"{ctx.event.platform}:{file.file_id}:{file.name}"[:500]
    return await post_comment(ctx, int(parts[1]), ctx.args or "", None, attachment)


# -- the command ----------------------------------------------------------------


@router.command(
    "task",
    help=N_("create a task: /task Call Ivanov tomorrow 15:00 @petr #sales"),
    usage=N_(
        "/task TEXT [DEADLINE] [@person] [#group] · /task ID [comment|time|check|sub|after|deadline] ..."
    ),
)
async def task_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    if not text:
        return await ctx.start_form("task_new")
    head, _, rest = text.partition(" ")
    if head.lstrip("#").isdigit():
        from handlers.tasks_more import subcommand

        return await subcommand(ctx, int(head.lstrip("#")), rest.strip())
    if head.casefold() in ("from", "из", "шаблон") and rest:
        from handlers.tasks_repeat import from_template

        return await from_template(ctx, rest.strip())
    return await create_from_text(ctx, text)


async def _parse_title(ctx: Ctx, raw: str) -> str:
    return tasks.clean_title(raw)


async def _parse_description(ctx: Ctx, raw: str) -> str:
    value = raw.strip()
    return "" if value in ("-",) else tasks.clean_description(value)


async def _submit_new(ctx: Ctx, values: dict[str, Any]) -> Any:
    return await create(ctx, values)


router.form(
    Form(
        name="task_new",
        title=N_("New task"),
        fields=[
            Field(
                "title",
                N_("What needs to be done? Start with a verb."),
                _parse_title,
                max_length=tasks.TITLE_MAX,
            ),
            Field(
                "responsible",
                N_("Who is responsible? A name or @username; “me” for yourself."),
                parse_person,
                choices=person_choices,
            ),
            Field(
                "deadline",
                N_("Deadline? For example: tomorrow 15:00, next fri, 31.12 18:00."),
                parse_deadline,
                choices=deadline_choices,
            ),
            Field(
                "description",
                N_("A description: what “done” means, links, details."),
                _parse_description,
                optional=True,
                multiline=True,
                max_length=tasks.DESCRIPTION_MAX,
            ),
        ],
        submit=_submit_new,
    )
)
