"""Whom do you mean? A name several people share stops what was being done (nothing of
it is kept); the person picks one, and it is done again knowing whom they meant."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from handlers.core import Ctx, Reply, Router
from handlers.forms import PERSON_ID, Field, Form, person_answer
from handlers.markup import Span, bold
from handlers.people import Several, person_labels, pick_key
from handlers.views import View
from services import dialogs, users
from services.errors import N_, DomainError

router = Router(__name__)

FORM = "person_pick"


async def settle(ctx: Ctx, resume: dict[str, Any], run: Callable[[], Awaitable[Reply]]) -> Reply:
    """`run`, and when a name in it means several people, nothing of it kept and the
    question which one; `resume` says what the answer does again (see _again)."""
    try:
        async with ctx.session.begin_nested():
            return await run()
    except Several as several:
        return await ask_which(ctx, several, resume)


async def ask_which(ctx: Ctx, several: Several, resume: dict[str, Any]) -> Reply:
    """The question, with a button for each person, as the forms ask it."""
    labels = await person_labels(ctx, several.people)
    data = {
        "people": [[labels[user.id], user.id] for user in several.people],
        "token": several.token,
        "picked": dict(ctx.picked),
        "resume": resume,
    }
    question = await ctx.start_form(FORM, data)
    said = ctx.tr("Several people match {name}.", name=bold(several.token))
    if isinstance(question, View):
        question.body = [*said, Span("\n"), *question.body]
        return question
    return [View(body=said, private=True), *(question or [])]


async def which_typed(ctx: Ctx, several: Several) -> str:
    """The question as a form shown whole asks it (a Slack modal, in the error of the
    field the name was typed in): the people named as its buttons would name them, for
    the person to type again the one they mean (handlers.people.as_listed reads it)."""
    labels = await person_labels(ctx, several.people)
    listed = "; ".join(labels[user.id] for user in several.people)
    handles = {user.username.casefold() for user in several.people if user.username}
    if len(handles) == len(several.people):
        msgid = N_("Several people match {name}: {people}. Whom do you mean? Type their @username.")
    else:
        msgid = N_(
            "Several people match {name}: {people}. Whom do you mean? Type them as listed here."
        )
    return ctx.tr.s(msgid, name=several.token, people=listed)


async def _values(ctx: Ctx) -> dict[str, Any]:
    ev = ctx.event
    state = await dialogs.get(ctx.session, ev.platform, ev.chat.chat_id, ev.sender.external_id)
    return dict(state.data.get("values", {})) if state is not None else {}


async def _choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [(str(label), person_answer(int(uid))) for label, uid in (await _values(ctx))["people"]]


async def _parse(ctx: Ctx, raw: str) -> int:
    """A pressed button, or a name or @username that tells one of them."""
    values = await _values(ctx)
    ids = [int(uid) for _label, uid in values.get("people", [])]
    value = raw.strip()
    picked = value.removeprefix(PERSON_ID)
    if picked != value and picked.isdigit() and int(picked) in ids:
        return int(picked)
    named = [user.id for user in await users.find_people(ctx.session, ctx.me, value)]
    among = [uid for uid in ids if uid in named]
    if len(among) == 1:
        return among[0]
    raise DomainError(N_("Press the button of the person you mean, or /cancel."))


async def _again(ctx: Ctx, values: dict[str, Any]) -> Reply:
    """What was stopped, done again with the person picked (and those picked before)."""
    ctx.picked = {**values.get("picked", {}), pick_key(values["token"]): int(values["who"])}
    resume = dict(values["resume"])
    if "form" in resume:
        return await ctx.registry.forms_engine.resume(ctx, resume)
    spec = ctx.registry.commands.get(resume["command"])
    if spec is None or ctx.me.role not in spec.roles:
        return None
    ctx.event = replace(ctx.event, kind="command", command=resume["command"], args=resume["args"])
    return await settle(ctx, resume, lambda: spec.handler(ctx))


router.form(
    Form(
        name=FORM,
        title=N_("Whom do you mean?"),
        fields=[Field("who", N_("Whom do you mean?"), parse=_parse, choices=_choices)],
        submit=_again,
    )
)
