"""/poll: a question with options; live results; the author closes it and can turn
the winning option into a task (when the tasks area is installed)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core import Ctx, Router
from handlers.feed import targets
from handlers.feed_cards import (
    CARD_LIMIT,
    card_reply,
    everyones,
    in_shared_chat,
    latest_comments,
)
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold, join_lines
from handlers.views import Button, View
from models.feed import Poll, Post
from models.groups import Group
from services import feed_comments, feed_polls, groups
from services.access import archived_group
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing import parse_when, refuse_no_such_date
from services.parsing_said import normalize_dates

router = Router(__name__)
ORDER = 71

MULTIPLE = {"multiple", "multi", "несколько", "множественный"}
ANONYMOUS = {"anonymous", "anon", "анонимно", "анонимный"}
UNTIL = ("until ", "till ", "deadline ", "до ", "срок ")
BAR = 10
TASK_FROM_TEXT = "task_from_text"  # handlers.tasks.FROM_TEXT, when the tasks area is installed


def _bar(votes: int, total: int) -> str:
    filled = round(BAR * votes / total) if total else 0
    return "█" * filled + "░" * (BAR - filled)


_DATE_LIKE = re.compile(r"\d{1,2}[:.]\d{2}|\d{1,2}[./]\d{1,2}|\d\s*(?:am|pm)\b", re.IGNORECASE)


def _until(ctx: Ctx, part: str) -> datetime | None:
    """The voting deadline in "until Friday 18:00" or "до пятницы 18:00"; None when
    the words after "until" are no date ("до обеда" is an answer to offer). With a
    digit in them a date was meant: one that cannot be read is an error."""
    normalized = normalize_dates(part, ctx.me.locale)  # "до пятницы" -> "в пятницу"
    text = normalized if normalized != part else part.split(" ", 1)[1]
    try:
        return parse_when(text, ctx.me.locale, ctx.me.timezone)
    except DomainError:
        if _DATE_LIKE.search(text):  # "до 31.02 18:00": a date was meant
            refuse_no_such_date(text)  # said so, as /task and /event say it
            raise
        return None  # "до 5 человек": an answer


async def poll_view(ctx: Ctx, poll: Poll, post: Post, *, everyone: bool = False) -> View:
    """The poll as its reader sees it: their marks, their controls, their language. With
    `everyone`, the message all in a shared chat see, whoever pressed: the results, the
    buttons anyone may press, in the team's language (see Ctx.everyone_tr)."""
    tr = await ctx.shared_tr() if everyone else ctx.tr
    mine: set[int] = set() if everyone else await feed_polls.my_votes(ctx.session, ctx.me, poll)
    view, controls = await poll_card(ctx.session, tr, poll, post, mine, everyone=everyone)
    if everyone:
        return view.row(*controls)
    closing, deleting = await author_buttons(ctx, poll, post)
    view.row(*controls, *closing)
    view.row(*deleting)  # a row of its own, away from Close poll; it asks before deleting
    return view


async def poll_card(
    session: AsyncSession,
    tr: Translator,
    poll: Poll,
    post: Post,
    mine: set[int],
    *,
    everyone: bool = True,
) -> tuple[View, list[Button]]:
    """The poll's card in `tr`'s language with the reader's votes (`mine`) marked, and
    the row of buttons anyone may press under it (poll_view adds the author's)."""
    found = await feed_polls.results(session, poll)
    total = sum(r.votes for r in found)
    flags = []
    if poll.multiple:
        flags.append(tr.s("several answers"))
    if poll.anonymous:
        flags.append(tr.s("anonymous"))
    lines: list[Any] = [[Span("📊 "), bold(poll.question)]]
    if flags:
        lines.append([Span("(" + ", ".join(flags) + ")")])
    open_ = feed_polls.is_open(poll)
    if not open_:
        lines.append(tr("Voting is over."))
    elif poll.deadline:
        lines.append(tr("Voting until {when}", when=tr.when(poll.deadline)))
    for result in found:
        mark = "● " if result.option.id in mine else ""
        line = f"{mark}{result.option.text}: {_bar(result.votes, total)} {result.votes}"
        if result.voters:
            line += " — " + ", ".join(result.voters)
        lines.append([Span(line)])
    lines.append(tr.n("{n} vote", "{n} votes", total))
    if not open_:
        best = feed_polls.winners(found)
        names = bold(", ".join(r.option.text for r in best))
        if len(best) == 1:
            lines.append(tr("Winner: {option}", option=names))
        elif best:
            lines.append(tr("A tie: {options}", options=names))
    notes = await feed_comments.comment_count(session, post.id)
    shown = await latest_comments(
        session, post, CARD_LIMIT - sum(len(r.option.text) for r in found)
    )
    if notes:
        lines.append([Span(f"💬 {notes}")])
        lines.extend(shown)
    # an archived group's poll is read: no votes, comments or withdrawals
    read_only = await archived_group(session, post.group_id) is not None
    if read_only:
        lines.append(tr("Archived group — read only"))
    view = View(body=join_lines(lines), ref=f"post:{post.id}")
    open_ = open_ and not read_only
    if open_:
        for result in found:
            label = ("✓ " if result.option.id in mine else "") + result.option.text
            view.row(Button(label[:60], f"po:v:{poll.id}:{result.option.id}"))
    controls = [Button(tr.s("Refresh"), f"po:r:{poll.id}")]
    if not read_only:
        controls.append(Button(tr.s("Comment"), f"fd:c:{post.id}"))
    if notes > len(shown):
        controls.append(Button(tr.s("All comments"), f"fd:cm:{post.id}:1"))
    # taking a vote back is a press of its own; on everyone's message, for whoever voted
    if open_ and not poll.multiple and (mine or (everyone and total)):
        controls.append(Button(tr.s("Withdraw my vote"), f"po:w:{poll.id}"))
    return view, controls


async def author_buttons(ctx: Ctx, poll: Poll, post: Post) -> tuple[list[Button], list[Button]]:
    """The author's (or an admin's) own buttons, never on everyone's message: Close poll
    (or Make a task of a closed one's winner), and Delete; none on an archived group's."""
    if post.author_id != ctx.me.user_id and not ctx.me.is_admin:
        return [], []
    if await archived_group(ctx.session, post.group_id) is not None:
        return [], []
    tr = ctx.tr
    if feed_polls.is_open(poll):
        closing = [Button(tr.s("Close poll"), f"po:c:{poll.id}")]
    elif TASK_FROM_TEXT in ctx.registry.commands and not ctx.me.is_extranet:
        closing = [Button(tr.s("Make a task"), f"po:t:{poll.id}")]
    else:
        closing = []
    return closing, [Button(tr.s("Delete"), f"fd:x:{post.id}")]


async def my_choice(ctx: Ctx, poll: Poll) -> Any:
    """The presser's own vote, said to them alone."""
    mine = await feed_polls.my_votes(ctx.session, ctx.me, poll)
    if not mine:
        return ctx.tr("You have no vote in this poll now.")
    found = await feed_polls.results(ctx.session, poll)
    chosen = ", ".join(r.option.text for r in found if r.option.id in mine)
    return ctx.tr("Your vote: {options}", options=bold(chosen))


def delivered_poll(
    tr: Translator, poll: Poll, post: Post, author: str, options: list[tuple[int, str]]
) -> View:
    view = View(
        body=[
            *tr("📊 {person} asks: {question}", person=bold(author), question=bold(poll.question))
        ],
        ref=f"post:{post.id}",
    )
    for option_id, text in options:
        view.row(Button(text[:60], f"po:v:{poll.id}:{option_id}"))
    return view


@router.command(
    "poll",
    help=N_("a poll: question and options, single or multiple choice, anonymous, deadline"),
    usage=N_(
        "/poll [#group|@people] Question? | Option 1 | Option 2 [| multiple] [| anonymous] [| until fri 18:00]"
    ),
)
async def poll_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    if not text:
        return View(
            body=ctx.tr(
                "Ask like this: /poll Lunch where? | Pizza | Sushi. Add | multiple, | anonymous "
                "or | until fri 18:00; start with #group or @people to ask only them."
            )
        )
    group_id, people, rest = await targets(ctx, text)
    parts = [p.strip() for p in rest.split("|")]
    question, options = parts[0], []
    multiple = anonymous = False
    deadline = None
    for part in parts[1:]:
        low = part.lower()
        if low in MULTIPLE:
            multiple = True
        elif low in ANONYMOUS:
            anonymous = True
        elif low.startswith(UNTIL) and deadline is None and (until := _until(ctx, part)):
            deadline = until
        elif part:
            options.append(part)
    if not question:
        raise DomainError(_N("What is the question? /poll Question? | Option 1 | Option 2"))
    poll, post, reached = await feed_polls.create_poll(
        ctx.session,
        ctx.me,
        question,
        options,
        multiple=multiple,
        anonymous=anonymous,
        deadline=deadline,
        group_id=group_id,
        people_ids=people,
    )
    found = await feed_polls.results(ctx.session, poll)
    choices = [(r.option.id, r.option.text) for r in found]
    for user in reached:
        await ctx.notify(
            user.id,
            "post",
            lambda tr: delivered_poll(tr, poll, post, ctx.me.name, choices),
            ref=f"post:{post.id}",
        )
    if post.group_id is not None:
        group = await groups.get_group(ctx.session, ctx.me, post.group_id)
        await ctx.notify_group(
            group,
            "post",
            lambda tr: delivered_poll(tr, poll, post, ctx.me.name, choices),
            dedup_key=f"post:{post.id}:group",
        )
    sent = (
        ctx.tr.n("Poll sent to {n} person.", "Poll sent to {n} people.", len(reached))
        if reached
        else ctx.tr("Poll created. Nobody else is in its audience yet.")
    )
    # in a shared chat, everyone's message there, as the group's notice would be, and the
    # author's own buttons to the author alone
    return await card_reply(ctx, post, sent, controls=True)


async def announce_results(ctx: Ctx, poll: Poll, post: Post) -> None:
    """A closed group poll's results, everyone's message, to the chats bound to its
    group, wherever it was closed (the chat it was closed in has them as the reply)."""
    if post.group_id is None:
        return
    group = await ctx.session.get(Group, post.group_id)  # the poll's: close checked access
    if group is None:
        return
    results = await poll_view(ctx, poll, post, everyone=True)
    await ctx.notify_group(group, "post", lambda _tr: results, dedup_key=results_key(post))


def results_key(post: Post) -> str:
    """The dedup key of a poll's results in its group's chats: sent once, however the
    poll closed (by hand, or by its deadline: handlers.feed_polls_due)."""
    return f"post:{post.id}:results"


@router.action("po")
async def poll_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    poll_id = ctx.int_arg(1)
    note: Any = None  # what the presser alone is told
    if verb in ("v", "w"):
        poll, _post = await feed_polls.get_poll(ctx.session, ctx.me, poll_id)
        if not feed_polls.is_open(poll):
            # a vote button left on a closed poll's message: the message shows the results
            note = ctx.tr("Voting in this poll is over.")
        elif verb == "v":
            _poll, voted, changed = await feed_polls.vote(
                ctx.session, ctx.me, poll_id, ctx.int_arg(2)
            )
            if not changed:  # a second press on one's choice: the vote stays, and they are told
                note = ctx.tr("You voted for {option}; your vote stays.", option=bold(voted.text))
        else:
            if await feed_polls.my_votes(ctx.session, ctx.me, poll):  # else: "you have no vote"
                note = ctx.tr("Your vote is withdrawn.")
            await feed_polls.withdraw(ctx.session, ctx.me, poll_id)
    elif verb == "c":
        poll, post = await feed_polls.close(ctx.session, ctx.me, poll_id)
        await announce_results(ctx, poll, post)
        if await in_shared_chat(ctx, post):
            # the results, to all there; the rest replaces what the author pressed
            card, own = await everyones(ctx, post, ctx.tr("Voting is over."), controls=True)
            own.edit = True
            return [card, own]
        view = await poll_view(ctx, poll, post)  # pressed on the poll: it shows the results
        view.edit = True
        return view
    if verb in ("v", "w", "r"):
        poll, post = await feed_polls.get_poll(ctx.session, ctx.me, poll_id)
        if await in_shared_chat(ctx, post):
            # a message everyone there sees stays everyone's: the presser's own vote is
            # said to them alone
            view = await poll_view(ctx, poll, post, everyone=True)
            view.edit = True
            if verb == "r":
                return view
            return [view, View(body=list(note or await my_choice(ctx, poll)), private=True)]
        view = await poll_view(ctx, poll, post)
        if note is not None:
            view.body = [*note, Span("\n\n"), *view.body]
        view.edit = True
        return view
    if verb == "t":
        poll, post = await feed_polls.get_poll(ctx.session, ctx.me, poll_id)
        if post.author_id != ctx.me.user_id and not ctx.me.is_admin:
            raise DomainError(_N("Only the author can close the poll."))
        best = feed_polls.winners(await feed_polls.results(ctx.session, poll))
        spec = ctx.registry.commands.get(TASK_FROM_TEXT)
        if not best or spec is None:
            raise DomainError(_N("There is no winning option to turn into a task."))
        picked = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        chosen = [r for r in best if str(r.option.id) == picked] if picked else best
        if not chosen:
            raise DomainError(_N("This button is out of date. Open the list again."))
        if len(chosen) > 1:  # a tie: the author says which option becomes the task
            view = View(body=ctx.tr("A tie. Which option becomes the task?"))
            for result in chosen:
                view.row(Button(result.option.text[:60], f"po:t:{poll.id}:{result.option.id}"))
            return ctx.for_me(view)
        # a NEW task named by the option, through the tasks area's own door so its rules
        # apply: the option is someone else's words, never "/task ID verb ..." to run
        option = chosen[0].option.text
        ctx.event = replace(ctx.event, kind="command", command=TASK_FROM_TEXT, args=option)
        # the author's answer (their new task), as the command's own is (personal)
        return ctx.for_me(await spec.handler(ctx))
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)
