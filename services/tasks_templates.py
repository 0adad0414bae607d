"""Task templates: a task's text, checklist, group, people and settings kept under a
name; a task is made of one (/task from NAME), the team's are listed and deleted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.groups import Group
from models.tasks import ChecklistItem, TaskMember, TaskTemplate
from models.teams import User
from services.access import Actor, visible_groups
from services.errors import N_, DomainError, forbidden, not_found
from services.pagination import Page, paginate
from services.tasks import ACCOMPLICE, AUDITOR, clean_title, get_task


def template_key(name: str) -> str:
    return " ".join(name.split()).casefold()


async def save_template(
    session: AsyncSession, actor: Actor, task_id: int, name: str
) -> TaskTemplate:
    task = await get_task(session, actor, task_id)
    if actor.is_extranet:
        raise forbidden()
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise DomainError(N_("Name the template: at most 100 characters."))
    items = await session.execute(
        select(ChecklistItem.text)
        .where(ChecklistItem.task_id == task.id)
        .order_by(ChecklistItem.position)
    )
    template = await session.scalar(
        select(TaskTemplate).where(
            TaskTemplate.team_id == actor.team_id, TaskTemplate.name_key == template_key(name)
        )
    )
    if template is None:
        template = TaskTemplate(team_id=actor.team_id, name_key=template_key(name))
        session.add(template)
    elif template.created_by != actor.user_id and not actor.is_admin:
        # a colleague's template is theirs to replace (an admin's too)
        raise DomainError(
            N_("The template {name} is a colleague's. Save yours under another name."),
            name=template.name,
        )
    template.created_by = actor.user_id
    template.name = name
    template.title = clean_title(task.title)
    template.description = task.description
    template.checklist = "\n".join(items.scalars())
    # the people and settings too, as Bitrix24's templates keep them
    members = (
        await session.execute(select(TaskMember).where(TaskMember.task_id == task.id))
    ).scalars()
    roles: dict[str, list[str]] = {ACCOMPLICE: [], AUDITOR: []}
    for member in members:
        roles.setdefault(member.role, []).append(str(member.user_id))
    template.group_id = task.group_id
    template.responsible_id = task.responsible_id
    template.accomplices = ",".join(roles[ACCOMPLICE])[:500]
    template.auditors = ",".join(roles[AUDITOR])[:500]
    template.needs_approval = task.needs_approval
    template.responsible_may_change_deadline = task.responsible_may_change_deadline
    await session.flush()
    return template


@dataclass(frozen=True, slots=True)
class TemplateSetup:
    """What a task made of a template starts with besides its text: the group and
    people still there (a group archived or gone, a person who left, are left out)."""

    group_id: int | None
    responsible_id: int | None
    accomplices: list[int]
    auditors: list[int]
    needs_approval: bool
    responsible_may_change_deadline: bool


async def template_setup(
    session: AsyncSession, actor: Actor, template: TaskTemplate
) -> TemplateSetup:
    group = None
    if template.group_id is not None:
        group = await session.scalar(visible_groups(actor).where(Group.id == template.group_id))

    def ids(text: str | None) -> list[int]:
        return [int(part) for part in (text or "").split(",") if part.strip().isdigit()]

    wanted = ids(template.accomplices) + ids(template.auditors)
    if template.responsible_id is not None:
        wanted.append(template.responsible_id)
    active = set(
        (
            await session.execute(
                select(User.id).where(
                    User.id.in_(wanted), User.team_id == actor.team_id, User.active.is_(True)
                )
            )
        ).scalars()
    )
    responsible = template.responsible_id if template.responsible_id in active else None
    return TemplateSetup(
        group_id=group.id if group is not None else None,
        responsible_id=responsible,
        accomplices=[uid for uid in ids(template.accomplices) if uid in active],
        auditors=[uid for uid in ids(template.auditors) if uid in active],
        needs_approval=bool(template.needs_approval),
        responsible_may_change_deadline=template.responsible_may_change_deadline is not False,
    )


async def find_template(session: AsyncSession, actor: Actor, name: str) -> TaskTemplate:
    if actor.is_extranet:
        raise forbidden()
    template = await session.scalar(
        select(TaskTemplate).where(
            TaskTemplate.team_id == actor.team_id, TaskTemplate.name_key == template_key(name)
        )
    )
    if template is None:
        raise not_found()
    return template


async def templates_page(
    session: AsyncSession, actor: Actor, page: int = 1, per_page: int = 10
) -> Page[TaskTemplate]:
    """The team's templates by name, a page of them."""
    if actor.is_extranet:
        raise forbidden()
    query = (
        select(TaskTemplate)
        .where(TaskTemplate.team_id == actor.team_id)
        .order_by(TaskTemplate.name_key, TaskTemplate.id)
    )
    return await paginate(session, query, page, per_page)


async def get_template(session: AsyncSession, actor: Actor, template_id: int) -> TaskTemplate:
    if actor.is_extranet:
        raise forbidden()
    template = await session.get(TaskTemplate, template_id)
    if template is None or template.team_id != actor.team_id:
        raise not_found()
    return template


async def delete_template(session: AsyncSession, actor: Actor, template_id: int) -> TaskTemplate:
    """Who saved a template deletes it, or an admin."""
    template = await get_template(session, actor, template_id)
    if template.created_by != actor.user_id and not actor.is_admin:
        raise forbidden()
    await session.delete(template)
    await session.flush()
    return template


async def list_templates(session: AsyncSession, actor: Actor) -> list[TaskTemplate]:
    if actor.is_extranet:
        return []
    rows = await session.execute(
        select(TaskTemplate)
        .where(TaskTemplate.team_id == actor.team_id)
        .order_by(TaskTemplate.name_key)
        .limit(100)
    )
    return list(rows.scalars())
