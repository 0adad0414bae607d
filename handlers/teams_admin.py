"""/team's admin words (roles, invites, removing and restoring people) and their buttons."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines
from handlers.people import ROLE_LABELS, pick_person
from handlers.teams_removal import (
    confirm_removal,
    pick_successor,
    remove,
    removed_page,
    restore,
    restore_by_name,
)
from handlers.views import Button, View
from services import groups, teams, teams_invites
from services.access import require_admin
from services.errors import DomainError

router = Router(__name__)

ADMIN_VERBS = {
    "remove": "remove",
    "удалить": "remove",
    "исключить": "remove",
    "restore": "restore",
    "вернуть": "restore",
    "removed": "removed",
    "исключённые": "removed",
    "исключенные": "removed",
    "role": "role",
    "роль": "role",
    "invites": "invites",
    "приглашения": "invites",
    "supervisor": "supervisor",
    "boss": "supervisor",
    "руководитель": "supervisor",
}
ROLE_WORDS = {
    "admin": "admin",
    "админ": "admin",
    "администратор": "admin",
    "администратором": "admin",
    "employee": "employee",
    "сотрудник": "employee",
    "сотрудником": "employee",
}


_WHOM = {
    "remove": N_("Whom? For example: /team remove @Boris"),
    "role": N_("For example: /team role @Boris admin"),
}


async def team_admin(ctx: Ctx, verb: str, rest: str) -> View:
    """/team VERB REST, for an admin: a verb of ADMIN_VERBS."""
    if verb == "invites":
        return await _invites_page(ctx, 1)
    if verb == "removed" or (verb == "restore" and not rest):
        return await removed_page(ctx, 1)
    if not rest:  # each action's own example: "/team role" is not told to remove anyone
        raise DomainError(_WHOM[verb])
    if verb == "restore":
        return await restore_by_name(ctx, rest)
    words = rest.split()
    if verb == "role":
        role = ROLE_WORDS.get(words[-1].casefold()) if len(words) > 1 else None
        if role is None:
            raise DomainError(N_("For example: /team role @Boris admin"))
        picked = await pick_person(ctx, " ".join(words[:-1]), lambda uid: f"tmr:r:{uid}:{role}")
        if isinstance(picked, View):
            return picked
        return await _set_role(ctx, picked.id, role)
    picked = await pick_person(ctx, rest, lambda uid: f"tmr:x:{uid}")
    if isinstance(picked, View):
        return picked
    return await confirm_removal(ctx, picked.id)


async def _set_role(ctx: Ctx, user_id: int, role: str) -> View:
    user = await teams.set_role(ctx.session, ctx.me, user_id, role)
    label = ctx.tr.s(ROLE_LABELS[role])
    return View(body=ctx.tr("{person} is {role} now.", person=bold(user.name), role=label))


async def _invites_page(ctx: Ctx, page_no: int) -> View:
    page = await teams_invites.open_invites(ctx.session, ctx.me, page_no, ctx.services.page_size)
    lines: list[Any] = [ctx.tr("Invites that work ({count})", count=str(page.total))]
    if not page.items:
        lines.append(ctx.tr("None. Make one: /invite"))
    view = View()
    names = await groups.names_of(
        ctx.session, {i.group_id for i in page.items if i.group_id is not None}
    )
    for invite in page.items:
        who = (
            ctx.tr.s("employee")
            if invite.group_id is None
            else ctx.tr.s("extranet, {group}", group=names.get(invite.group_id, "?"))
        )
        lines.append(
            [
                Span(f"• {invite.code} — {who}, "),
                *ctx.tr(
                    "used {uses} of {max}, until {when}",
                    uses=str(invite.uses),
                    max=str(invite.max_uses),
                    when=ctx.tr.when(invite.expires_at),
                ),
            ]
        )
        view.row(Button(ctx.tr.s("Revoke {code}", code=invite.code), f"tmr:v:{invite.id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "tmr:i"))
    return view


@router.action("tmr", personal=True)
async def team_admin_action(ctx: Ctx) -> View:
    verb = ctx.action_args[0] if ctx.action_args else ""
    require_admin(ctx.me)
    if verb == "c":
        return View(body=ctx.tr("Nothing was changed."), edit=True)
    successor = ctx.int_arg(2) if len(ctx.action_args) > 2 else None
    if verb == "x":
        return await confirm_removal(ctx, ctx.int_arg(1), successor)
    if verb == "p":
        return await pick_successor(ctx, ctx.int_arg(1), ctx.page_arg(2))
    if verb == "rx":
        return await remove(ctx, ctx.int_arg(1), successor)
    if verb == "rl":
        view = await removed_page(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    if verb == "rs":
        return await restore(ctx, ctx.int_arg(1))
    if verb == "r":
        role = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        return await _set_role(ctx, ctx.int_arg(1), role)
    if verb == "i":
        view = await _invites_page(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    if verb == "v":
        invite = await teams_invites.revoke_invite(ctx.session, ctx.me, ctx.int_arg(1))
        view = await _invites_page(ctx, 1)
        view.body = [
            *ctx.tr("The invite {code} no longer works.", code=invite.code),
            Span("\n\n"),
            *view.body,
        ]
        view.edit = True
        return view
    raise DomainError(N_("This button is out of date. Open the list again."))
