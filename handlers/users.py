"""/me: name, language, time zone, supervisor; typed or through buttons and forms."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import bold, code, join_lines
from handlers.people import ROLE_LABELS, person_field, pick_person
from handlers.users_link import code_view, link_here
from handlers.views import Button, View
from services import users
from services.access import Actor
from services.errors import N_ as _N

router = Router(__name__)
ORDER = 30

LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}
COMMON_ZONES = [
    "Europe/Moscow",
    "Europe/Kaliningrad",
    "Asia/Yekaterinburg",
    "Europe/London",
    "Europe/Berlin",
    "UTC",
]


async def profile_view(ctx: Ctx) -> View:
    user, supervisor = await users.me(ctx.session, ctx.me)
    lines = [
        [bold(user.name)],
        ctx.tr("Role: {role}", role=ctx.tr.s(ROLE_LABELS.get(user.role, user.role))),
        ctx.tr("Language: {language}", language=LANGUAGE_NAMES.get(user.locale, user.locale)),
        ctx.tr("Time zone: {zone}", zone=code(users.zone_label(user.timezone))),
        ctx.tr(
            "Supervisor: {name}",
            name=bold(supervisor.name) if supervisor else ctx.tr.s("not set"),
        ),
    ]
    view = View(body=join_lines(lines))
    other = "en" if user.locale == "ru" else "ru"
    view.row(
        Button(LANGUAGE_NAMES[other], f"me:l:{other}"),
        Button(ctx.tr.s("Time zone"), "me:z"),
    )
    if ctx.me.is_admin:  # supervisors are set by admins (/team supervisor for others)
        view.row(Button(ctx.tr.s("Name"), "me:n"), Button(ctx.tr.s("Supervisor"), "me:s"))
    else:
        view.row(Button(ctx.tr.s("Name"), "me:n"))
    return view


def _refresh(ctx: Ctx, user: Any) -> None:
    ctx.retranslate(Actor.of(user))


@router.command(
    "me",
    help=N_("your profile: name, language, time zone, supervisor"),
    usage=N_("/me [lang ru|en] [tz ZONE] [name NAME] [supervisor @PERSON] [link [CODE]]"),
    by_role={
        role: (
            N_("your profile: name, language, time zone"),
            N_("/me [lang ru|en] [tz ZONE] [name NAME] [link [CODE]]"),
        )
        for role in ("employee", "extranet")
    },
    personal=True,
)
async def me_command(ctx: Ctx) -> View:
    verb, _, rest = ctx.args.strip().partition(" ")
    verb = verb.lower()
    rest = rest.strip()
    if not verb:
        return await profile_view(ctx)
    if verb in ("lang", "language", "язык"):
        if not rest:
            return await ctx.start_form("me_lang")  # type: ignore[return-value]
        _refresh(ctx, await users.set_locale(ctx.session, ctx.me, rest))
        return View(body=ctx.tr("Language: {language}", language=LANGUAGE_NAMES[ctx.me.locale]))
    if verb in ("tz", "timezone", "zone", "пояс"):
        if not rest:
            return await ctx.start_form("me_tz")  # type: ignore[return-value]
        _refresh(ctx, await users.set_timezone(ctx.session, ctx.me, rest))
        return View(body=ctx.tr("Time zone: {zone}", zone=code(users.zone_label(ctx.me.timezone))))
    if verb in ("name", "имя"):
        if not rest:
            return await ctx.start_form("me_name")  # type: ignore[return-value]
        _refresh(ctx, await users.set_name(ctx.session, ctx.me, rest))
        return View(body=ctx.tr("Your name is now {name}.", name=bold(ctx.me.name)))
    if verb in ("link", "связать"):  # the same person on another platform
        return await link_here(ctx, rest) if rest else await code_view(ctx)
    if verb in ("supervisor", "boss", "руководитель"):
        users.may_set_supervisors(ctx.me)  # refused before any question is asked
        if not rest:
            return await ctx.start_form("me_supervisor")  # type: ignore[return-value]
        if rest.lower() in ("none", "нет", "-"):
            await users.set_supervisor(ctx.session, ctx.me, ctx.me.user_id, None)
            return View(body=ctx.tr("Supervisor: {name}", name=ctx.tr.s("not set")))
        picked = await pick_person(ctx, rest, lambda uid: f"me:sv:{uid}")
        if isinstance(picked, View):
            return picked
        await users.set_supervisor(ctx.session, ctx.me, ctx.me.user_id, picked.id)
        return View(body=ctx.tr("Supervisor: {name}", name=bold(picked.name)))
    return View(
        body=ctx.tr(
            "Use /me lang ru|en, /me tz ZONE, /me name NAME, /me supervisor @PERSON, or "
            "/me link to use your account on another platform too."
        )
    )


@router.action("me", personal=True)
async def me_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "l" and len(ctx.action_args) > 1:
        _refresh(ctx, await users.set_locale(ctx.session, ctx.me, ctx.action_args[1]))
        view = await profile_view(ctx)
        view.edit = True
        return view
    if verb == "z":
        return await ctx.start_form("me_tz")
    if verb == "n":
        return await ctx.start_form("me_name")
    if verb == "s":
        users.may_set_supervisors(ctx.me)
        return await ctx.start_form("me_supervisor")
    if verb == "sv":
        supervisor_id = ctx.int_arg(1)
        user = await users.set_supervisor(ctx.session, ctx.me, ctx.me.user_id, supervisor_id)
        del user
        return await profile_view(ctx)
    return await profile_view(ctx)


async def _zone_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [(zone, zone) for zone in COMMON_ZONES]


async def _lang_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [(name, code_) for code_, name in LANGUAGE_NAMES.items()]


async def _parse_zone(ctx: Ctx, raw: str) -> str:
    return users.parse_timezone(raw)


async def _parse_lang(ctx: Ctx, raw: str) -> str:
    value = raw.strip().lower()
    for code_, name in LANGUAGE_NAMES.items():
        if value in (code_, name.lower()):
            return code_
    from services.errors import DomainError

    raise DomainError(_N("Choose a language: ru or en."))


async def _submit_zone(ctx: Ctx, values: dict[str, Any]) -> View:
    _refresh(ctx, await users.set_timezone(ctx.session, ctx.me, values["zone"]))
    return await profile_view(ctx)


async def _submit_lang(ctx: Ctx, values: dict[str, Any]) -> View:
    _refresh(ctx, await users.set_locale(ctx.session, ctx.me, values["lang"]))
    return await profile_view(ctx)


async def _parse_name(ctx: Ctx, raw: str) -> str:
    """A name someone else has is asked again at once, not refused at the end."""
    return await users.check_name(ctx.session, ctx.me, raw)


async def _submit_name(ctx: Ctx, values: dict[str, Any]) -> View:
    _refresh(ctx, await users.set_name(ctx.session, ctx.me, values["name"]))
    return await profile_view(ctx)


async def _submit_supervisor(ctx: Ctx, values: dict[str, Any]) -> View:
    await users.set_supervisor(ctx.session, ctx.me, ctx.me.user_id, values["supervisor"])
    return await profile_view(ctx)


router.form(
    Form(
        name="me_tz",
        title=N_("Time zone"),
        fields=[
            Field(
                "zone",
                N_("Your time zone? Pick one or type it, e.g. Asia/Almaty or +5."),
                _parse_zone,
                choices=_zone_choices,
            )
        ],
        submit=_submit_zone,
    )
)
router.form(
    Form(
        name="me_lang",
        title=N_("Language"),
        fields=[Field("lang", N_("Which language?"), _parse_lang, choices=_lang_choices)],
        submit=_submit_lang,
    )
)
router.form(
    Form(
        name="me_name",
        title=N_("Name"),
        fields=[Field("name", N_("How should the team call you?"), _parse_name, max_length=200)],
        submit=_submit_name,
    )
)
router.form(
    Form(
        name="me_supervisor",
        title=N_("Supervisor"),
        fields=[
            Field(
                "supervisor", N_("Who is your supervisor? Type a name or @username."), person_field
            )
        ],
        submit=_submit_supervisor,
    )
)
