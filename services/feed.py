"""The feed: posts to the team, a group or chosen people; comments (services.feed_comments),
likes, "I have read it" on important posts, and sharing.

Visibility: the author; everyone but extranet members for team-wide posts; the
group's members for group posts; the recipients for posts to people (sharing a
post adds the person it is shared with to its recipients).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.feed import Poll, Post, PostComment, PostLike, PostRead, PostRecipient
from models.groups import Group, GroupMember
from models.teams import Role, User
from services import notifications
from services.access import (
    Actor,
    ensure_group_writable,
    get_readable_group,
    get_team_user,
    get_writable_group,
    member_group_ids,
)
from services.errors import N_, DomainError, not_found
from services.pagination import Page, paginate

TEXT_MAX = 3500  # a post and its header fit one message (Telegram: 4096)


def visible_posts(actor: Actor) -> Any:
    shared = select(PostRecipient.post_id).where(PostRecipient.user_id == actor.user_id)
    conds = [
        Post.author_id == actor.user_id,
        and_(Post.audience == "group", Post.group_id.in_(member_group_ids(actor))),
        Post.id.in_(shared),
    ]
    if not actor.is_extranet:
        conds.append(Post.audience == "all")
    return and_(Post.team_id == actor.team_id, or_(*conds))


async def get_post(session: AsyncSession, actor: Actor, post_id: int) -> Post:
    post = (
        await session.execute(select(Post).where(Post.id == post_id, visible_posts(actor)))
    ).scalar_one_or_none()
    if post is None:
        raise not_found()
    return post


async def get_post_to_change(session: AsyncSession, actor: Actor, post_id: int) -> Post:
    """A post the actor sees, to like, comment on, vote in, share or change: refused
    while the group it went to is archived. Who may make the change is the caller's."""
    post = await get_post(session, actor, post_id)
    await ensure_group_writable(session, actor, post.group_id)
    return post


def clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(N_("What do you want to post? Write the text after the command."))
    if len(text) > TEXT_MAX:
        raise DomainError(N_("A post may have at most {limit} characters."), limit=TEXT_MAX)
    return text


async def create_post(
    session: AsyncSession,
    actor: Actor,
    text: str,
    *,
    group_id: int | None = None,
    people_ids: Sequence[int] = (),
    important: bool = False,
) -> tuple[Post, list[User]]:
    """A new post and the people it reaches (the author excluded)."""
    text = clean_text(text)
    if group_id is not None:
        await get_writable_group(session, actor, group_id)
        if await session.get(GroupMember, (group_id, actor.user_id)) is None:
            raise DomainError(N_("Join the group first to post in it."))
        audience = "group"
    elif people_ids:
        audience = "people"
    else:
        if actor.is_extranet:
            raise DomainError(
                N_("Name your group with #group: outside members write only to their groups.")
            )
        audience = "all"
    people: dict[int, User] = {}
    for user_id in people_ids:
        user = await get_team_user(session, actor, user_id)
        if user.id != actor.user_id:
            people[user.id] = user
    post = Post(
        team_id=actor.team_id,
        author_id=actor.user_id,
        audience=audience,
        group_id=group_id,
        text=text,
        important=important,
    )
    session.add(post)
    await session.flush()
    for user in people.values():
        session.add(PostRecipient(post_id=post.id, user_id=user.id))
    await session.flush()
    return post, await audience_of(session, post)


async def audience_of(session: AsyncSession, post: Post) -> list[User]:
    """Everyone a post reaches, except its author."""
    query = select(User).where(User.team_id == post.team_id, User.active.is_(True))
    if post.audience == "all":
        query = query.where(User.role != Role.EXTRANET.value)
    else:  # the group's members or the chosen people, and whom the post was shared with
        shared: ColumnElement[bool] = User.id.in_(
            select(PostRecipient.user_id).where(PostRecipient.post_id == post.id)
        )
        if post.audience == "group":
            members = select(GroupMember.user_id).where(GroupMember.group_id == post.group_id)
            shared = or_(User.id.in_(members), shared)
        query = query.where(shared)
    if post.author_id is not None:
        query = query.where(User.id != post.author_id)
    return list((await session.execute(query.order_by(User.name))).scalars())


async def list_feed(
    session: AsyncSession,
    actor: Actor,
    *,
    page: int = 1,
    per_page: int = 8,
    group_id: int | None = None,
) -> Page[Post]:
    query = select(Post).where(visible_posts(actor))
    if group_id is not None:
        await get_readable_group(session, actor, group_id)
        query = query.where(Post.group_id == group_id)
    return await paginate(
        session, query.order_by(Post.created_at.desc(), Post.id.desc()), page, per_page
    )


async def toggle_like(session: AsyncSession, actor: Actor, post_id: int) -> tuple[Post, bool]:
    post = await get_post_to_change(session, actor, post_id)
    existing = await session.get(PostLike, (post.id, actor.user_id))
    if existing is not None:
        await session.delete(existing)
        await session.flush()
        return post, False
    session.add(PostLike(post_id=post.id, user_id=actor.user_id))
    await session.flush()
    return post, True


async def mark_read(session: AsyncSession, actor: Actor, post_id: int) -> Post:
    post = await get_post(session, actor, post_id)
    if not post.important:
        raise DomainError(N_("Only important posts ask for a read receipt."))
    if await session.get(PostRead, (post.id, actor.user_id)) is None:
        session.add(PostRead(post_id=post.id, user_id=actor.user_id))
        await session.flush()
    return post


async def has_read(session: AsyncSession, post_id: int, user_id: int) -> bool:
    return await session.get(PostRead, (post_id, user_id)) is not None


async def readers(
    session: AsyncSession, actor: Actor, post_id: int
) -> tuple[Post, list[User], list[User]]:
    """(post, who has read it, who has not) — for its author or an admin."""
    post = await get_post(session, actor, post_id)
    if post.author_id != actor.user_id and not actor.is_admin:
        raise DomainError(N_("Only the author sees who has read the post."))
    everyone = await audience_of(session, post)
    read_ids = set(
        (
            await session.execute(select(PostRead.user_id).where(PostRead.post_id == post.id))
        ).scalars()
    )
    return (
        post,
        [u for u in everyone if u.id in read_ids],
        [u for u in everyone if u.id not in read_ids],
    )


async def update_post(session: AsyncSession, actor: Actor, post_id: int, text: str) -> Post:
    """The author corrects the text of a post (a poll's question stays: votes were given
    to it)."""
    post = await get_post_to_change(session, actor, post_id)
    if post.author_id != actor.user_id:
        raise DomainError(N_("Only the author can edit the post."))
    if await session.scalar(select(Poll.id).where(Poll.post_id == post.id)) is not None:
        raise DomainError(
            N_("A poll cannot be edited: votes go to its question. Delete it and ask again.")
        )
    post.text = clean_text(text)
    await session.flush()
    return post


async def may_read(session: AsyncSession, user: User, post_id: int) -> bool:
    """Whether a person may read a post now: a group post only while in the group, a
    post to people only while among them (a notice quotes the post)."""
    if not user.active:
        return False
    try:
        await get_post(session, Actor.of(user), post_id)
    except DomainError:
        return False
    return True


async def counts(session: AsyncSession, post_id: int) -> tuple[int, int, int]:
    """(likes, comments, reads)."""
    likes = await session.scalar(
        select(func.count()).select_from(PostLike).where(PostLike.post_id == post_id)
    )
    notes = await session.scalar(
        select(func.count()).select_from(PostComment).where(PostComment.post_id == post_id)
    )
    reads = await session.scalar(
        select(func.count()).select_from(PostRead).where(PostRead.post_id == post_id)
    )
    return int(likes or 0), int(notes or 0), int(reads or 0)


async def share_post(
    session: AsyncSession, actor: Actor, post_id: int, user_ids: Sequence[int]
) -> tuple[Post, list[int]]:
    """Let people see a post: they become its recipients. Returns the post and those it
    was new to; its author and who could read it already are left out (a team-wide post
    is new to nobody in the team)."""
    post = await get_post_to_change(session, actor, post_id)
    added: list[int] = []
    for user_id in user_ids:
        user = await get_team_user(session, actor, user_id)
        if user.id == post.author_id or await may_read(session, user, post.id):
            continue
        if user.role == Role.EXTRANET.value and not (
            post.audience == "group"
            and await session.get(GroupMember, (post.group_id, user.id)) is not None
        ):
            raise DomainError(
                N_("{person} is an extranet member and sees only their groups' posts."),
                person=user.name,
            )
        session.add(PostRecipient(post_id=post.id, user_id=user.id))
        added.append(user.id)
    await session.flush()
    return post, added


async def closed_group_of(session: AsyncSession, post: Post) -> Group | None:
    """The closed group a post was written for, or None: a post of an open group, to the
    team or to people is not kept in (sharing it out is nothing its author must hear)."""
    if post.audience != "group" or post.group_id is None:
        return None
    group = await session.get(Group, post.group_id)
    return group if group is not None and not group.is_open else None


async def deletable(session: AsyncSession, actor: Actor, post_id: int) -> Post:
    """A post the actor may delete: their own, or any for an admin."""
    post = await get_post_to_change(session, actor, post_id)
    if post.author_id != actor.user_id and not actor.is_admin:
        raise DomainError(N_("Only the author can delete the post."))
    return post


async def delete_post(session: AsyncSession, actor: Actor, post_id: int) -> Post:
    """Delete a post (a poll's too) with its comments, likes and votes; the notices about
    it leave every notification centre and those not yet sent are called off. Returns
    the deleted post (detached), to tell its author."""
    post = await deletable(session, actor, post_id)
    await notifications.forget_item(session, post.team_id, f"post:{post.id}")
    session.expunge(post)
    await session.execute(delete(Post).where(Post.id == post.id))
    await session.flush()
    return post
