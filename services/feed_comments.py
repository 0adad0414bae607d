"""Comments on feed posts: writing, changing and deleting them, who commented, their pages."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.feed import Post, PostComment
from models.teams import User
from services import notifications
from services.access import Actor
from services.errors import N_, DomainError, not_found
from services.feed import get_post, get_post_to_change, may_read
from services.pagination import Page, paginate_rows

COMMENT_MAX = 2000


async def add_comment(
    session: AsyncSession, actor: Actor, post_id: int, text: str
) -> tuple[Post, PostComment]:
    post = await get_post_to_change(session, actor, post_id)
    text = text.strip()
    if not text:
        raise DomainError(N_("Write the comment text."))
    comment = PostComment(post_id=post.id, author_id=actor.user_id, text=text[:COMMENT_MAX])
    session.add(comment)
    await session.flush()
    return post, comment


async def get_comment(
    session: AsyncSession, actor: Actor, comment_id: int, *, deleting: bool = False
) -> tuple[Post, PostComment]:
    """A comment the actor may change: their own on a post they see (an admin may also
    delete anyone's)."""
    comment = await session.get(PostComment, comment_id)
    if comment is None:
        raise not_found()
    post = await get_post_to_change(session, actor, comment.post_id)
    if comment.author_id != actor.user_id and not (deleting and actor.is_admin):
        raise DomainError(N_("Only its author can change a comment."))
    return post, comment


async def update_comment(
    session: AsyncSession, actor: Actor, comment_id: int, text: str
) -> tuple[Post, PostComment]:
    post, comment = await get_comment(session, actor, comment_id)
    text = text.strip()
    if not text:
        raise DomainError(N_("Write the comment text."))
    comment.text = text[:COMMENT_MAX]
    await session.flush()
    return post, comment


async def delete_comment(session: AsyncSession, actor: Actor, comment_id: int) -> Post:
    """Delete a comment; the notices about it leave the notification centres."""
    post, comment = await get_comment(session, actor, comment_id, deleting=True)
    await notifications.forget_item(session, post.team_id, comment_ref(post.id, comment.id))
    await session.delete(comment)
    await session.flush()
    return post


def comment_ref(post_id: int, comment_id: int) -> str:
    """What a notice about a comment is about: "post:12:345" (its item: the post)."""
    return f"post:{post_id}:{comment_id}"


async def comments(
    session: AsyncSession, post_id: int, limit: int = 5
) -> list[tuple[PostComment, str]]:
    rows = await session.execute(
        select(PostComment, User.name)
        .outerjoin(User, User.id == PostComment.author_id)
        .where(PostComment.post_id == post_id)
        .order_by(PostComment.created_at.desc(), PostComment.id.desc())
        .limit(limit)
    )
    return [(c, n or "?") for c, n in reversed(rows.all())]


async def commenters(session: AsyncSession, post: Post) -> list[int]:
    """The author and everyone who commented, among those who may still read the post
    (someone who left the group does not go on hearing its comments)."""
    ids = set(
        (
            await session.execute(
                select(PostComment.author_id).where(
                    PostComment.post_id == post.id, PostComment.author_id.is_not(None)
                )
            )
        ).scalars()
    )
    if post.author_id is not None:
        ids.add(post.author_id)
    people = (await session.execute(select(User).where(User.id.in_(ids)))).scalars().all()
    return sorted([u.id for u in people if await may_read(session, u, post.id)])


async def comment_count(session: AsyncSession, post_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(PostComment).where(PostComment.post_id == post_id)
        )
        or 0
    )


async def comment_page(
    session: AsyncSession, actor: Actor, post_id: int, page: int, per_page: int
) -> tuple[Post, Page[tuple[PostComment, str]]]:
    """All comments of a post, oldest first, one page."""
    post = await get_post(session, actor, post_id)
    query = (
        select(PostComment, User.name)
        .outerjoin(User, User.id == PostComment.author_id)
        .where(PostComment.post_id == post.id)
        .order_by(PostComment.created_at, PostComment.id)
    )
    found = await paginate_rows(session, query, page, per_page)
    return post, replace(found, items=[(c, n or "?") for c, n in found.items])
