"""/task ID repeat daily|weekly mon,wed|monthly 15 [at 10:00]|off · /task ID template NAME ·
/task from NAME [deadline] [@person] [#group]."""

from __future__ import annotations

import re
from typing import Any

from handlers.core import Ctx
from handlers.markup import Span, bold, join_lines
from handlers.tasks_create import create_from_text
from handlers.tasks_repeat_words import LAST_DAY, repeat_kind
from handlers.views import Button, View
from models.base import utcnow
from models.tasks import TaskTemplate
from services import tasks_repeat, tasks_templates
from services.errors import N_, DomainError
from services.parsing_said import spoken_hour

DAYS = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "пн": 0,
    "вт": 1,
    "ср": 2,
    "чт": 3,
    "пт": 4,
    "сб": 5,
    "вс": 6,
}
# full names too: "weekly monday", "по понедельникам"
for _names, _day in (
    (("monday", "mondays", "понедельник", "понедельникам"), 0),
    (("tuesday", "tuesdays", "вторник", "вторникам"), 1),
    (("wednesday", "wednesdays", "среда", "среду", "средам"), 2),
    (("thursday", "thursdays", "четверг", "четвергам"), 3),
    (("friday", "fridays", "пятница", "пятницу", "пятницам"), 4),
    (("saturday", "saturdays", "суббота", "субботу", "субботам"), 5),
    (("sunday", "sundays", "воскресенье", "воскресеньям"), 6),
):
    for _name in _names:
        DAYS[_name] = _day
# "at 5pm", "в 9 утра": an hour with its part of the day
_SPOKEN = re.compile(
    r"(?:at\s+|в\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|утра|дня|вечера|ночи)\b", re.IGNORECASE
)
# "в 10", "at 10": an hour alone (spoken_hour reads it: "в 3" is 15:00)
_BARE_HOUR = re.compile(r"(?:\bat\s+|(?<!\S)в\s+)(\d{1,2})()()(?![\d:.])", re.IGNORECASE)
_WORKDAYS = re.compile(
    r"(?:every\s+weekday|on\s+weekdays|weekdays|по\s+будням|каждый\s+будний\s+день|в\s+будни)",
    re.IGNORECASE,
)
# "except weekends", "кроме выходных": the workdays
_NOT_WEEKENDS = re.compile(
    r"(?:except|but\s+not|excluding)\s+(?:on\s+)?(?:the\s+)?weekends?|"
    r"(?:кроме|без)\s+(?:выходных|субботы\s+и\s+воскресенья)",
    re.IGNORECASE,
)
# "except friday" and the like: a repeat cannot hold it; it gets a question, not a guess
_EXCEPT = re.compile(r"\b(?:except|excluding|but\s+not)\b|(?<!\S)кроме(?!\S)", re.IGNORECASE)
# "on the last day of the month", "в последний день месяца": day 31, which every month
# reads as its own last day
_LAST_DAY = re.compile(
    r"(?:on\s+)?(?:the\s+)?last\s+day(?:\s+of\s+(?:the\s+|each\s+|every\s+)?month)?|"
    r"(?:в\s+)?последн(?:ий|ее|его)\s+(?:день|число|числа)(?:\s+месяца)?",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"two": "2", "three": "3", "four": "4", "две": "2", "три": "3", "четыре": "4"}
# every n-th week: (what is said, what it reads as, the step when no number is said)
_STEPS = (
    (re.compile(r"\b(?:bi-?weekly|fortnightly)\b"), "weekly", 2),
    (re.compile(r"\bevery\s+(?:other|second)\s+week\b"), "weekly", 2),
    (re.compile(r"\bevery\s+(?P<n>\d{1,2}|two|three|four)\s+weeks\b"), "weekly", 2),
    (re.compile(r"\bevery\s+(?:other|second)\b"), "every", 2),  # "every other monday"
    (re.compile(r"(?:раз\s+в|каждые)\s+(?P<n>\d{1,2}|две|три|четыре)\s+недел[иь]"), "weekly", 2),
    (re.compile(r"(?:каждую\s+вторую\s+неделю|через\s+неделю)"), "weekly", 2),
    (re.compile(r"кажд(?:ый|ую|ое)\s+втор(?:ой|ую|ое)\b"), "по", 2),  # "каждый второй понедельник"
)
KIND_WORDS = {
    "daily": "daily",
    "ежедневно": "daily",
    "каждый день": "daily",
    "every day": "daily",
    "weekly": "weekly",
    "еженедельно": "weekly",
    "каждую неделю": "weekly",
    "every week": "weekly",
    "monthly": "monthly",
    "ежемесячно": "monthly",
    "каждый месяц": "monthly",
    "every month": "monthly",
}
OFF_WORDS = {"off", "stop", "выкл", "стоп", "нет"}
_TIME = re.compile(r"(?:at\s+|в\s+)?(\d{1,2})[:.](\d{2})\b\s*(am|pm)?", re.IGNORECASE)


def parse_rule(text: str, *, whole: bool = False) -> dict[str, Any]:
    """A repeat rule; `whole`: every word must belong to it (a rule found inside a task
    line: "Review the weekly report" is a title, not a weekly repeat)."""
    raw = text.strip().casefold()
    # the week step first: "раз в 2 недели" has an "в 2" that is no hour
    step = 1
    for pattern, replace_with, weeks in _STEPS:
        found_step = pattern.search(raw)
        if found_step:
            said_n: str | None = found_step.groupdict().get("n")
            step = int(_NUMBER_WORDS.get(said_n, said_n)) if said_n else weeks
            raw = (raw[: found_step.start()] + replace_with + raw[found_step.end() :]).strip()
            break
    hour, minute = 9, 0
    found = _TIME.search(raw)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2))
        raw = (raw[: found.start()] + raw[found.end() :]).strip()
        if found.group(3):  # "5:30 pm"
            hour = spoken_hour(hour, found.group(3)) or hour
    else:
        spoken = _SPOKEN.search(raw) or _BARE_HOUR.search(raw)  # "в 9 утра", "в 10"
        if spoken:
            said = spoken_hour(int(spoken.group(1)), spoken.group(3) or "")
            if said is None:
                raise DomainError(N_("Give a time like 22:00."))
            hour, minute = said, int(spoken.group(2) or 0)
            raw = (raw[: spoken.start()] + raw[spoken.end() :]).strip()
    workdays = bool(_NOT_WEEKENDS.search(raw))
    raw = _NOT_WEEKENDS.sub(" ", raw)
    if _EXCEPT.search(raw):
        raise DomainError(
            N_(
                "A repeat cannot skip single days. Name the days it repeats on, "
                "for example: weekly mon,tue,wed,thu."
            )
        )
    last_day = bool(_LAST_DAY.search(raw))
    raw = _LAST_DAY.sub(f" {LAST_DAY} ", raw)
    if workdays:  # "daily except weekends": the workdays, whatever kind was said
        raw = re.sub(r"\b(?:daily|every\s+day|ежедневно|каждый\s+день)\b", " ", raw)
        if re.search(r"\b(?:monthly|ежемесячно|каждый\s+месяц|every\s+month)\b", raw):
            raise DomainError(N_("Only daily and weekly repeats skip weekends."))
        raw = "weekly mon,tue,wed,thu,fri " + re.sub(r"\b(?:weekly|every\s+week)\b", " ", raw)
    raw = _WORKDAYS.sub("weekly mon,tue,wed,thu,fri", raw)  # "по будням", "every weekday"
    tokens = [t for t in re.split(r"[\s,;]+", raw) if t]
    kind = None
    for index in range(len(tokens)):  # the kind said anywhere: "по вторникам weekly"
        for count in (2, 1):  # "каждый день", "every week", or one word
            found_kind = KIND_WORDS.get(" ".join(tokens[index : index + count]))
            if found_kind is not None:
                kind = found_kind
                del tokens[index : index + count]
                break
        if kind is not None:
            break
    days = [DAYS[t] for t in tokens if t in DAYS]
    if kind is None and days and (step > 1 or tokens[0] in _EVERY):
        kind = "weekly"  # "every monday", "по понедельникам", "каждый вторник"
    if kind is None and last_day:
        kind = "monthly"  # "on the last day of the month"
    if last_day and kind != "monthly":
        raise DomainError(N_("Only monthly repeats fall on the last day of the month."))
    if kind is None:
        raise DomainError(
            N_("Repeat how? For example: daily at 10:00, weekly mon,wed,fri, monthly 15.")
        )
    if step > 1 and kind != "weekly":
        raise DomainError(N_("Only weekly repeats skip weeks: every 2 weeks on mon."))
    rule: dict[str, Any] = {"kind": kind, "hour": hour, "minute": minute, "week_step": step}
    rest = " ".join(t for t in tokens if t not in _EVERY)
    unknown = _LEFT_OVER.sub(" ", rest).split()
    if unknown:  # never a silent guess: what was not understood is said back
        if whole:
            raise DomainError(
                N_("Repeat how? For example: daily at 10:00, weekly mon,wed,fri, monthly 15.")
            )
        raise DomainError(
            N_(
                'I did not understand "{words}" in the repeat. For example: daily at 10:00, '
                "weekly mon,wed,fri, monthly 15, monthly on the last day."
            ),
            words=" ".join(unknown),
        )
    if kind == "weekly":
        rule["weekdays"] = sorted(set(days))
    if kind == "monthly":
        number = re.search(r"\d{1,2}", rest)
        if number:  # none said: the day the task is due
            rule["month_day"] = int(number.group(0))
    return rule


_EVERY = {"every", "каждый", "каждую", "каждое", "по", "on", "weekly"}
# what may stand between a rule's words: day names, numbers, "on", "and", commas
_LEFT_OVER = re.compile(
    rf"(?<![^\s,;])(?:{'|'.join(sorted(DAYS, key=len, reverse=True))}|\d{{1,2}}|on|and|и|по|в|во|"
    r"at|числа|число|the|of|each|month|месяца)(?![^\s,;])|[,;]",
    re.IGNORECASE,
)
# a word a repeat said inside a task line starts with ("Call the client every monday at 10")
_REPEAT_START = re.compile(
    r"every|daily|weekly|monthly|bi-?weekly|fortnightly|каждый|каждую|каждое|каждые|"
    r"ежедневно|еженедельно|ежемесячно|раз|по|on",
    re.IGNORECASE,
)
_REPEAT_WORDS = 9


def split_repeat(text: str) -> tuple[dict[str, Any] | None, str]:
    """A repeat rule said at the end of a task line, and the line without it:
    "Созвон с клиентом каждый понедельник в 10" -> (weekly mon 10:00, "Созвон с
    клиентом"). The longest ending that reads as a rule whole; none: (None, text)."""
    words = text.split()
    for count in range(min(_REPEAT_WORDS, len(words) - 1), 0, -1):
        first = words[-count]
        if not _REPEAT_START.fullmatch(first):
            continue
        tail = " ".join(words[-count:])
        if first.casefold() in ("по", "on", "раз") and not re.search(
            r"будням|weekdays|недел|(?:ам|ям|days)\b", tail, re.IGNORECASE
        ):
            continue  # "по делу", "on time": no repeat
        try:
            rule = parse_rule(tail, whole=True)
        except DomainError:
            continue
        return rule, " ".join(words[:-count])
    return None, text


async def repeat_note(ctx: Ctx, task: Any, rule: dict[str, Any]) -> list[Any]:
    """Set a repeat said in the task line; with no deadline said, the task is due at
    the rule's first moment. The sentence that says so, to put under "created"."""
    from services import tasks_deadlines

    if task.deadline is None:
        zone = await tasks_repeat.zone_of(ctx.session, ctx.me, task)
        probe = tasks_repeat.TaskRecurrence(
            kind=rule["kind"],
            weekdays=",".join(str(d) for d in rule.get("weekdays") or []),
            month_day=rule.get("month_day") or tasks_repeat.own_month_day(task, zone),
            hour=rule["hour"],
            minute=rule["minute"],
            timezone=zone,
            week_step=1,
        )
        if rule["kind"] != "weekly" or rule.get("weekdays"):
            first = tasks_repeat.next_occurrence(probe, utcnow())
            await tasks_deadlines.set_deadline(ctx.session, ctx.me, task.id, first)
    made = await tasks_repeat.set_recurrence(ctx.session, ctx.me, task.id, **rule)
    message, args = _repeats_text(ctx, task.id, made)
    return [Span(" "), *ctx.tr(message, **args)]


def _repeats_text(ctx: Ctx, task_id: int, rule: Any) -> tuple[str, dict[str, Any]]:
    kind = repeat_kind(ctx.tr, rule)
    args = {"id": str(task_id), "kind": kind, "when": ctx.tr.when(rule.next_at)}
    if rule.timezone == ctx.tr.timezone:
        return N_("#{id} repeats {kind}; the next copy is created {when}."), args
    # kept in the responsible's zone, not the reader's: its time there, and the zone named
    time = f"{rule.hour:02d}:{rule.minute:02d}"
    return N_(
        "#{id} repeats {kind} at {time} in the responsible's zone ({zone}); the next copy "
        "is created {when}."
    ), {**args, "time": time, "zone": rule.timezone}


async def repeat_or_template(ctx: Ctx, task_id: int, verb: str, arg: str) -> View:
    if verb in ("template", "шаблон"):
        template = await tasks_repeat.save_template(ctx.session, ctx.me, task_id, arg)
        return View(
            body=ctx.tr(
                "Template {name} saved. Create a task from it: /task from {name}",
                name=bold(template.name),
            )
        )
    if arg.strip().casefold() in OFF_WORDS:
        await tasks_repeat.stop_recurrence(ctx.session, ctx.me, task_id)
        return View(body=ctx.tr("#{id} no longer repeats.", id=str(task_id)))
    rule = await tasks_repeat.set_recurrence(ctx.session, ctx.me, task_id, **parse_rule(arg))
    message, args = _repeats_text(ctx, task_id, rule)
    view = View(body=ctx.tr(message, **args), ref=f"task:{task_id}")
    view.row(Button(ctx.tr.s("Open"), f"t:o:{task_id}"))
    return view


async def template_defaults(ctx: Ctx, template: Any) -> dict[str, Any]:
    """The group, people and settings a task made of the template starts with (what is
    said after its name, @person or #group, goes before them)."""
    setup = await tasks_templates.template_setup(ctx.session, ctx.me, template)
    values: dict[str, Any] = {
        "_template": True,  # a responsible said or asked replaces its own, see create()
        "accomplices": setup.accomplices,
        "auditors": setup.auditors,
        "needs_approval": setup.needs_approval,
        "responsible_may_change_deadline": setup.responsible_may_change_deadline,
    }
    if setup.group_id is not None:  # a bound chat's group comes first: create_from_text
        values["_template_group"] = setup.group_id
    if setup.responsible_id is not None:
        values["responsible"] = setup.responsible_id
    return values


async def from_template(ctx: Ctx, text: str) -> Any:
    """The longest template name the text starts with; the rest adds deadline, @, #.
    None when no template's name starts it: "Из презентации убрать слайды" is a title."""
    key = tasks_repeat.template_key(text)
    best = None
    for template in await tasks_repeat.list_templates(ctx.session, ctx.me):
        if key == template.name_key or key.startswith(template.name_key + " "):
            if best is None or len(template.name_key) > len(best.name_key):
                best = template
    if best is None:
        return None
    return await create_from_template(ctx, best, " ".join(text.split())[len(best.name_key) :])


async def create_from_template(ctx: Ctx, template: TaskTemplate, rest: str) -> Any:
    defaults: dict[str, Any] = {
        "title": template.title,  # as saved: "медиаплан на декабрь" is no deadline
        "description": template.description,
        "checklist": [line for line in template.checklist.splitlines() if line.strip()],
        **await template_defaults(ctx, template),
    }
    return await create_from_text(ctx, rest.strip(), defaults=defaults)


TEMPLATES_SHOWN = 30  # buttons of the template picker; the rest are typed by name


async def choose_template(ctx: Ctx) -> View:
    """ "/task from" alone: which template? Each is a button."""
    templates = await tasks_repeat.list_templates(ctx.session, ctx.me)
    if not templates:
        return View(
            body=ctx.tr("No templates yet. Save a task as one: /task ID template NAME"),
            private=True,
        )
    lines: list[Any] = [ctx.tr("Which template? Press one, or type /task from NAME DEADLINE.")]
    view = View(body=[], private=True)
    for template in templates[:TEMPLATES_SHOWN]:
        lines.append([Span("• "), bold(template.name), Span(f" — {template.title}")])
        view.row(Button(template.name, f"t:tf:{template.id}"))
    if len(templates) > TEMPLATES_SHOWN:
        more = len(templates) - TEMPLATES_SHOWN
        lines.append(ctx.tr.n("…and {n} more.", "…and {n} more.", more))
    view.body = join_lines(lines)
    return view


async def from_template_id(ctx: Ctx, template_id: int, rest: str = "") -> Any:
    """A template picked by its button (one of the team's, as list_templates gives);
    `rest` adds a deadline, @, #."""
    for template in await tasks_repeat.list_templates(ctx.session, ctx.me):
        if template.id == template_id:
            return await create_from_template(ctx, template, rest)
    raise DomainError(N_("That template is gone. See the others: /task from"))
