"""Work on a task: comments with @mentions and checklists (time: services.tasks_timer)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.tasks import (
    ChecklistItem,
    Task,
    TaskComment,
    TaskDependency,
    TaskTimeEntry,
    TaskTimer,
)
from models.teams import User
from services.access import Actor
from services.errors import N_, DomainError, forbidden, not_found
from services.pagination import Page, paginate_rows
from services.tasks import (
    AUDITOR,
    add_member,
    can_manage,
    get_task,
    get_task_to_change,
    is_doer,
    outside_its_group,
)
from services.tasks_history import ITEM_DELETED, ITEM_DONE, ITEM_UNDONE, record
from services.users import find_people

COMMENT_MAX = 10000
ITEM_MAX = 500
CHECKLIST_MAX = 100

_MENTION = re.compile(r"(?<![\w@])@([\w.\-]+)", re.UNICODE)  # not "ann@mail.ru"
_CYRILLIC = re.compile(r"[а-яё]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Mentions:
    """What a comment's @names came to: who hears of it, and who does not, and why."""

    told: list[User]  # may see the task (or were made its observers by the mention)
    unknown: list[str] = field(default_factory=list)  # @names of nobody in the team
    several: list[str] = field(default_factory=list)  # @names several people share
    unseen: list[User] = field(default_factory=list)  # may not see it; the author may not add
    # extranet members outside the task's group: nobody may add them
    barred: list[User] = field(default_factory=list)


async def _person_named(session: AsyncSession, actor: Actor, token: str) -> list[User]:
    """The people an @name means; a Russian name said in a case ("@Глебу", "@Жанне") is
    its person when one name starts with what is left without the ending."""
    # an exact @username is its person's, as the platform itself reads a mention
    people = await find_people(session, actor, token, handle=True)
    if people or not _CYRILLIC.fullmatch(token):
        return people
    for cut in (1, 2):
        stem = token[:-cut].casefold().replace("ё", "е")
        if len(stem) < 3:
            break
        named = [
            user
            for user in await find_people(session, actor, stem)
            if user.name.casefold().replace("ё", "е").startswith(stem)
        ]
        if named:
            return named
    return []


async def mentioned(session: AsyncSession, actor: Actor, text: str) -> Mentions:
    """People the @names in the text point at, and the @names that point at nobody or
    at several people."""
    found: dict[int, User] = {}
    unknown: list[str] = []
    several: list[str] = []
    for token in dict.fromkeys(t.rstrip(".-") for t in _MENTION.findall(text)):
        people = await _person_named(session, actor, token)
        if len(people) == 1:
            found[people[0].id] = people[0]
        else:
            (several if people else unknown).append(token)
    return Mentions(list(found.values()), unknown, several)


async def add_comment(
    session: AsyncSession,
    actor: Actor,
    task_id: int,
    text: str,
    *,
    reply_to_id: int | None = None,
    attachment: str | None = None,
) -> tuple[Task, TaskComment, Mentions]:
    """Anyone who sees a task may comment; returns what its @mentions came to."""
    task = await get_task_to_change(session, actor, task_id)
    text = text.strip()
    if not text and not attachment:
        raise DomainError(N_("A comment cannot be empty."))
    if len(text) > COMMENT_MAX:
        raise DomainError(N_("A comment may have at most {limit} characters."), limit=COMMENT_MAX)
    if reply_to_id is not None:
        parent = await session.get(TaskComment, reply_to_id)
        if parent is None or parent.task_id != task.id:
            raise not_found()
    comment = TaskComment(
        task_id=task.id,
        author_id=actor.user_id,
        reply_to_id=reply_to_id,
        text=text,
        attachment=attachment,
        created_at=utcnow(),
    )
    session.add(comment)
    await session.flush()
    said = await mentioned(session, actor, text)
    told, unseen, barred = await _reachable(session, actor, task, said.told)
    return task, comment, Mentions(told, said.unknown, said.several, unseen, barred)


async def _reachable(
    session: AsyncSession, actor: Actor, task: Task, people: list[User]
) -> tuple[list[User], list[User], list[User]]:
    """Mentioned people who may see the task, those who may not, and those nobody may
    add to it (extranet members outside its group). Those who may not see it become
    observers when the author may add people (creator, admin, responsible); otherwise
    they are left out (and said), so a mention never leaks a task."""
    out: list[User] = []
    unseen: list[User] = []
    barred: list[User] = []
    for user in people:
        try:
            await get_task(session, Actor.of(user), task.id)
        except DomainError:
            if await outside_its_group(session, user, task.group_id):
                barred.append(user)
                continue
            if not (can_manage(actor, task) or task.responsible_id == actor.user_id):
                unseen.append(user)
                continue
            try:
                await add_member(session, actor, task.id, user.id, AUDITOR)
            except DomainError:
                unseen.append(user)
                continue
        out.append(user)
    return out, unseen, barred


async def comments(
    session: AsyncSession, actor: Actor, task_id: int, *, page: int = 1, per_page: int = 5
) -> tuple[Task, Page[tuple[TaskComment, str]]]:
    """Newest first, with the author's name."""
    task = await get_task(session, actor, task_id)
    query = (
        select(TaskComment, User.name)
        .join(User, User.id == TaskComment.author_id)
        .where(TaskComment.task_id == task.id)
        .order_by(TaskComment.id.desc())
    )
    return task, await paginate_rows(session, query, page, per_page)


async def get_comment(
    session: AsyncSession, actor: Actor, comment_id: int
) -> tuple[Task, TaskComment, str]:
    """One comment of a task the actor sees, with its author's name."""
    comment = await session.get(TaskComment, comment_id)
    if comment is None:
        raise not_found()
    task = await get_task(session, actor, comment.task_id)
    author = await db.get(session, User, comment.author_id)
    return task, comment, author.name if author is not None else ""


@dataclass(frozen=True, slots=True)
class CardFacts:
    checklist_done: int
    checklist_total: int
    seconds: int
    comments: int
    timer_here: bool  # the actor's running timer is on this task
    subtasks_open: int = 0
    subtasks_total: int = 0
    waits_for: int = 0  # the tasks it starts after


def _card_facts_statement() -> Any:
    task_id: Any = bindparam("task_id")
    user_id: Any = bindparam("user_id")

    def count(model: Any, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    seconds = (
        select(func.coalesce(func.sum(TaskTimeEntry.seconds), 0))
        .where(TaskTimeEntry.task_id == task_id)
        .scalar_subquery()
    )
    return select(
        count(ChecklistItem, ChecklistItem.task_id == task_id, ChecklistItem.done),
        count(ChecklistItem, ChecklistItem.task_id == task_id),
        seconds,
        count(TaskComment, TaskComment.task_id == task_id),
        count(TaskTimer, TaskTimer.user_id == user_id, TaskTimer.task_id == task_id),
        count(Task, Task.parent_id == task_id, Task.is_open),
        count(Task, Task.parent_id == task_id),
        count(TaskDependency, TaskDependency.successor_id == task_id),
    )


# built once: every task card runs it
_CARD_FACTS = _card_facts_statement()
NOTHING_YET = CardFacts(0, 0, 0, 0, False)  # a task just created


async def card_facts(session: AsyncSession, actor: Actor, task: Task) -> CardFacts:
    """What a task card counts, in one query, for a task the caller loaded through
    an access check (get_task) or has just created."""
    row = (await session.execute(_CARD_FACTS, {"task_id": task.id, "user_id": actor.user_id})).one()
    return CardFacts(
        checklist_done=int(row[0]),
        checklist_total=int(row[1]),
        seconds=int(row[2]),
        comments=int(row[3]),
        timer_here=bool(row[4]),
        subtasks_open=int(row[5]),
        subtasks_total=int(row[6]),
        waits_for=int(row[7]),
    )


# -- checklists ---------------------------------------------------------------


async def editable(session: AsyncSession, actor: Actor, task_id: int) -> Task:
    task = await get_task_to_change(session, actor, task_id)
    if not (can_manage(actor, task) or await is_doer(session, actor, task)):
        raise forbidden()
    return task


async def checklist(session: AsyncSession, actor: Actor, task_id: int) -> list[ChecklistItem]:
    task = await get_task(session, actor, task_id)
    rows = await session.execute(
        select(ChecklistItem)
        .where(ChecklistItem.task_id == task.id)
        .order_by(ChecklistItem.position, ChecklistItem.id)
    )
    return list(rows.scalars())


_ITEM_MARK = re.compile(r"^\s*(?:[-*•–—]|\[\s?[xх]?\s?\]|\d{1,3}[.)])\s+", re.IGNORECASE)


def split_items(text: str) -> list[str]:
    """Checklist items as people type them: separated by ";" or one per line, with
    or without list marks ("- milk", "1. bread", "[ ] eggs")."""
    return [_ITEM_MARK.sub("", part) for line in text.splitlines() for part in line.split(";")]


async def add_items(
    session: AsyncSession, actor: Actor, task_id: int, texts: list[str]
) -> list[ChecklistItem]:
    task = await editable(session, actor, task_id)
    items = [" ".join(t.split()) for t in texts if t.strip()]
    if not items:
        raise DomainError(N_("Type the checklist item."))
    for text in items:
        if len(text) > ITEM_MAX:
            raise DomainError(
                N_("A checklist item may have at most {limit} characters."), limit=ITEM_MAX
            )
    count = int(
        await session.scalar(
            select(func.count()).select_from(ChecklistItem).where(ChecklistItem.task_id == task.id)
        )
        or 0
    )
    if count + len(items) > CHECKLIST_MAX:
        raise DomainError(N_("A checklist may have at most {limit} items."), limit=CHECKLIST_MAX)
    added = []
    for offset, text in enumerate(items):
        item = ChecklistItem(task_id=task.id, text=text, done=False, position=count + offset)
        session.add(item)
        added.append(item)
    await session.flush()
    return added


async def _item(session: AsyncSession, actor: Actor, item_id: int) -> ChecklistItem:
    item = await session.get(ChecklistItem, item_id)
    if item is None:
        raise not_found()
    await editable(session, actor, item.task_id)
    return item


async def toggle_item(session: AsyncSession, actor: Actor, item_id: int) -> ChecklistItem:
    """Tick or untick an item, kept in the task's history."""
    item = await _item(session, actor, item_id)
    item.done = not item.done
    await record(session, actor, item.task_id, ITEM_DONE if item.done else ITEM_UNDONE, item.text)
    return item


async def get_item(session: AsyncSession, actor: Actor, item_id: int) -> ChecklistItem:
    """An item of a checklist the actor works on (to ask before deleting it)."""
    return await _item(session, actor, item_id)


async def delete_item(session: AsyncSession, actor: Actor, item_id: int) -> int:
    """Delete an item, kept in the task's history; the task's id."""
    item = await _item(session, actor, item_id)
    task_id = item.task_id
    await record(session, actor, task_id, ITEM_DELETED, item.text)
    await session.execute(delete(ChecklistItem).where(ChecklistItem.id == item.id))
    await session.flush()
    return task_id
