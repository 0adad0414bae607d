"""/drive: files sent to the bot, kept with name, size, type, owner and group;
listed and searched per person and per group; attached to events and tasks by
replying to their message with the file."""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import event as sa_event

from handlers.core import Ctx, Router, pager_row
from handlers.events import FileRef
from handlers.groups_input import resolve_group
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold, cut, join_lines
from handlers.views import Attachment, Button, View
from models import db
from models.drive import DriveFile
from models.groups import Group
from models.teams import User
from services import drive, groups
from services.errors import N_ as _N
from services.errors import DomainError
from services.pagination import Page

router = Router(__name__)
ORDER = 85

COPY_PLATFORMS = {"console"}  # platforms whose files live only on this machine


def size_text(tr: Translator, size: int) -> str:
    """A file size as the reader writes it: "1.5 MB", «1,5 МБ»."""
    if size >= 1024 * 1024:
        number = format_decimal(round(size / 1024 / 1024, 1), format="0.0", locale=tr.lang)
        return tr.s("{n} MB", n=number)
    if size >= 1024:
        return tr.s("{n} KB", n=round(size / 1024))
    return tr.s("{n} B", n=size)


ITEM_NAMES = {
    "task": N_("task #{id}"),
    "event": N_("event #{id}"),
    "lead": N_("lead #{id}"),
    "deal": N_("deal #{id}"),
    "contact": N_("contact #{id}"),
    "company": N_("company #{id}"),
}


def item_name(tr: Translator, ref: str) -> str:
    """ "task:12" as the reader says it: "task #12", «задача #12»."""
    kind, _, item_id = ref.partition(":")
    return tr.s(ITEM_NAMES[kind], id=item_id) if kind in ITEM_NAMES else ref


async def card_view(ctx: Ctx, row: DriveFile) -> View:
    tr = ctx.tr
    owner = await db.get(ctx.session, User, row.owner_id) if row.owner_id else None
    lines: list[Any] = [
        [Span("📄 "), bold(row.name)],
        [Span(f"{size_text(ctx.tr, row.size)} · {row.mime}")],
    ]
    lines.append(tr("Owner: {person}", person=owner.name if owner else "?"))
    # a group's file is seen by its members only (archived or not): the group is theirs
    group = await ctx.session.get(Group, row.group_id) if row.group_id else None
    if group is not None:
        lines.append(tr("Group: {group}", group=group.name))
    if row.attached_to:
        lines.append(tr("Attached to: {item}", item=item_name(tr, row.attached_to)))
    lines.append(tr("Added {when}", when=tr.when(row.created_at)))
    view = View(body=join_lines(lines))
    view.row(Button(tr.s("Get the file"), f"dr:get:{row.id}"))
    if row.owner_id == ctx.me.user_id or ctx.me.is_admin:
        view.row(
            Button(tr.s("To a group"), f"dr:g:{row.id}"),
            Button(tr.s("Delete"), f"dr:x:{row.id}"),
        )
    return view


async def list_view(ctx: Ctx, page_no: int, search: str = "", group_id: int | None = None) -> View:
    """A page of the files the asker sees: in a shared chat, the files of the group it is
    bound to are everyone's message there (in the team's language) for a member of it, the
    same whoever asked; anything else (the person's own drive, another group's files)
    is theirs alone."""
    if (
        group_id is not None
        and await ctx.speaks_for(group_id)
        and await groups.is_member(ctx.session, group_id, ctx.me.user_id)
    ):
        return await ctx.for_everyone(lambda: _list_page(ctx, page_no, search, group_id))
    view = await _list_page(ctx, page_no, search, group_id)
    ctx.for_me(view)
    return view


async def _list_page(ctx: Ctx, page_no: int, search: str, group_id: int | None) -> View:
    page = await drive.list_files(
        ctx.session,
        ctx.me,
        page=page_no,
        per_page=ctx.services.page_size,
        search=search,
        group_id=group_id,
    )
    title = (
        ctx.tr("Files matching {text} ({n})", text=search, n=str(page.total))
        if search
        else ctx.tr("Files ({n})", n=str(page.total))
    )
    lines: list[Any] = [title]
    if not page.items:
        lines.append(ctx.tr("No files here. Send a file to the bot to keep it."))
    view = View()
    for row in page.items:
        lines.append([Span("📄 "), bold(row.name), Span(f" · {size_text(ctx.tr, row.size)}")])
        view.row(Button(cut(f"📄 {row.name}", 60), f"dr:o:{row.id}"))
    view.body = join_lines(lines)
    # the pager keeps the group scope, and a search short enough for a button's 64 bytes
    if not search:
        view.row(*pager_row(ctx, page, f"dr:l:{group_id or 0}"))
    elif len(f"dr:s:{group_id or 0}:{search}:{page.pages}".encode()) <= SEARCH_BUTTON_BYTES:
        view.row(*pager_row(ctx, page, f"dr:s:{group_id or 0}:{search}"))
    elif page.pages > 1:
        view.body.extend(
            [
                Span("\n"),
                *ctx.tr("Showing the first {n}; narrow the search.", n=str(len(page.items))),
            ]
        )
    return view


SEARCH_BUTTON_BYTES = 64


async def _file_bytes(ctx: Ctx, row: DriveFile) -> bytes:
    if row.local_path:
        path = Path(ctx.services.files_dir) / row.local_path
        if path.is_file():
            return path.read_bytes()
    if row.platform != ctx.event.platform:
        raise DomainError(_N("This file was sent on another platform; open it there."))
    return await ctx.read_file(
        FileRef(file_id=row.file_id, name=row.name, size=row.size, mime=row.mime)
    )


# what mimetypes gets wrong or does not know: a .key sent to a team is a Keynote deck,
# not a PGP key
KNOWN_TYPES = {
    ".key": "application/vnd.apple.keynote",
    ".pages": "application/vnd.apple.pages",
    ".numbers": "application/vnd.apple.numbers",
}


def guess_mime(name: str) -> str | None:
    suffix = Path(name).suffix.casefold()
    return KNOWN_TYPES.get(suffix) or mimetypes.guess_type(name)[0]


async def store(ctx: Ctx, file: FileRef) -> DriveFile:
    """A file the person sent, kept in their drive (with a local copy where the
    platform keeps no files)."""
    mime = file.mime
    if mime == "application/octet-stream":
        mime = guess_mime(file.name) or mime
    local_path = None
    if ctx.event.platform in COPY_PLATFORMS:
        data = await ctx.read_file(file)
        # the name's end, in few enough bytes for a file system's 255
        disk_name = drive.clean_name(file.name)[-100:]
        relative = Path(str(ctx.me.team_id)) / f"{uuid.uuid4().hex}-{disk_name}"
        target = Path(ctx.services.files_dir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        local_path = str(relative)
    return await drive.save_file(
        ctx.session,
        ctx.me,
        platform=ctx.event.platform,
        file_id=file.file_id,
        name=file.name,
        size=file.size,
        mime=mime,
        local_path=local_path,
    )


def comment_attachment(row: DriveFile) -> str:
    """How a comment names the drive file it carries: "drive:ID:name"."""
    return f"drive:{row.id}:{row.name}"


def attachment_parts(attachment: str) -> tuple[int | None, str]:
    """(drive file id, name) of a comment's attachment; an older one, a platform's
    reference ("telegram:ID:name"), has only its name."""
    kind, _, rest = attachment.partition(":")
    file_id, _, name = rest.partition(":")
    if kind == "drive" and file_id.isdigit():
        return int(file_id), name
    return None, attachment.rsplit(":", 1)[-1]


@router.file
async def keep_file(ctx: Ctx) -> Any:
    """A file sent outside a dialog is kept in the drive (and attached, in reply to an item)."""
    if ctx.event.file is None:
        return None
    row = await store(ctx, ctx.event.file)
    head = ctx.tr("Saved to your drive: {name}.", name=bold(row.name))
    if ctx.reply_ref and not drive.attachable(ctx.reply_ref):  # a post, a report: kept all the same
        head = ctx.tr(
            "Saved to your drive: {name}. It is not attached to that message: files go on "
            "events, tasks, leads, deals, contacts and companies.",
            name=bold(row.name),
        )
    elif ctx.reply_ref:
        await drive.attach(ctx.session, ctx.me, row.id, ctx.reply_ref)
        head = ctx.tr(
            "Saved and attached to {item}: {name}.",
            item=item_name(ctx.tr, row.attached_to or ""),
            name=bold(row.name),
        )
    view = await card_view(ctx, row)
    view.body = [*head, Span("\n\n"), *view.body]
    return ctx.for_me(view)  # the sender's own drive: in a shared chat, to them alone


@router.command(
    "drive",
    help=N_("files: list and search, yours and your groups'"),
    usage=N_("/drive [#group] [search text] | /drive task|event|lead|deal ID"),
    lists=True,
)
async def drive_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    kind, _, rest = text.partition(" ")
    if kind.lower() in drive.ATTACHABLE and rest.strip().isdigit():
        return ctx.for_me(await item_view(ctx, f"{kind.lower()}:{rest.strip()}"))
    if text.startswith("#"):
        group, text = await resolve_group(ctx, text, to_read=True)
        return await list_view(ctx, 1, search=text, group_id=group.id)
    bound = await ctx.chat_group()  # a bound group chat lists (and searches) its group's files
    return await list_view(ctx, 1, search=text, group_id=bound.id if bound else None)


async def item_view(ctx: Ctx, ref: str, page_no: int = 1) -> View:
    """The files attached to one item (/drive task 12), a page at a time."""
    ref, files = await drive.item_files(ctx.session, ctx.me, ref)
    kind, _, item_id = ref.partition(":")
    lines: list[Any] = [
        ctx.tr("Files of {item} ({n})", item=item_name(ctx.tr, ref), n=str(len(files)))
    ]
    if not files:  # how a file gets there
        lines.append(ctx.tr("Send a file in reply to the item's message to attach it."))
    view = View()
    page = Page.of(files, page_no, ctx.services.page_size)
    for row in page.items:
        lines.append([Span("📄 "), bold(row.name), Span(f" · {size_text(ctx.tr, row.size)}")])
        view.row(Button(cut(f"📄 {row.name}", 60), f"dr:i:{row.id}:{kind}:{item_id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, f"dr:ip:{kind}:{item_id}"))
    return view


async def delete(ctx: Ctx, file_id: int) -> View:
    """Delete a file; its owner hears of it when someone else (an admin) did it, and
    the local copy goes once the deletion is committed."""
    row = await drive.delete_file(ctx.session, ctx.me, file_id)
    name = row.name
    if row.owner_id is not None:
        await ctx.notify(
            row.owner_id,
            "status",
            lambda tr: View(
                body=tr("{person} deleted your file {name}.", person=ctx.me.name, name=bold(name))
            ),
        )
    if row.local_path:
        path = Path(ctx.services.files_dir) / row.local_path

        @sa_event.listens_for(ctx.session.sync_session, "after_commit", once=True)
        def _remove_copy(_session: Any) -> None:
            path.unlink(missing_ok=True)

    return View(body=ctx.tr("Deleted {name}.", name=bold(name)))


@router.action("dr")
async def drive_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "l"
    if verb == "l":
        scope = ctx.int_arg(1) if len(ctx.action_args) > 1 else 0
        view = await list_view(ctx, ctx.page_arg(2), group_id=scope or None)
        view.edit = True
        return view
    if verb == "s" and len(ctx.action_args) > 3:  # a page of a search: dr:s:GROUP:TEXT:PAGE
        scope = ctx.int_arg(1)
        search = ":".join(ctx.action_args[2:-1])
        view = await list_view(ctx, ctx.page_arg(len(ctx.action_args) - 1), search, scope or None)
        view.edit = True
        return view
    # a file's card, the file itself, an item's files and the owner's changes are the
    # asker's own: in a shared chat, to them alone
    return ctx.for_me(await file_action(ctx, verb))


async def file_action(ctx: Ctx, verb: str) -> View:
    if verb == "ip" and len(ctx.action_args) > 2 and ctx.action_args[1] in drive.ATTACHABLE:
        ref = f"{ctx.action_args[1]}:{ctx.int_arg(2)}"  # a page of an item's files
        view = await item_view(ctx, ref, ctx.page_arg(3))
        view.edit = True
        return view
    file_id = ctx.int_arg(1)
    if verb == "o":
        return await card_view(ctx, await drive.get_file(ctx.session, ctx.me, file_id))
    if verb == "i" and len(ctx.action_args) > 2 and ctx.action_args[2] in drive.ATTACHABLE:
        ref = f"{ctx.action_args[2]}:{ctx.int_arg(3)}"
        row = await drive.get_item_file(ctx.session, ctx.me, file_id, ref)
        view = View(body=[Span("📄 "), bold(row.name)])
        view.file = Attachment(row.name, await _file_bytes(ctx, row), row.mime)
        return view
    if verb in ("get", "e"):
        if verb == "e":
            row = await drive.get_item_file(ctx.session, ctx.me, file_id, f"event:{ctx.int_arg(2)}")
        else:
            row = await drive.get_file(ctx.session, ctx.me, file_id)
        view = View(body=[Span("📄 "), bold(row.name)])
        view.file = Attachment(row.name, await _file_bytes(ctx, row), row.mime)
        return view
    if verb == "g":
        row = await drive.get_own(ctx.session, ctx.me, file_id)
        page = await groups.list_groups(
            ctx.session, ctx.me, page=ctx.page_arg(2), per_page=ctx.services.page_size, mine=True
        )
        view = View(body=ctx.tr("Which group gets {name}?", name=bold(row.name)))
        view.edit = ctx.page_arg(2) > 1
        for group in page.items:
            view.row(Button(group.name[:60], f"dr:gg:{row.id}:{group.id}"))
        view.row(*pager_row(ctx, page, f"dr:g:{row.id}"))
        if row.group_id:
            view.row(Button(ctx.tr.s("Only mine"), f"dr:gg:{row.id}:0"))
        return view
    if verb == "gg":
        target = ctx.int_arg(2)
        row = await drive.move_to_group(ctx.session, ctx.me, file_id, target or None)
        view = await card_view(ctx, row)
        target_group = await ctx.session.get(Group, row.group_id) if row.group_id else None
        if target_group is not None:  # the group's now: leaving it leaves the file there
            head = ctx.tr(
                "{name} belongs to the group {group} now: its members see it, and you "
                "keep it while you are in the group.",
                name=bold(row.name),
                group=bold(target_group.name),
            )
            view.body = [*head, Span("\n\n"), *view.body]
        view.edit = True
        return view
    if verb == "x":  # asked first: it cannot be undone
        row = await drive.get_own(ctx.session, ctx.me, file_id)
        view = View(body=ctx.tr("Delete {name}? This cannot be undone.", name=bold(row.name)))
        return view.row(
            Button(ctx.tr.s("Yes, delete it"), f"dr:xy:{row.id}"),
            Button(ctx.tr.s("Keep it"), f"dr:o:{row.id}"),
        )
    if verb == "xy":
        return await delete(ctx, file_id)
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)
