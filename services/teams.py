"""Teams and membership: creating a team, joining it, leaving it, the admins' roles.
Who acts is resolved in services.teams_identity, invites are in services.teams_invites,
removing people in services.teams_removal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.teams import Identity, Role, Team, User
from services.access import Actor, get_team_user, require_admin
from services.errors import N_, DomainError, not_found
from services.menu import pin_defaults
from services.teams_identity import refuse_removed, resolve_actor

SUPPORTED_LOCALES = ("ru", "en")


@dataclass(frozen=True, slots=True)
class Newcomer:
    """What a platform tells about a person who writes for the first time."""

    platform: str
    external_id: str
    name: str
    username: str | None = None
    locale: str | None = None
    timezone: str | None = None
    chat_id: str | None = None
    guest: bool = False  # a Slack guest: an extranet member, never the team's founder
    team_name: str | None = None  # the workspace's name: a team made on first contact takes it
    # False: the platform could not say who this is just now (see Identity.profile_pending)
    profile_known: bool = True


def normalize_locale(code: str | None, default: str = "en") -> str:
    if not code:
        return default
    short = code.replace("_", "-").split("-")[0].lower()
    return short if short in SUPPORTED_LOCALES else default


async def _attach_identity(session: AsyncSession, user: User, who: Newcomer) -> None:
    session.add(
        Identity(
            user_id=user.id,
            platform=who.platform,
            external_id=who.external_id,
            chat_id=who.chat_id,
            profile_pending=not who.profile_known or None,
        )
    )
    await session.flush()


async def refresh_profile(session: AsyncSession, who: Newcomer) -> Actor | None:
    """A person who joined while the platform could not tell who they are takes their
    name, language and zone now that it does (nothing if already known)."""
    row = (
        await session.execute(
            select(User, Identity)
            .join(Identity, Identity.user_id == User.id)
            .where(
                Identity.platform == who.platform,
                Identity.external_id == who.external_id,
                Identity.profile_pending.is_(True),
            )
        )
    ).one_or_none()
    if row is None:
        return None
    user, identity = row
    user.name = who.name[:200]
    user.username = who.username or user.username
    if who.locale:
        user.locale = normalize_locale(who.locale, user.locale)
    if who.timezone:
        user.timezone = who.timezone
    identity.profile_pending = None
    await session.flush()
    return Actor.of(user)


async def create_team(
    session: AsyncSession,
    who: Newcomer,
    *,
    team_name: str | None = None,
    default_timezone: str = "UTC",
    default_locale: str = "en",
    external_key: str | None = None,
    quiet_hours: tuple[int, int] | None = None,
) -> Actor:
    """A new team whose first person is its admin; `quiet_hours` (start and end, minutes
    after midnight): its default quiet hours (services.notifications_quiet)."""
    if await resolve_actor(session, who.platform, who.external_id) is not None:
        raise DomainError(N_("You are already in a team."))
    await refuse_removed(session, who.platform, who.external_id)
    locale = normalize_locale(who.locale, default_locale)
    tz = who.timezone or default_timezone
    team = Team(
        name=(team_name or who.name)[:200],
        timezone=tz,
        locale=locale,
        external_key=external_key,
        quiet_start=quiet_hours[0] if quiet_hours else None,
        quiet_end=quiet_hours[1] if quiet_hours else None,
    )
    session.add(team)
    await session.flush()
    user = User(
        team_id=team.id,
        name=who.name[:200],
        username=who.username,
        role=Role.ADMIN.value,
        locale=locale,
        timezone=tz,
    )
    session.add(user)
    await session.flush()
    await _attach_identity(session, user, who)
    await pin_defaults(session, user.id)
    return Actor.of(user)


async def add_member(session: AsyncSession, team: Team, who: Newcomer, role: str) -> User:
    user = User(
        team_id=team.id,
        name=who.name[:200],
        username=who.username,
        role=role,
        locale=normalize_locale(who.locale, team.locale),
        timezone=who.timezone or team.timezone,
    )
    session.add(user)
    await session.flush()
    await _attach_identity(session, user, who)
    await pin_defaults(session, user.id)
    return user


async def join_team_workspace(
    session: AsyncSession,
    external_key: str,
    who: Newcomer,
    *,
    quiet_hours: tuple[int, int] | None = None,
) -> Actor:
    """A Slack person in a workspace that already is a team joins it as an employee (a
    guest of the workspace as an extranet member, in no group until an admin adds them);
    the first one makes the team (`quiet_hours`: its default ones, see create_team)."""
    team = (
        await session.execute(select(Team).where(Team.external_key == external_key))
    ).scalar_one_or_none()
    if team is None and who.guest:
        raise DomainError(
            N_(
                "Guests of this Slack workspace can use Planerka once one of its members "
                "has started it. Ask a member to write to the app first."
            )
        )
    if team is None:
        try:
            # a savepoint: when another process creates the team first, the unique
            # external_key refuses ours and this person joins theirs instead
            async with session.begin_nested():
                return await create_team(
                    session,
                    who,
                    team_name=who.team_name or external_key,
                    external_key=external_key,
                    quiet_hours=quiet_hours,
                )
        except IntegrityError:
            team = (
                await session.execute(select(Team).where(Team.external_key == external_key))
            ).scalar_one()
    existing = await resolve_actor(session, who.platform, who.external_id)
    if existing is not None:
        return existing
    await refuse_removed(session, who.platform, who.external_id)
    role = Role.EXTRANET if who.guest else Role.EMPLOYEE  # a guest sees only groups given
    user = await add_member(session, team, who, role.value)
    return Actor.of(user)


async def add_local_member(session: AsyncSession, actor: Actor, platform: str, name: str) -> Actor:
    """The console's /as: play another person of the actor's team, created if new."""
    external_id = name.strip().casefold()
    existing = await resolve_actor(session, platform, external_id)
    if existing is not None:
        if existing.team_id != actor.team_id:
            raise DomainError(N_("That name belongs to a person of another team."))
        return existing
    await refuse_removed(session, platform, external_id)
    team = await session.get(Team, actor.team_id)
    assert team is not None
    user = await add_member(
        session,
        team,
        Newcomer(
            platform=platform, external_id=external_id, name=name.strip(), locale=actor.locale
        ),
        Role.EMPLOYEE.value,
    )
    return Actor.of(user)


async def leave_own_team(session: AsyncSession, actor: Actor) -> str:
    """Someone alone in the team they made (by a plain /start, say, before their invite
    came) leaves it: the team goes, and they may join another. Returns its name."""
    team = await may_leave(session, actor)
    name = team.name
    from models.crm import CrmDeal, CrmDealItem

    # the one key that does not cascade: a deal's product line holds its product
    deals = select(CrmDeal.id).where(CrmDeal.team_id == team.id)
    await session.execute(delete(CrmDealItem).where(CrmDealItem.deal_id.in_(deals)))
    await session.delete(team)  # its people, identities and records go with it
    await session.flush()
    return name


async def may_leave(session: AsyncSession, actor: Actor) -> Team:
    """The team, when the actor may leave (and so delete) it: alone in a team that is
    not a Slack workspace's (that one is joined again on the next message)."""
    team = await session.get(Team, actor.team_id)
    assert team is not None
    if team.external_key:
        raise DomainError(N_("This team is your Slack workspace's: it cannot be left."))
    others = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.team_id == actor.team_id, User.id != actor.user_id)
    )
    if others:
        raise DomainError(
            N_("Only someone alone in a team can leave it this way; ask an admin to remove you.")
        )
    return team


async def count_members(session: AsyncSession, actor: Actor) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.team_id == actor.team_id, User.active.is_(True))
        )
        or 0
    )


async def name_workspace_team(session: AsyncSession, external_key: str, name: str) -> None:
    """A team made from a platform workspace takes the workspace's name, unless renamed."""
    name = name.strip()[:200]
    if not name:
        return
    await session.execute(
        update(Team)
        .where(Team.external_key == external_key, Team.name == external_key)
        .values(name=name)
    )


# -- the admins' side of the team: roles ----------------------------------------------


async def admins_left(session: AsyncSession, team_id: int, without: int) -> int:
    """Admins of the team other than `without`, counted under a lock on the team's row
    (an idle write: PostgreSQL locks the row, SQLite takes its writer) held until the
    change commits. Two admins demoting each other at once cannot both see the other
    still there: the second waits, then counts what the first left."""
    await session.execute(update(Team).where(Team.id == team_id).values(name=Team.name))
    return int(
        await session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.team_id == team_id,
                User.role == Role.ADMIN.value,
                User.active.is_(True),
                User.id != without,
            )
        )
        or 0
    )


async def set_role(session: AsyncSession, actor: Actor, user_id: int, role: str) -> User:
    """An admin makes an employee an admin or back. Extranet members stay what they are
    (they see only their groups); the last admin stays one."""
    require_admin(actor)
    if role not in (Role.ADMIN.value, Role.EMPLOYEE.value):
        raise DomainError(N_("A role is admin or employee."))
    user = await get_team_user(session, actor, user_id)
    if not user.active:
        raise not_found()
    if user.role == Role.EXTRANET.value:
        raise DomainError(
            N_("{person} is an extranet member: invite them as an employee instead."),
            person=user.name,
        )
    if role == Role.EMPLOYEE.value and user.role == Role.ADMIN.value:
        if not await admins_left(session, actor.team_id, without=user.id):
            raise DomainError(N_("The team needs at least one admin."))
    user.role = role
    await session.flush()
    return user
