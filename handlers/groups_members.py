"""A group's members: the list, adding and removing people (one or several @names) and
handing the group to a new owner, with the notices each change sends."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, pager_row
from handlers.i18n import Translator
from handlers.markup import Markup, Span, bold, join_lines
from handlers.people import person_field, pick_person
from handlers.views import Button, View
from models.chats import ChatBinding
from models.groups import Group
from services import chats, drive, groups_members, tasks
from services.errors import N_ as _N
from services.errors import DomainError


async def members_view(ctx: Ctx, group_id: int, page_no: int) -> View:
    group, page = await groups_members.members(
        ctx.session, ctx.me, group_id, page=page_no, per_page=ctx.services.page_size
    )
    lines: list[Any] = [
        ctx.tr("Members of {group} ({count})", group=bold(group.name), count=str(page.total))
    ]
    role_names = {"owner": ctx.tr.s("owner"), "moderator": ctx.tr.s("moderator"), "member": ""}
    for user, role in page.items:
        suffix = f" — {role_names[role]}" if role_names.get(role) else ""
        extranet = f" ({ctx.tr.s('extranet')})" if user.role == "extranet" else ""
        lines.append([Span("• "), bold(user.name), Span(extranet + suffix)])
    view = View(body=join_lines(lines))
    view.row(*pager_row(ctx, page, f"grp:u:{group.id}"))
    view.row(Button(ctx.tr.s("Back"), f"grp:o:{group.id}"))
    return view


async def change_members(ctx: Ctx, verb: str, group: Group, tail: str) -> View:
    """`/groups add|remove|owner GROUP @person...`: one person (picked if the name is
    not enough), or each of several @names in turn (add and remove)."""
    if not tail:
        raise DomainError(_N("Whom? For example: /groups {verb} Sales @anna"), verb=verb)
    code_ = {"add": "ad", "добавить": "ad", "remove": "rm", "удалить": "rm"}.get(verb, "ow")
    several = _people_list(tail) if code_ in ("ad", "rm") and tail.count("@") > 1 else []
    if several:  # "/groups add Sales @Анна Иванова, @Пётр и @Олег": each of them
        ids = list(dict.fromkeys([await person_field(ctx, name, handle=True) for name in several]))
        lines = []
        for uid in ids:
            try:
                lines.append((await member_change(ctx, code_, group.id, uid)).body)
            except DomainError as err:  # already in (or not in) the group: said, not fatal
                lines.append(ctx.tr(err.key, **{k: str(v) for k, v in err.params.items()}))
        return View(body=join_lines(lines))
    picked = await pick_person(ctx, tail, lambda uid: f"grp:{code_}:{group.id}:{uid}")
    if isinstance(picked, View):
        return picked
    return await member_change(ctx, code_, group.id, picked.id)


def _people_list(text: str) -> list[str]:
    """ "@Анна Иванова, @Пётр и @Олег" -> ["Анна Иванова", "Пётр", "Олег"]."""
    names = []
    for chunk in text.split("@")[1:]:
        words = chunk.replace(",", " ").replace(";", " ").split()
        while words and words[-1].casefold() in ("и", "and", "&"):
            words.pop()
        if words:
            names.append(" ".join(words))
    return names


PLATFORM_NAMES = {"telegram": "Telegram", "slack": "Slack"}


def _chat_name(binding: ChatBinding, group: Group) -> str:
    where = PLATFORM_NAMES.get(binding.platform, binding.platform)
    if binding.title:
        where = f"{where} «{binding.title}»"
    return f"{group.name} ({where})"


async def take_out(ctx: Ctx, person: str, user_id: int, bound: chats.Bound) -> Markup | None:
    """The removed person is taken out of the chats bound to the groups they left, where
    the bot knows their account; what the remover is told of it (and, later, of each
    chat where the bot may not)."""
    if not bound:
        return None
    refused = {
        chats.chat_key(binding): View(
            body=ctx.tr(
                "The bot could not remove {person} from the chat {chat}: it needs to be an "
                "admin there allowed to remove members. Remove them there yourself, or they "
                "will keep reading what the group says there.",
                person=bold(person),
                chat=_chat_name(binding, group),
            )
        ).to_dict()
        for binding, group in bound
    }
    taken, by_hand = await chats.take_out_of_chats(ctx.session, ctx.me, user_id, bound, refused)
    lines: list[Markup] = []
    if taken:
        lines.append(
            ctx.tr.n(
                "The bot takes {person} out of the chat {chats}; if it is not allowed to "
                "there, you will be told.",
                "The bot takes {person} out of the chats {chats}; where it is not allowed "
                "to, you will be told.",
                len(taken),
                person=bold(person),
                chats=", ".join(_chat_name(*pair) for pair in taken),
            )
        )
    if by_hand:
        lines.append(
            ctx.tr.n(
                "The bot cannot take {person} out of the chat {chats} itself: if they are "
                "in it, remove them there, or they will keep reading what the group says "
                "there.",
                "The bot cannot take {person} out of the chats {chats} itself: if they are "
                "in them, remove them there, or they will keep reading what is said there.",
                len(by_hand),
                person=bold(person),
                chats=", ".join(_chat_name(*pair) for pair in by_hand),
            )
        )
    return join_lines(lines)


async def member_change(ctx: Ctx, code_: str, group_id: int, user_id: int) -> View:
    if code_ == "ad":
        group, user = await groups_members.add_member(ctx.session, ctx.me, group_id, user_id)
        await ctx.notify(
            user.id,
            "group_added",
            lambda tr: View(
                body=tr(
                    "{person} added you to the group {group}.",
                    person=bold(ctx.me.name),
                    group=bold(group.name),
                )
            ),
        )
        return View(
            body=ctx.tr(
                "{person} is now a member of {group}.",
                person=bold(user.name),
                group=bold(group.name),
            )
        )
    if code_ == "rm":
        bound = await chats.member_chats(ctx.session, user_id, [group_id])
        group, user = await groups_members.remove_member(ctx.session, ctx.me, group_id, user_id)
        remover = ctx.me.name
        files = await drive.count_in_group(ctx.session, user.id, group.id)

        def removed(tr: Translator) -> View:
            text = tr(
                "{person} removed you from the group {group}.",
                person=bold(remover),
                group=bold(group.name),
            )
            if files:  # theirs no more: the group's, as moving them there said
                text = [
                    *text,
                    Span(" "),
                    *tr.n(
                        "The {n} file you put in the group stays with it.",
                        "The {n} files you put in the group stay with it.",
                        files,
                    ),
                ]
            return View(body=text)

        await ctx.notify(user.id, "group_added", removed)
        view = View(
            body=ctx.tr(
                "{person} is no longer in {group}.", person=bold(user.name), group=bold(group.name)
            )
        )
        left, total = await tasks.open_in_group_for(ctx.session, group.id, user.id)
        if total:  # still theirs, where they may no longer see them: to hand over
            names = ", ".join(f"#{t.id} {t.title[:40]}" for t in left)
            view.body = [
                *view.body,
                Span("\n"),
                *ctx.tr.n(
                    "They are still responsible for {n} open task of the group: {tasks}. "
                    "Hand it over.",
                    "They are still responsible for {n} open tasks of the group: {tasks}. "
                    "Hand them over.",
                    total,
                    tasks=names,
                ),
            ]
            for task in left:
                view.row(Button(f"#{task.id} {task.title}"[:60], f"t:o:{task.id}"))
        told = await take_out(ctx, user.name, user.id, bound)
        if told:
            view.body = [*view.body, Span("\n"), *told]
        return view
    group, user = await groups_members.set_owner(ctx.session, ctx.me, group_id, user_id)
    return View(
        body=ctx.tr("{person} now owns {group}.", person=bold(user.name), group=bold(group.name))
    )
