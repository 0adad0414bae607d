"""/post and /feed: posts to the team, a group or people; likes, comments,
"I have read it" with a read-by list; sharing posts and events. A post's card is
handlers.feed_cards', adding and listing comments handlers.feed_comments'."""

from __future__ import annotations

import re
from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.feed_cards import (
    author_name,
    card_reply,
    delivered_view,
    everyones,
    in_shared_chat,
    only_for_author_here,
    open_post,
    post_view,
    title_of,
)
from handlers.feed_comments import comment_on, comments_page
from handlers.forms import Field, Form
from handlers.groups_input import resolve_group
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines
from handlers.numbered import numbered
from handlers.people import one_person
from handlers.views import Button, View
from models.feed import Post
from services import feed, feed_polls, groups, inbox_center, notifications
from services.access import get_readable_group
from services.errors import N_ as _N
from services.errors import DomainError
from services.pagination import Page

router = Router(__name__)
ORDER = 70

PEOPLE = re.compile(r"^@([\w.\-]+)\s*")
IMPORTANT = ("!", "important", "важно", "!important", "!важно")
# button verbs handlers.feed_edit answers: x/xy delete a post (asked, then done), e edits
# it; ce edits a comment, cx/cxy delete it (these carry the comment's id)
EDIT_VERBS = ("x", "xy", "e", "ce", "cx", "cxy")


async def targets(ctx: Ctx, text: str) -> tuple[int | None, list[int], str]:
    """Leading '#group' or '@people' of a /post or /poll: (group id, people ids, the rest)."""
    text = text.strip()
    if text.startswith("#"):
        try:  # an archived group is found, for the post to be refused as read-only
            group, rest = await resolve_group(ctx, text, to_read=True)
        except groups.NoSuchGroup as err:
            raise await _no_such_group(ctx, err.name) from None
        return group.id, [], rest
    ids: list[int] = []
    while True:
        match = PEOPLE.match(text)
        if match is None:
            break
        found = await one_person(ctx, match.group(1), handle=True)
        if found is None:
            raise DomainError(
                _N(
                    "I don't know anyone called {name} in your team. "
                    "Check the name and send the command again."
                ),
                name=match.group(1),
            )
        ids.append(found.id)
        text = text[match.end() :]
    if not ids:
        # in a group chat bound to a workgroup, what is posted there is for that group
        bound = await ctx.chat_group()
        if bound is not None:
            return bound.id, [], text.strip()
    return None, ids, text.strip()


async def _no_such_group(ctx: Ctx, name: str) -> DomainError:
    """A #group that is not there: the groups the person is in, to send the line again."""
    page = await groups.list_groups(ctx.session, ctx.me, per_page=10, mine=True)
    if not page.items:
        return DomainError(
            _N(
                "There is no group called “{name}”, and you are in no group yet. "
                "Leave out the #group to address the whole team."
            ),
            name=name,
        )
    return DomainError(
        _N("There is no group called “{name}”. Your groups: {groups}. Send it again with one."),
        name=name,
        groups=", ".join("#" + group.name for group in page.items),
    )


async def feed_view(ctx: Ctx, page_no: int, group_id: int | None = None) -> View:
    """The person's feed, or a group's posts and polls (an archived group's too, to read)."""
    page = await feed.list_feed(
        ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size, group_id=group_id
    )
    if group_id is not None:
        group = await get_readable_group(ctx.session, ctx.me, group_id)
        lines: list[Any] = [
            ctx.tr("Feed of {group} ({n})", group=bold(group.name), n=str(page.total))
        ]
    else:
        lines = [[bold(ctx.tr.s("Feed")), Span(f" ({page.total})")]]
    if not page.items:
        if group_id is not None:
            lines.append(ctx.tr("Nothing here yet."))
        elif ctx.me.is_extranet:  # they write to their groups only
            lines.append(ctx.tr("Nothing here yet. Write the first post: /post #group TEXT"))
        else:
            lines.append(ctx.tr("Nothing here yet. Write the first post: /post TEXT"))
    view = View()
    for post in page.items:
        text = title_of(post)
        mark = (
            "📊"
            if await feed_polls.poll_of_post(ctx.session, post.id)
            else ("❗" if post.important else "📰")
        )
        lines.append([Span(f"{mark} "), bold(await author_name(ctx, post)), Span(f": {text}")])
        view.row(Button(f"{mark} {text}"[:60], f"fd:o:{post.id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "fd:f" if group_id is None else f"fd:g:{group_id}"))
    return view


@router.command(
    "post",
    help=N_("post to the team, a #group or @people (add ! for an important post)"),
    usage=N_("/post [#group|@people] [!] TEXT · /post ID [edit TEXT|comment TEXT|delete]"),
    by_role={
        "extranet": (
            N_("post to one of your groups (add ! for an important post)"),
            N_("/post #group [!] TEXT · /post ID [edit TEXT|comment TEXT|delete]"),
        )
    },
)
async def post_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    if not text:
        return View(
            body=ctx.tr(
                "Write the post after the command: /post TEXT to everyone, /post #group TEXT to a group, "
                "/post @anna @petr TEXT to people. Start with ! for an important post."
            )
        )
    from handlers.feed_edit import POST_ACTIONS, subcommand

    # /post 12, /post 12 edit TEXT: that post, or not found; never a new post so worded
    if (found := numbered(text, POST_ACTIONS)) is not None:
        reply = await subcommand(ctx, found.number, found.verb, found.arg)
        post = await ctx.session.get(Post, found.number)
        if isinstance(reply, View) and (post is None or await only_for_author_here(ctx, post)):
            reply.private = True
        return reply
    group_id, people, rest = await targets(ctx, text)
    important = False
    first, _, tail = rest.partition(" ")
    if first.lower() in IMPORTANT:
        important, rest = True, tail.strip()
    elif rest.startswith("!"):
        important, rest = True, rest[1:].strip()
    post, reached = await feed.create_post(
        ctx.session, ctx.me, rest, group_id=group_id, people_ids=people, important=important
    )
    for user in reached:
        await ctx.notify(
            user.id, "post", lambda tr: delivered_view(tr, post, ctx.me.name), ref=f"post:{post.id}"
        )
    if post.group_id is not None:
        # and to the group's own chats (/bind), where members press the same buttons
        group = await groups.get_group(ctx.session, ctx.me, post.group_id)
        await ctx.notify_group(
            group,
            "post",
            lambda tr: delivered_view(tr, post, ctx.me.name),
            dedup_key=f"post:{post.id}:group",
        )
    sent = (
        ctx.tr.n("Posted; it reached {n} person.", "Posted; it reached {n} people.", len(reached))
        if reached
        else ctx.tr("Posted. Nobody else is in its audience yet.")
    )
    # in a shared chat, everyone's card and the author's own buttons to the author alone
    return await card_reply(ctx, post, sent, controls=True)


@router.command(
    "feed", help=N_("the feed: posts and polls"), usage=N_("/feed [#group]"), lists=True
)
async def feed_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    if text.startswith("#"):
        group, _ = await resolve_group(ctx, text, to_read=True)
        return await group_feed(ctx, group.id, 1)
    bound = await ctx.chat_group()  # a bound group chat shows its group's posts
    return await feed_view(ctx, 1) if bound is None else await group_feed(ctx, bound.id, 1)


async def group_feed(ctx: Ctx, group_id: int, page_no: int) -> View:
    """A group's posts and polls; in the group's own chat everyone's message there, in
    the team's language (as tasks_list.group_list), for whoever may read them all."""
    bound = await ctx.chat_group()
    if bound is None or bound.id != group_id:
        return await feed_view(ctx, page_no, group_id)
    if ctx.me.is_admin or await groups.is_member(ctx.session, group_id, ctx.me.user_id):
        return await ctx.for_everyone(lambda: feed_view(ctx, page_no, group_id))
    view = await feed_view(ctx, page_no, group_id)
    ctx.for_me(view)
    return view


SHARE_KINDS = {
    "post": "post",
    "пост": "post",
    "event": "event",
    "событие": "event",
    "task": "task",
    "задача": "task",
    "задачу": "task",
}


@router.command(
    "share",
    help=N_("send a post, an event or a task on to a person or a group"),
    usage=N_("/share post|event|task ID @person|#group"),
)
async def share_command(ctx: Ctx) -> Any:
    words = ctx.args.split(maxsplit=2)
    if len(words) < 3 or words[0].lower() not in SHARE_KINDS or not words[1].isdigit():
        raise DomainError(_N("What to share, and with whom? For example: /share task 12 @anna"))
    from handlers.feed_share import share

    whom = await _parse_whom(ctx, words[2])
    return await share(ctx, f"{SHARE_KINDS[words[0].lower()]}:{words[1]}", whom)


async def readers_view(ctx: Ctx, post_id: int, page_no: int) -> View:
    post, done, waiting = await feed.readers(ctx.session, ctx.me, post_id)
    rows = [f"✅ {u.name}" for u in done] + [f"⏳ {u.name}" for u in waiting]
    per = ctx.services.page_size * 3
    page = Page.of(rows, page_no, per)
    lines: list[Any] = [
        ctx.tr("Read by {read} of {total}", read=str(len(done)), total=str(len(rows)))
    ]
    lines.extend(page.items)
    view = View(body=join_lines(lines))
    view.row(*pager_row(ctx, page, f"fd:rb:{post.id}"))
    view.row(Button(ctx.tr.s("Back"), f"fd:o:{post.id}"))
    return view


@router.action("fd")
async def feed_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "f"
    if verb in ("f", "g"):
        view = await (
            group_feed(ctx, ctx.int_arg(1), ctx.page_arg(2))
            if verb == "g"
            else feed_view(ctx, ctx.page_arg(1))
        )
        view.edit = True
        return view
    post_id = ctx.int_arg(1)
    # the presser's own view of the post, its readers or its comments: never into a
    # message everyone in a shared chat reads
    if verb == "o":
        return ctx.for_me(await open_post(ctx, post_id))
    if verb == "l":
        post, liked = await feed.toggle_like(ctx.session, ctx.me, post_id)
        if post.author_id and post.author_id != ctx.me.user_id:
            # one notice per person and post: a like taken back takes its notice along
            ref = f"post:{post.id}:like:{ctx.me.user_id}"
            await notifications.retract(ctx.session, post.author_id, ref)
            title = title_of(post)
            if liked:
                await ctx.notify(
                    post.author_id,
                    "like",
                    lambda tr: View(
                        body=tr(
                            "{person} liked your post «{post}».",
                            person=bold(ctx.me.name),
                            post=title,
                        ),
                        ref=f"post:{post.id}",
                    ).row(Button(tr.s("Open"), f"fd:o:{post.id}")),
                    ref=ref,
                    dedup_key=f"like:{post.id}:{ctx.me.user_id}",
                )
        if await in_shared_chat(ctx, post):  # the presser's own like, said to them alone
            said = ctx.tr("You like it.") if liked else ctx.tr("You no longer like it.")
            return await everyones(ctx, post, said, edit=True)
        view = await post_view(ctx, post)
        view.edit = True
        return view
    if verb == "r":
        post = await feed.mark_read(ctx.session, ctx.me, post_id)
        # read from the notice itself: the inbox has nothing left to show about it
        await inbox_center.mark_ref_read(ctx.session, ctx.me, f"post:{post.id}")
        thanks = ctx.tr("Thank you: the author sees that you have read it.")
        if await in_shared_chat(ctx, post):  # everyone's card stays as it is
            return await everyones(ctx, post, thanks, edit=True)
        return await card_reply(ctx, post, thanks)
    if verb == "rb":
        view = await readers_view(ctx, post_id, ctx.page_arg(2))
        view.edit = True
        return ctx.for_me(view)
    if verb == "c":
        await feed.get_post_to_change(ctx.session, ctx.me, post_id)
        return await ctx.start_own_form("post_comment", {"post_id": post_id})
    if verb == "cm":
        return ctx.for_me(await comments_page(ctx, post_id, ctx.page_arg(2)))
    if verb in EDIT_VERBS:  # editing and deleting, a post's or a comment's
        from handlers import feed_edit

        return await feed_edit.act(ctx, verb, post_id)
    if verb == "sh":
        await feed.get_post_to_change(ctx.session, ctx.me, post_id)
        return await ctx.start_own_form("share", {"ref": f"post:{post_id}"})
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


@router.text
async def reply_to_post(ctx: Ctx) -> Any:
    """A reply to a post is a comment on it."""
    kind, _, item = (ctx.reply_ref or "").partition(":")
    item = item.partition(":")[0]  # "post:12:345", a notice of a comment on it: the post
    if kind == "post" and item.isdigit():
        return await comment_on(ctx, int(item), ctx.args)
    return None


async def _submit_comment(ctx: Ctx, values: dict[str, Any]) -> View | list[View]:
    return await comment_on(ctx, int(values["post_id"]), values["text"])


async def _parse_whom(ctx: Ctx, raw: str) -> dict[str, Any]:
    text = raw.strip()
    if text.startswith("#"):
        group, _ = await resolve_group(ctx, text)
        return {"group": group.id}
    _group, people, _rest = await targets(ctx, text if text.startswith("@") else "@" + text)
    if not people:
        raise DomainError(_N("Whom to? Give @person or #group."))
    return {"people": people}


async def _submit_share(ctx: Ctx, values: dict[str, Any]) -> View:
    from handlers.feed_share import share

    return await share(ctx, values["ref"], values["whom"])


router.form(
    Form(
        name="post_comment",
        title=N_("Comment"),
        fields=[Field("text", N_("Your comment? Mention people with @name."), multiline=True)],
        submit=_submit_comment,
    )
)
router.form(
    Form(
        name="share",
        title=N_("Share"),
        fields=[Field("whom", N_("Share with whom? Give @person or #group."), _parse_whom)],
        submit=_submit_share,
    )
)
