"""Creating a task: from one line ("Call Ivanov tomorrow 15:00 @petr #sales") or the
New task form, with its group, people and deadline read from what was said."""

from __future__ import annotations

import re
from typing import Any

from handlers.core import Ctx
from handlers.groups_input import ask_for_group
from handlers.i18n import N_
from handlers.markup import Markup, Span, bold
from handlers.people import find, one_person, person_labels
from handlers.tasks_input import as_moment, at_working_time, candidates, normalize_dates
from handlers.tasks_news import tell_group_created
from handlers.tasks_shared import as_the_chat_gets
from handlers.tasks_tell import tell_assigned
from handlers.tasks_views import card_view, coaching, overrun_note
from handlers.views import View
from models.base import utcnow
from services import groups, tasks, tasks_work
from services.access import ensure_group_writable
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing import cut_out, find_when, refuse_no_such_date
from services.parsing_days import find_day_range, hide_bare_months
from services.parsing_parts import parts_of_day_as_clocks
from services.parsing_said import ranges_to_ends

# #sales or #"Big sales"; "#123" is an issue number, not a group
_GROUP = re.compile(r'(?<![\w#])#"([^"]+)"|(?<![\w#])#(?!\d+\b)([^\s#@]+)')
_PERSON = re.compile(r"(?<![\w@])@([\w.\-]+)", re.UNICODE)
_LONE_MARKS = re.compile(r"\s+[.,;:!?]+\Z")
_TAIL_WORDS = re.compile(
    r"\s+(by|on|at|until|till|before|due|до|к|в|во|на|не позднее)$", re.IGNORECASE
)


async def create_from_text(
    ctx: Ctx, text: str, parent_id: int | None = None, defaults: dict[str, Any] | None = None
) -> Any:
    """'Call Ivanov tomorrow 15:00 @petr #sales' -> a task, or a question. A title in
    `defaults` (a template's) is never read for a deadline, people or a group."""
    values: dict[str, Any] = {"description": "", **(defaults or {})}
    if parent_id is not None:
        values["parent_id"] = parent_id
    rest = text
    group_match = _GROUP.search(rest)
    if group_match:
        # "#Acme Website fix the header": the longest group name there, words and all
        try:
            group, after = await groups.named_at_start(
                ctx.session, ctx.me, rest[group_match.start() :]
            )
        except groups.NoSuchGroup as err:  # asked which group; the rest of the line waits
            without = rest[: group_match.start()] + " " + rest[group_match.end() :]
            kept = {"text": without.strip(), "parent_id": parent_id, "defaults": defaults or {}}
            return await ask_for_group(ctx, "task_group", err, kept)
        values["group_id"] = group.id
        rest = rest[: group_match.start()] + " " + after
    elif "group_id" not in values:
        # a template's group gives way to the chat's: it applies where no chat speaks
        # for a group
        bound = await _chat_group_id(ctx)
        if bound is not None:
            values["group_id"] = bound
        elif values.get("_template_group") is not None:
            values["group_id"] = values["_template_group"]
        elif ctx.me.is_extranet and parent_id is None:  # a subtask is its parent's group's
            only = await _only_group(ctx)
            if only is None:  # which of theirs: asked, the line waits for the answer
                kept = {"text": text, "parent_id": parent_id, "defaults": defaults or {}}
                return await ctx.start_form("task_group", kept)
            values["group_id"] = only
    people = [token.rstrip(".-") for token in _PERSON.findall(rest)]
    rest = _PERSON.sub("", rest)
    from handlers.tasks_repeat import split_repeat

    # "... каждый понедельник в 10", "... каждый день вечером в 8" (at 20:00)
    repeat, rest = split_repeat(parts_of_day_as_clocks(rest))
    if repeat is not None:
        values["_repeat"] = repeat
    refuse_no_such_date(rest)  # "Pay rent 30.02": said, not kept
    rest = ranges_to_ends(normalize_dates(rest, ctx.me.locale))
    # "Медиаплан на декабрь пт 18:00": the month is the title's, the deadline is Friday
    found = find_when(hide_bare_months(rest), ctx.me.locale, ctx.me.timezone)
    span = find_day_range(rest, ctx.me.timezone)
    said = rest.find(found.fragment) if found is not None else -1
    if span is not None and (found is None or span.start <= said < span.end):
        # "Проверить счета с 1 по 15 декабря": due on its last day (a span beside
        # another date, "Отпуск с 1 по 15 декабря оформить до пятницы", is the title's)
        last = f"{span.last.day}.{span.last.month:02d}.{span.last.year}"
        rest = rest[: span.start] + " " + last + rest[span.end :]
        found = find_when(hide_bare_months(rest), ctx.me.locale, ctx.me.timezone)
    deadline = None
    leading = False  # "Завтра позвонить Ивану": the title starts a sentence
    if found is not None:
        deadline = await at_working_time(ctx, found.when, found.fragment)
        leading = rest.lstrip().startswith(found.fragment) and found.fragment[:1].isupper()
        rest = cut_out(rest, found.fragment)
    title = _TAIL_WORDS.sub("", " ".join(rest.split())).strip(" ,;-—")
    title = _LONE_MARKS.sub("", title)  # "Call Bob 15.12." leaves "Call Bob ."
    if leading:
        title = title[:1].upper() + title[1:]
    if values.get("title"):  # a template's, taken as it is; words said after it join it
        title = f"{values['title']} {title}".strip()
    if not title:
        raise DomainError(_N("What is the task? For example: /task Call Ivanov tomorrow 15:00"))
    values["title"] = title
    values["deadline"] = deadline.isoformat() if deadline else None
    notes: list[View] = []
    accomplices: list[int] = []
    for index, token in enumerate(people):
        if index > 0:  # co-executors: several people of one name are asked about
            accomplice = await one_person(ctx, token, handle=True)
            if accomplice is None:
                raise DomainError(_N("I don't know anyone called {name} in your team."), name=token)
            accomplices.append(accomplice.id)
            continue
        found_people = await find(ctx, token, handle=True)
        values.pop("responsible", None)  # a template's gives way to the one said
        if len(found_people) == 1:
            values["responsible"] = found_people[0].id
            continue
        cands = found_people or await candidates(ctx, token)
        labels = await person_labels(ctx, cands)
        values["_cands"] = [[labels[u.id], u.id] for u in cands]
        msg = (  # the form's own question follows: this says only what went wrong
            N_("Several people match {name}.")
            if found_people
            else N_("I don't know anyone called {name}.")
        )
        notes.append(View(body=ctx.tr(msg, name=bold("@" + token)), private=True))
    values["accomplices"] = [*(values.get("accomplices") or ()), *accomplices]  # a template's too
    if "responsible" not in values and not notes:
        values["responsible"] = ctx.me.user_id
    if notes:  # asked who is responsible: nothing is saved before the answer
        question = await start_new(ctx, values)
        return [*notes, *([question] if isinstance(question, View) else question or [])]
    return await create(ctx, values)


async def start_new(ctx: Ctx, values: dict[str, Any] | None = None) -> Any:
    """The New task form. In a chat bound to a group the task is the group's; an
    extranet member's tasks live in their groups: they are asked which one (their only
    one is taken without asking); others are not asked."""
    values = dict(values or {})
    if "group_id" not in values:
        bound = await _chat_group_id(ctx)
        if bound is not None:
            values["group_id"] = bound
        elif not ctx.me.is_extranet:
            values["group_id"] = None
        else:
            only = await _only_group(ctx)
            if only is not None:
                values["group_id"] = only
    return await ctx.start_form("task_new", values)


async def _chat_group_id(ctx: Ctx) -> int | None:
    """In a group chat bound to a workgroup, tasks belong to that group (an archived
    one's are refused before anything is asked)."""
    bound = await ctx.chat_group()
    if bound is None:
        return None
    await ensure_group_writable(ctx.session, ctx.me, bound.id)
    return bound.id


async def _only_group(ctx: Ctx) -> int | None:
    """An extranet member's only group (a task of theirs goes there without asking);
    None when they have several (they are asked which); none at all is said."""
    page = await groups.list_groups(ctx.session, ctx.me, per_page=1, mine=True)
    if not page.items:
        raise DomainError(
            _N("You are in no group yet, so a task has nowhere to go. Ask whoever invited you.")
        )
    return page.items[0].id if page.total == 1 else None


async def create(ctx: Ctx, values: dict[str, Any]) -> list[View]:
    responsible_id = int(values.get("responsible") or ctx.me.user_id)
    if values.get("_template"):  # its responsible, said or asked, leaves its other parts
        for role in ("accomplices", "auditors"):
            values[role] = [uid for uid in values.get(role) or () if uid != responsible_id]
    task = await tasks.create_task(
        ctx.session,
        ctx.me,
        values["title"],
        description=values.get("description") or "",
        responsible_id=responsible_id,
        deadline=as_moment(values.get("deadline")),
        group_id=values.get("group_id"),
        parent_id=values.get("parent_id"),
        accomplices=values.get("accomplices") or (),
        auditors=values.get("auditors") or (),
        needs_approval=bool(values.get("needs_approval")),  # a template's settings
        responsible_may_change_deadline=values.get("responsible_may_change_deadline", True),
    )
    if values.get("checklist"):
        await tasks_work.add_items(ctx.session, ctx.me, task.id, list(values["checklist"]))
    repeats: Markup = []
    if values.get("_repeat"):  # said in the line: the task is the first occurrence
        from handlers.tasks_repeat import repeat_note

        repeats = await repeat_note(ctx, task, dict(values["_repeat"]))
    await tell_assigned(ctx, task, [task.responsible_id, *(values.get("accomplices") or ())])
    await tell_group_created(ctx, task)
    fresh = not values.get("checklist") and not values.get("accomplices")
    card = await card_view(ctx, task, fresh=fresh)
    done: Markup = [*ctx.tr("Task #{id} created.", id=str(task.id)), *repeats]
    if task.deadline is not None and task.deadline < utcnow():  # said, not only shown red
        done = [*done, Span(" "), *ctx.tr("Its deadline has already passed.")]
    overrun = await overrun_note(ctx, task)
    if overrun:
        done = [*done, Span(" "), *overrun]
    card.body = [*done, *ctx.tr("\n\n"), *card.body]
    hint = await coaching(ctx, task)
    if hint is not None:
        # in the person's own card one message: the advice under the card, its quick
        # answers first among the buttons (they replace the card when pressed); in a
        # channel or group chat that card is the author's alone, beside everyone's
        card.body = [*card.body, Span("\n\n"), *hint.body]
        card.buttons = [*hint.buttons, *card.buttons]
    return await as_the_chat_gets(ctx, [card], "new")
