"""/start, /team, /people and the console's /as (/invite: handlers.teams_invites; /team's
admin words: handlers.teams_admin)."""

from __future__ import annotations

from datetime import timedelta

from handlers.core import Ctx, Router, pager_row
from handlers.i18n import N_, Translator
from handlers.inbox import hours_text
from handlers.markup import Span, bold, code, join_lines
from handlers.menu import menu_view
from handlers.people import ROLE_LABELS
from handlers.teams_admin import ADMIN_VERBS, team_admin
from handlers.teams_quiet import WORDS as QUIET_WORDS
from handlers.teams_quiet import quiet_command
from handlers.teams_supervisor import set_from_text
from handlers.timeman_days_off import WORDS as DAYS_OFF_WORDS
from handlers.timeman_days_off import days_off_command
from handlers.users_link import link_here
from handlers.views import Button, View
from models import db
from models.base import utcnow
from models.teams import Team, User
from services import groups, notifications_quiet, teams, teams_invites, teams_links, users
from services.access import require_admin
from services.errors import DomainError
from services.teams import Newcomer

router = Router(__name__)
ORDER = 10


def _newcomer(ctx: Ctx) -> Newcomer:
    sender = ctx.event.sender
    return Newcomer(
        platform=ctx.event.platform,
        external_id=sender.external_id,
        name=sender.name,
        username=sender.username,
        locale=sender.language_code,
        timezone=sender.timezone,
        chat_id=ctx.event.chat.chat_id if ctx.event.chat.private else None,
    )


async def _tell_inviter(ctx: Ctx, code_text: str, group: str | None) -> None:
    """Whoever made the invite hears that it was used, and by whom."""
    made_by = await teams_invites.inviter(ctx.session, code_text)
    if made_by is None:
        return
    person = ctx.me.name

    def build(tr: Translator) -> View:
        if group is None:
            return View(body=tr("{person} joined the team with your invite.", person=bold(person)))
        return View(
            body=tr(
                "{person} joined the group {group} with your invite.",
                person=bold(person),
                group=bold(group),
            )
        )

    await ctx.notify(made_by, "group_added", build)


@router.command(
    "start",
    help=N_("create a team, or join one with an invite code"),
    usage=N_("/start [CODE]"),
    public=True,
    personal=True,  # a welcome and a person's menu: in a group chat, to them alone
    chats="private",
)
async def start(ctx: Ctx) -> list[View]:
    code_text = ctx.args.strip()
    if teams_links.looks_like_code(code_text):
        return [await link_here(ctx, code_text)]  # this account is someone's on another platform
    if ctx.actor is not None:
        if code_text:  # an invite to another group of the same team: that group is joined
            joined, fresh = await teams_invites.join_group_with_invite(
                ctx.session, ctx.me, code_text
            )
            group = await groups.get_group(ctx.session, ctx.me, joined)
            if fresh:
                await _tell_inviter(ctx, code_text, group.name)
            return [
                View(
                    body=ctx.tr(
                        "You are now a member of the group {group}.", group=bold(group.name)
                    )
                )
            ]
        user = await db.get(ctx.session, User, ctx.actor.user_id)
        if user is not None and user.created_at > utcnow() - timedelta(minutes=1):
            # joined just now, on first contact (a Slack workspace is a team): a welcome
            team = await ctx.session.get(Team, ctx.actor.team_id)
            lines = [
                ctx.tr(
                    "Welcome to {team}, {name}!",
                    team=bold(team.name if team else ""),
                    name=bold(ctx.actor.name),
                ),
                ctx.tr(
                    "Your time zone is {zone}; change it with /me tz ZONE.",
                    zone=code(users.zone_label(ctx.actor.timezone)),
                ),
                ctx.tr("Send /help to see what you can do."),
            ]
            return [View(body=join_lines(lines)), await menu_view(ctx)]
        welcome = View(body=ctx.tr("Welcome back, {name}!", name=bold(ctx.actor.name)))
        return [welcome, await menu_view(ctx)]
    if not ctx.event.chat.private:
        # a team is made, or joined with a code, in a private chat: not in front of a group
        return [
            View(
                body=ctx.tr("Send /start to me in a private chat to create or join a team."),
                private=True,
            )
        ]
    if code_text:
        actor, group_id = await teams_invites.join_with_invite(
            ctx.session, code_text, _newcomer(ctx)
        )
        ctx.retranslate(actor)
        team = await ctx.session.get(Team, actor.team_id)
        assert team is not None
        lines = [ctx.tr("Welcome to {team}, {name}!", team=bold(team.name), name=bold(actor.name))]
        invited_to = None
        if group_id is not None:
            invited_to = (await groups.get_group(ctx.session, actor, group_id)).name
            lines.append(
                ctx.tr("You are an extranet member of the group {group}.", group=bold(invited_to))
            )
        await _tell_inviter(ctx, code_text, invited_to)
        # the zone was taken from the team (Telegram tells none): said, and how to change it
        lines.append(
            ctx.tr(
                "Your time zone is {zone}; change it with /me tz ZONE.",
                zone=code(users.zone_label(actor.timezone)),
            )
        )
        lines.append(ctx.tr("Send /help to see what you can do."))
        return [View(body=join_lines(lines)), await menu_view(ctx)]
    actor = await teams.create_team(
        ctx.session,
        _newcomer(ctx),
        team_name=ctx.tr.s("{name}'s team", name=ctx.event.sender.name),
        default_timezone=ctx.services.default_timezone,
        default_locale=ctx.services.default_locale,
        quiet_hours=ctx.services.default_quiet_hours,
    )
    ctx.retranslate(actor)
    body = join_lines(
        [
            ctx.tr("Your team is ready and you are its admin, {name}.", name=bold(actor.name)),
            ctx.tr("Invite colleagues with /invite, create groups with /groups new NAME."),
            ctx.tr(
                "Your time zone is {zone}; change it with /me tz ZONE.",
                zone=code(users.zone_label(actor.timezone)),
            ),
        ]
    )
    return [View(body=body), await menu_view(ctx)]


@router.command(
    "team",
    help=N_(
        "your team; admins rename it, manage its people and invites, and set the quiet "
        "hours of everyone who sets none of their own (a new team has 22:00–08:00)"
    ),
    usage=N_(
        "/team [name NEW NAME | role @person admin|employee | supervisor @person "
        "@supervisor | remove @person | removed | restore NAME | invites | "
        "holidays [add DAYS NAME | workday DAY | remove DAY] | quiet 22:00-08:00|off]"
    ),
    by_role={
        "employee": (N_("your team and its people"), N_("/team [holidays]")),
        "extranet": (N_("the people you work with"), N_("/team")),
    },
    personal=True,
)
async def team_command(ctx: Ctx) -> View:
    actor = ctx.me
    verb, _, rest = ctx.args.strip().partition(" ")
    team = await ctx.session.get(Team, actor.team_id)
    assert team is not None
    admin_verb = ADMIN_VERBS.get(verb.lower())
    if admin_verb == "supervisor":  # an admin's, refused with whom to ask
        return await set_from_text(ctx, rest.strip())
    if verb.lower() in DAYS_OFF_WORDS and not actor.is_extranet:  # admins change them
        return await days_off_command(ctx, rest)
    if verb.lower() in QUIET_WORDS:  # anyone sees them, admins change them
        return await quiet_command(ctx, rest)
    if admin_verb is not None:
        require_admin(actor)
        return await team_admin(ctx, admin_verb, rest.strip())
    if verb.lower() in ("leave", "выйти"):
        await teams.may_leave(ctx.session, actor)  # refused at once, not after a "yes"
        view = View(
            body=ctx.tr(
                "Leave the team {team}? You are alone in it: the team and everything in it "
                "are deleted, and you can join another with its invite.",
                team=bold(team.name),
            )
        )
        return view.row(
            Button(ctx.tr.s("Yes, leave and delete it"), "tml:y"),
            Button(ctx.tr.s("Cancel"), "tml:n"),
        )
    if verb and verb.lower() not in ("name", "rename", "имя"):
        raise DomainError(
            N_("Unknown word {word}. For example: /team invites, /team remove @Boris"),
            word=verb,
        )
    if verb.lower() in ("name", "rename", "имя"):
        require_admin(actor)
        name = " ".join(rest.split())
        if not name or len(name) > 200:
            raise DomainError(N_("A team name needs 1 to 200 characters."))
        team.name = name
        await ctx.session.flush()
        return View(body=ctx.tr("The team is now called {team}.", team=bold(name)))
    if actor.is_extranet:  # they see the people they share a group with, and count them
        count = (await users.list_people(ctx.session, actor, page=1, per_page=1)).total
    else:
        count = await teams.count_members(ctx.session, actor)
    quiet = await notifications_quiet.team_quiet_hours(ctx.session, actor)
    body = join_lines(
        [
            [bold(team.name)],
            ctx.tr("Members: {count}", count=str(count)),
            ctx.tr("Your role: {role}", role=ctx.tr.s(ROLE_LABELS.get(actor.role, actor.role))),
            ctx.tr("Quiet hours: {hours}", hours=hours_text(quiet))
            if quiet is not None
            else ctx.tr("Quiet hours: none"),
        ]
    )
    return View(body=body).row(Button(ctx.tr.s("People"), "ppl:l:1"))


@router.action("tml", personal=True)
async def leave_action(ctx: Ctx) -> View:
    if (ctx.action_args[0] if ctx.action_args else "") != "y":
        return View(body=ctx.tr("Nothing was changed."), edit=True)
    name = await teams.leave_own_team(ctx.session, ctx.me)
    return View(
        body=ctx.tr(
            "You left {team}; it is deleted. Join a team with /start CODE, or make a new "
            "one with /start.",
            team=bold(name),
        ),
        edit=True,
    )


# roles, and for admins who reports to whom: the asker's alone, not a channel's
@router.command("people", help=N_("the people of your team"), personal=True)
async def people_command(ctx: Ctx) -> View:
    return await _people_page(ctx, 1)


@router.action("ppl", personal=True)
async def people_action(ctx: Ctx) -> View:
    view = await _people_page(ctx, ctx.page_arg(1))
    view.edit = True
    return view


async def _people_page(ctx: Ctx, page_no: int) -> View:
    page = await users.list_people(
        ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size
    )
    lines: list = [ctx.tr("People ({count})", count=str(page.total))]
    # admins set supervisors (/team supervisor): they see who reports to whom
    bosses = {u.supervisor_id for u in page.items if ctx.me.is_admin and u.supervisor_id}
    names = await users.names_of(ctx.session, ctx.me, bosses)
    for user in page.items:
        role = ctx.tr.s(ROLE_LABELS.get(user.role, user.role))
        line = [Span("• "), bold(user.name), Span(f" — {role}")]
        if user.supervisor_id in names:
            line += ctx.tr(", supervisor {name}", name=names[user.supervisor_id])
        lines.append(line)
    view = View(body=join_lines(lines))
    view.row(*pager_row(ctx, page, "ppl:l"))
    return view


@router.command(
    "as",
    help=N_("play another person of your team (console)"),
    usage=N_("/as NAME"),
    platforms=["console"],
    public=True,
)
async def as_command(ctx: Ctx) -> View:
    name = " ".join(ctx.args.split())
    if not name:
        raise DomainError(N_("Whom do you want to play? /as NAME"))
    key = name.casefold()
    if ctx.actor is None:
        view = View(
            body=ctx.tr(
                "You are now {name}. Send /start to create a team or join one.", name=bold(name)
            )
        )
    else:
        other = await teams.add_local_member(ctx.session, ctx.actor, ctx.event.platform, name)
        view = View(body=ctx.tr("You are now {name}.", name=bold(other.name)))
    view.meta["console_identity"] = key
    view.meta["console_name"] = name
    return view
