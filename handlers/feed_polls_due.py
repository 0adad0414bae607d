"""Polls whose deadline passes: the scheduler closes them and tells who should know.

Its author gets the results; so do the chats bound to its group (as when the author
closes it by hand: handlers.feed_polls.announce_results); who voted gets a short
notice. Each poll is closed in the transaction that queues these, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core import reader_tr
from handlers.feed_polls import poll_card, results_key
from handlers.i18n import translator
from handlers.markup import Span, bold
from handlers.views import Button, View
from models import db
from models.feed import Poll, Post
from models.groups import Group
from models.teams import Team, User
from services import chats_news, feed, feed_polls, notifications


async def close_due_polls(session: AsyncSession, now: datetime, limit: int = 100) -> int:
    """Close up to `limit` polls whose deadline has passed; returns how many."""
    closed = await feed_polls.close_due(session, now, limit)
    for poll, post, announce in closed:
        if announce:
            await _announce(session, poll, post)
    return len(closed)


async def _announce(session: AsyncSession, poll: Poll, post: Post) -> None:
    author = await db.get(session, User, post.author_id) if post.author_id else None
    if author is not None:
        tr = await reader_tr(session, author, "post")
        card, controls = await poll_card(session, tr, poll, post, set())
        card.body = [
            *tr(
                "Your poll «{question}» is closed: its deadline has passed.",
                question=bold(poll.question),
            ),
            Span("\n\n"),
            *card.body,
        ]
        card.row(*controls)
        card.row(Button(tr.s("Open"), f"fd:o:{post.id}"))  # Make a task of the winner
        await _notify(session, author, poll, card)
    group = await session.get(Group, post.group_id) if post.group_id else None
    team = await session.get(Team, post.team_id)
    if group is not None and team is not None:
        tr = translator(team.locale, team.timezone, shared=True)
        card, controls = await poll_card(session, tr, poll, post, set())
        await chats_news.notify_group(
            session,
            group,
            kind="post",
            payload=card.row(*controls).to_dict(),
            dedup_key=results_key(post),
        )
    for voter in await feed_polls.voters(session, poll):
        if voter.id == post.author_id or not await feed.may_read(session, voter, post.id):
            continue
        tr = await reader_tr(session, voter, "post")
        said = View(
            body=tr("The poll «{question}» is closed.", question=bold(poll.question)),
            ref=f"post:{post.id}",
        ).row(Button(tr.s("Results"), f"fd:o:{post.id}"))
        await _notify(session, voter, poll, said)


async def _notify(session: AsyncSession, user: User, poll: Poll, view: View) -> None:
    await notifications.notify(
        session,
        user,
        kind="post",
        payload=view.to_dict(),
        ref=f"post:{poll.post_id}",
        dedup_key=f"poll-closed:{poll.id}:{user.id}",
    )
