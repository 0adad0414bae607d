"""/bind and /unbind: a group chat (Telegram group, Slack channel) speaks for a workgroup."""

from __future__ import annotations

from handlers.core import STAFF, Ctx, Router, pager_row
from handlers.groups_input import resolve_group
from handlers.i18n import N_
from handlers.markup import bold, join_lines
from handlers.views import Button, View
from models.groups import Group
from services import chats
from services.access import ReadOnlyGroup
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 45


def _in_group_chat(ctx: Ctx, unbind: bool = False) -> None:
    if not ctx.event.chat.private:
        return
    if unbind:
        raise DomainError(_N("Send /unbind in the group chat you want to unbind."))
    raise DomainError(_N("Send /bind GROUP in the group chat you want to bind."))


def _bound_view(ctx: Ctx, group: Group) -> View:
    return View(
        body=join_lines(
            [
                ctx.tr("This chat is now bound to the group {group}.", group=bold(group.name)),
                ctx.tr("Commands here act on it, and its notifications come here."),
            ]
        )
    )


async def _status_view(ctx: Ctx, page_no: int) -> View:
    current = await chats.bound_group(
        ctx.session, ctx.me, ctx.event.platform, ctx.event.chat.chat_id
    )
    if current is not None:
        lines = [ctx.tr("This chat is bound to the group {group}.", group=bold(current.name))]
        if current.archived:  # read there, nothing added: said, with who brings it back
            said = ReadOnlyGroup(ctx.me, current)
            lines.append(ctx.tr(said.key, **said.params))
    else:
        lines = [ctx.tr("This chat is not bound to a group.")]
    page = await chats.bindable_groups(
        ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size
    )
    if page.total:
        lines.append(ctx.tr("Pick the group this chat speaks for:"))
    else:
        lines.append(ctx.tr("A team admin or the group's owner binds it: /bind GROUP"))
    view = View(body=join_lines(lines))
    for group in page.items:
        mark = "✓ " if current is not None and current.id == group.id else ""
        view.row(Button((mark + group.name)[:60], f"ch:b:{group.id}"))
    view.row(*pager_row(ctx, page, "ch:l"))
    if current is not None:
        view.row(Button(ctx.tr.s("Unbind"), "ch:u"))
    return view


@router.command(
    "bind",
    help=N_("bind this group chat to a workgroup"),
    usage=N_("/bind GROUP"),
    roles=STAFF,
    chats="group",
)
async def bind_command(ctx: Ctx) -> View:
    _in_group_chat(ctx)
    if not ctx.args.strip():
        return await _status_view(ctx, 1)
    group, _rest = await resolve_group(ctx, ctx.args)
    group, _changed = await chats.bind(
        ctx.session,
        ctx.me,
        ctx.event.platform,
        ctx.event.chat.chat_id,
        group.id,
        title=ctx.event.chat.title,
    )
    return _bound_view(ctx, group)


@router.command(
    "unbind", help=N_("unbind this group chat from its workgroup"), roles=STAFF, chats="group"
)
async def unbind_command(ctx: Ctx) -> View:
    _in_group_chat(ctx, unbind=True)
    group = await chats.unbind(ctx.session, ctx.me, ctx.event.platform, ctx.event.chat.chat_id)
    return View(body=ctx.tr("This chat is no longer bound to {group}.", group=bold(group.name)))


@router.action("ch")
async def chats_action(ctx: Ctx) -> View:
    _in_group_chat(ctx)
    verb = ctx.action_args[0] if ctx.action_args else "l"
    if verb == "l":
        view = await _status_view(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    if verb == "b":
        group, _changed = await chats.bind(
            ctx.session,
            ctx.me,
            ctx.event.platform,
            ctx.event.chat.chat_id,
            ctx.int_arg(1),
            title=ctx.event.chat.title,
        )
        view = _bound_view(ctx, group)
        view.edit = True
        return view
    if verb == "u":
        group = await chats.unbind(ctx.session, ctx.me, ctx.event.platform, ctx.event.chat.chat_id)
        return View(
            body=ctx.tr("This chat is no longer bound to {group}.", group=bold(group.name)),
            edit=True,
        )
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)
