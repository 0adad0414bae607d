"""One person on several platforms: a one-time code asked for on one (/me link) and typed
on another makes that account the same person's. Only a hash of the code is kept; it
lasts a few minutes and is used once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db, load_all
from models.base import Base, utcnow
from models.groups import GroupMember
from models.teams import Identity, LinkCode, Role, Team, User
from services.access import Actor
from services.errors import N_, DomainError
from services.teams import admins_left

CODE_TTL = timedelta(minutes=10)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off one screen, typed on another
_LENGTH = 8

# what every person has from joining (settings, menus, what they were sent, the groups
# they were invited to): not work of their own that linking would leave behind
_NOT_WORK = frozenset(
    {
        "users",
        "identities",
        "link_codes",
        "menu_pins",
        "notification_settings",
        "notification_mutes",
        "notifications",
        "reminder_settings",
        "reminder_rules",
        "calendar_settings",
        "calendar_feed_tokens",
        "outbox",
        "plan_columns",
        "work_schedules",
        "group_members",
        "post_recipients",
        "post_reads",
        "event_attendees",
        "crm_grants",
    }
)


@dataclass(frozen=True, slots=True)
class Account:
    """The account a code is typed from."""

    platform: str
    external_id: str
    chat_id: str | None = None  # its private chat, when typed there
    team_key: str | None = None  # a Slack workspace's id: its accounts are that team's


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def looks_like_code(text: str) -> bool:
    """Whether the text is a link code's shape (an invite code is longer)."""
    code = _normal(text)
    return len(code) == _LENGTH and all(ch in _ALPHABET for ch in code)


async def new_code(session: AsyncSession, actor: Actor) -> str:
    """A fresh code for the actor; their earlier ones, and everyone's expired, go."""
    now = utcnow()
    await session.execute(
        delete(LinkCode).where(or_(LinkCode.user_id == actor.user_id, LinkCode.expires_at <= now))
    )
    code = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    session.add(LinkCode(user_id=actor.user_id, code_hash=_hash(code), expires_at=now + CODE_TTL))
    await session.flush()
    return f"{code[:4]}-{code[4:]}"


async def has_work(session: AsyncSession, user_id: int) -> bool:
    """Whether anything in the workspace besides joining's own rows is this person's:
    tasks, comments, time, events, posts, CRM records, reports, people reporting to them."""
    load_all()  # every table that may point at a person
    if await session.scalar(select(exists().where(User.supervisor_id == user_id))):
        return True  # people report to them: a place in the team, not an empty login
    for table in Base.metadata.sorted_tables:
        if table.name in _NOT_WORK:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != "users":
                continue
            found = await session.scalar(select(exists().where(fk.parent == user_id)))
            if found:
                return True
    return False


async def _keeps_account(session: AsyncSession, person: User) -> bool:
    """Whether the person an account is must stay: they have work of their own, or run
    a team of others as its only admin."""
    if await has_work(session, person.id):
        return True
    if person.role != Role.ADMIN.value or await admins_left(session, person.team_id, person.id):
        return False
    others = select(User.id).where(User.team_id == person.team_id, User.id != person.id)
    return bool(await session.scalar(select(exists(others))))


async def _take_groups(session: AsyncSession, from_id: int, to_id: int) -> None:
    """The groups one login of a person was in, now the person's (as a member; the
    groups they are in already stay as they are)."""
    theirs = select(GroupMember.group_id).where(GroupMember.user_id == to_id)
    for member in await session.scalars(
        select(GroupMember).where(
            GroupMember.user_id == from_id, GroupMember.group_id.not_in(theirs)
        )
    ):
        session.add(GroupMember(group_id=member.group_id, user_id=to_id, role=member.role))
    await session.flush()


async def _forget(session: AsyncSession, person: User) -> None:
    """A person with nothing of their own is gone, and the team only they were in."""
    team = await session.get(Team, person.team_id)
    await session.delete(person)
    await session.flush()
    if team is not None and not await session.scalar(
        select(exists().where(User.team_id == team.id))
    ):
        await session.delete(team)
        await session.flush()


async def link_account(session: AsyncSession, code: str, account: Account) -> User:
    """The account becomes the person's whose code it is. The code is used up. A person
    the account was before, with nothing of their own, is gone; one with work of their
    own (in any team) keeps the account, and the person is told why."""
    row = await session.scalar(
        select(LinkCode).where(LinkCode.code_hash == _hash(code), LinkCode.expires_at > utcnow())
    )
    if row is None:
        raise DomainError(
            N_("This link code is not valid or has expired. Ask for a new one with /me link.")
        )
    user = await db.get(session, User, row.user_id)
    await session.delete(row)  # used once, whatever comes of it
    await session.flush()
    if user is None or not user.active:
        raise DomainError(
            N_("This link code is not valid or has expired. Ask for a new one with /me link.")
        )
    team = await session.get(Team, user.team_id)
    assert team is not None
    if account.team_key is not None and team.external_key != account.team_key:
        raise DomainError(
            N_(
                "A Slack account belongs to the team of its workspace, and {team} is "
                "another team: it cannot be linked there."
            ),
            team=team.name,
        )
    identity = await session.scalar(
        select(Identity).where(
            Identity.platform == account.platform, Identity.external_id == account.external_id
        )
    )
    if identity is not None and identity.user_id == user.id:
        raise DomainError(N_("This account is already yours."))
    if identity is None:
        session.add(
            Identity(
                user_id=user.id,
                platform=account.platform,
                external_id=account.external_id,
                chat_id=account.chat_id,
            )
        )
        await session.flush()
        return user
    before = await db.get(session, User, identity.user_id)
    if before is not None:
        if await _keeps_account(session, before):
            elsewhere = await session.get(Team, before.team_id)
            raise DomainError(
                N_(
                    "This account is {name} of the team {team}, who has tasks or other work "
                    "there; it stays theirs. Link from an account nobody works from yet."
                ),
                name=before.name,
                team=elsewhere.name if elsewhere is not None else "",
            )
        identity.user_id = user.id
        await session.flush()
        if not await session.scalar(select(exists().where(Identity.user_id == before.id))):
            if before.team_id == user.team_id:  # the groups an admin put that login in
                await _take_groups(session, before.id, user.id)
            await _forget(session, before)  # the empty second person the account made
    identity.active = True
    identity.chat_id = account.chat_id or identity.chat_id
    await session.flush()
    return user
