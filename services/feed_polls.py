"""Polls: single or multiple choice, anonymous or not, an optional deadline; a poll
lives in a post, so it has the post's audience, visibility and comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.feed import Poll, PollOption, PollVote, Post
from models.teams import User
from services import feed
from services.access import Actor, ensure_group_writable
from services.errors import N_, DomainError, not_found

OPTIONS_MAX = 10
OPTION_MAX = 200
# a deadline passed longer ago (the scheduler was down) closes the poll without a word
ANNOUNCE_CATCH_UP = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Result:
    option: PollOption
    votes: int
    voters: list[str]  # empty for anonymous polls


async def create_poll(
    session: AsyncSession,
    actor: Actor,
    question: str,
    options: Sequence[str],
    *,
    multiple: bool = False,
    anonymous: bool = False,
    deadline: datetime | None = None,
    group_id: int | None = None,
    people_ids: Sequence[int] = (),
) -> tuple[Poll, Post, list[User]]:
    question = " ".join(question.split())
    if not question:
        raise DomainError(N_("What is the question? /poll Question? | Option 1 | Option 2"))
    cleaned = [" ".join(o.split())[:OPTION_MAX] for o in options if o.strip()]
    if len(cleaned) < 2:
        raise DomainError(
            N_(
                "A poll needs at least two options. What are they? /poll Question? | Option 1 | Option 2"
            )
        )
    if len(cleaned) > OPTIONS_MAX:
        raise DomainError(N_("A poll may have at most {n} options."), n=OPTIONS_MAX)
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise DomainError(N_("Two options are the same. Which ones did you mean?"))
    if deadline is not None and deadline <= utcnow():
        raise DomainError(N_("The deadline has already passed. When should voting end?"))
    post, reached = await feed.create_post(
        session, actor, question[:300], group_id=group_id, people_ids=people_ids
    )
    poll = Poll(
        post_id=post.id,
        question=question[:300],
        multiple=multiple,
        anonymous=anonymous,
        deadline=deadline,
    )
    session.add(poll)
    await session.flush()
    for index, text in enumerate(cleaned):
        session.add(PollOption(poll_id=poll.id, position=index, text=text))
    await session.flush()
    return poll, post, reached


async def poll_of_post(session: AsyncSession, post_id: int) -> Poll | None:
    return (await session.execute(select(Poll).where(Poll.post_id == post_id))).scalar_one_or_none()


async def get_poll(session: AsyncSession, actor: Actor, poll_id: int) -> tuple[Poll, Post]:
    poll = await session.get(Poll, poll_id)
    if poll is None:
        raise not_found()
    post = await feed.get_post(session, actor, poll.post_id)
    return poll, post


def is_open(poll: Poll) -> bool:
    return not poll.closed and (poll.deadline is None or poll.deadline > utcnow())


async def _open_poll(session: AsyncSession, actor: Actor, poll_id: int) -> Poll:
    poll, post = await get_poll(session, actor, poll_id)
    await ensure_group_writable(session, actor, post.group_id)
    if not is_open(poll):
        raise DomainError(N_("Voting in this poll is over."))
    return poll


async def vote(
    session: AsyncSession, actor: Actor, poll_id: int, option_id: int
) -> tuple[Poll, PollOption, bool]:
    """Vote for an option: (poll, option, whether anything changed). Several answers: a
    press toggles the option. One answer: a press moves the vote there, and a press on
    the option already chosen keeps it (a double click does not take a vote back;
    `withdraw` does)."""
    poll = await _open_poll(session, actor, poll_id)
    option = await session.get(PollOption, option_id)
    if option is None or option.poll_id != poll.id:
        raise not_found()
    existing = await session.get(PollVote, (option.id, actor.user_id))
    if not poll.multiple and existing is not None:
        return poll, option, False
    if existing is not None:
        await session.delete(existing)
    else:
        if not poll.multiple:
            await withdraw(session, actor, poll.id)
        session.add(PollVote(option_id=option.id, user_id=actor.user_id, poll_id=poll.id))
    await session.flush()
    return poll, option, True


async def withdraw(session: AsyncSession, actor: Actor, poll_id: int) -> Poll:
    """Take back one's votes in an open poll."""
    poll = await _open_poll(session, actor, poll_id)
    await session.execute(
        delete(PollVote).where(PollVote.poll_id == poll.id, PollVote.user_id == actor.user_id)
    )
    await session.flush()
    return poll


async def results(session: AsyncSession, poll: Poll) -> list[Result]:
    options = list(
        (
            await session.execute(
                select(PollOption)
                .where(PollOption.poll_id == poll.id)
                .order_by(PollOption.position)
            )
        ).scalars()
    )
    rows = (
        await session.execute(
            select(PollVote.option_id, User.name)
            .join(User, User.id == PollVote.user_id)
            .where(PollVote.poll_id == poll.id)
            .order_by(User.name)
        )
    ).all()
    by_option: dict[int, list[str]] = {}
    for option_id, name in rows:
        by_option.setdefault(option_id, []).append(name)
    return [
        Result(o, len(by_option.get(o.id, [])), [] if poll.anonymous else by_option.get(o.id, []))
        for o in options
    ]


async def my_votes(session: AsyncSession, actor: Actor, poll: Poll) -> set[int]:
    rows = await session.execute(
        select(PollVote.option_id).where(
            PollVote.poll_id == poll.id, PollVote.user_id == actor.user_id
        )
    )
    return set(rows.scalars())


async def close(session: AsyncSession, actor: Actor, poll_id: int) -> tuple[Poll, Post]:
    poll, post = await get_poll(session, actor, poll_id)
    await ensure_group_writable(session, actor, post.group_id)
    if post.author_id != actor.user_id and not actor.is_admin:
        raise DomainError(N_("Only the author can close the poll."))
    poll.closed = True
    await session.flush()
    return poll, post


def winners(found: list[Result]) -> list[Result]:
    top = max((r.votes for r in found), default=0)
    return [r for r in found if r.votes == top and top > 0]


async def close_due(
    session: AsyncSession, now: datetime, limit: int = 100
) -> list[tuple[Poll, Post, bool]]:
    """Close the polls whose deadline has passed (for the scheduler): (poll, post,
    whether to announce it; not when the deadline is older than ANNOUNCE_CATCH_UP).
    Closed in the caller's transaction, with what it writes to the outbox, so each is
    announced once; on PostgreSQL other schedulers skip the polls locked here."""
    rows = await session.execute(
        select(Poll)
        .where(Poll.closed.is_(False), Poll.deadline.is_not(None), Poll.deadline <= now)
        .order_by(Poll.deadline, Poll.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    closed: list[tuple[Poll, Post, bool]] = []
    for poll in rows.scalars():
        poll.closed = True
        post = await session.get(Post, poll.post_id)
        if post is not None and poll.deadline is not None:
            closed.append((poll, post, now - poll.deadline <= ANNOUNCE_CATCH_UP))
    await session.flush()
    return closed


async def voters(session: AsyncSession, poll: Poll) -> list[User]:
    """Who has a vote in the poll."""
    voted = select(PollVote.user_id).where(PollVote.poll_id == poll.id)
    rows = await session.execute(select(User).where(User.id.in_(voted)).order_by(User.id))
    return list(rows.scalars())
