"""/invite: a code and link that let an employee into the team, or an outside member
into one group (extranet)."""

from __future__ import annotations

from handlers.core import ADMINS, Ctx, Router, pager_row
from handlers.i18n import N_
from handlers.markup import bold, code, join_lines, link
from handlers.views import Button, View
from models.groups import Group
from services import groups, teams_invites
from services.errors import DomainError

router = Router(__name__)
ORDER = 10


def _invite_view(ctx: Ctx, code_value: str, group_name: str | None) -> View:
    lines = []
    if group_name is None:
        lines.append(ctx.tr("An invite for an employee of your team."))
    else:
        lines.append(ctx.tr("An invite for an extranet member of {group}.", group=bold(group_name)))
    lines.append(ctx.tr("Code: {code}", code=code(code_value)))
    lines.append(ctx.tr("The newcomer sends: {command}", command=code(f"/start {code_value}")))
    builder = ctx.services.invite_links.get(ctx.event.platform)
    if builder is not None:
        url = builder(code_value)
        lines.append(ctx.tr("Or opens: {link}", link=link(url, url)))
    lines.append(ctx.tr("It works for {days} days.", days=str(ctx.services.invite_ttl_days)))
    # a code that lets anyone in: never shown to a whole channel or group
    return View(body=join_lines(lines), private=True)


@router.command(
    "invite",
    help=N_("invite an employee, or an extranet member of a group"),
    usage=N_("/invite [extranet GROUP]"),
    by_role={
        "employee": (
            N_("invite an outside member to a group you own"),
            N_("/invite extranet GROUP"),
        )
    },
    roles=ADMINS | {"employee"},
)
async def invite_command(ctx: Ctx) -> View:
    actor = ctx.me
    verb, _, rest = ctx.args.strip().partition(" ")
    if verb.lower() in ("extranet", "экстранет", "guest", "гость"):
        if not rest.strip():
            return await _pick_group_for_extranet(ctx)
        # an archived group is found, for the invite to be refused as read-only
        found = await groups.find_groups(ctx.session, actor, rest, to_read=True)
        if len(found) != 1:
            return await _pick_group_for_extranet(ctx)
        invite = await teams_invites.create_invite(
            ctx.session,
            actor,
            role="extranet",
            group_id=found[0].id,
            ttl_days=ctx.services.invite_ttl_days,
        )
        return _invite_view(ctx, invite.code, found[0].name)
    if verb:
        raise DomainError(
            N_("Use /invite for an employee or /invite extranet GROUP for a contractor.")
        )
    if not actor.is_admin:  # what an employee may do instead, not a bare refusal
        raise DomainError(
            N_(
                "Only an admin invites employees. You can invite an outside member to a "
                "group you own: /invite extranet GROUP"
            )
        )
    invite = await teams_invites.create_invite(
        ctx.session, actor, role="employee", ttl_days=ctx.services.invite_ttl_days
    )
    view = _invite_view(ctx, invite.code, None)
    view.row(Button(ctx.tr.s("Invite to a group (extranet)"), "inv:x"))
    return view


async def _pick_group_for_extranet(ctx: Ctx, page_no: int = 1) -> View:
    page = await groups.list_groups(
        ctx.session,
        ctx.me,
        page=page_no,
        per_page=ctx.services.page_size,
        manageable=True,
    )
    if not page.items and not ctx.me.is_admin:
        raise DomainError(
            N_("Only admins and group owners invite extranet members, each to their group.")
        )
    if not page.items:
        return View(body=ctx.tr("Create a group first: /groups new NAME"))
    view = View(body=ctx.tr("Which group will the extranet member join?"), edit=page_no > 1)
    for group in page.items:
        view.row(Button(group.name[:60], f"inv:g:{group.id}"))
    view.row(*pager_row(ctx, page, "inv:x"))
    return view


@router.action("inv", personal=True)
async def invite_action(ctx: Ctx) -> View:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "g":
        invite = await teams_invites.create_invite(  # it checks the group (ids are untrusted)
            ctx.session,
            ctx.me,
            role="extranet",
            group_id=ctx.int_arg(1),
            ttl_days=ctx.services.invite_ttl_days,
        )
        group = await ctx.session.get(Group, invite.group_id)  # loaded by the check
        assert group is not None
        return _invite_view(ctx, invite.code, group.name)
    return await _pick_group_for_extranet(ctx, ctx.page_arg(1))
