"""/team supervisor: an admin sets whom a person reports to. The supervisor approves
their time corrections, reads their reports and shares their CRM department, so the
person does not choose them (/me supervisor is an admin's only)."""

from __future__ import annotations

from handlers.core import Ctx
from handlers.markup import bold
from handlers.people import nobody_said, person_field
from handlers.views import View
from models import db
from models.teams import User
from services import users
from services.errors import N_, DomainError


async def set_from_text(ctx: Ctx, text: str) -> View:
    """Anna becomes Boris's supervisor for "@Boris @Anna"; "@Boris none": he has none."""
    users.may_set_supervisors(ctx.me)
    person = nobody_said(text)
    if person:
        person_id = await person_field(ctx, person)
        user = await users.set_supervisor(ctx.session, ctx.me, person_id, None)
        return View(body=ctx.tr("{person} has no supervisor now.", person=bold(user.name)))
    names = [name.strip(" ,;") for name in text.split("@")[1:]]
    names = [name for name in names if name]
    if len(names) != 2 or text.split("@", 1)[0].strip():
        raise DomainError(
            N_(
                "For example: /team supervisor @Boris @Anna (Anna becomes Boris's "
                "supervisor), or /team supervisor @Boris none"
            )
        )
    person_id = await person_field(ctx, names[0])
    supervisor_id = await person_field(ctx, names[1])
    user = await users.set_supervisor(ctx.session, ctx.me, person_id, supervisor_id)
    supervisor = await db.get(ctx.session, User, supervisor_id)
    assert supervisor is not None  # set_supervisor found them
    return View(
        body=ctx.tr(
            "{person}'s supervisor is now {supervisor}.",
            person=bold(user.name),
            supervisor=bold(supervisor.name),
        )
    )
