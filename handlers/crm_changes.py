"""What the buttons every CRM card shares change: a comment, the responsible person, a
custom field's value, and a lead's status, each told to whoever it concerns (the
buttons themselves: handlers.crm)."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, Router
from handlers.crm_activities import remind_owner
from handlers.crm_card_parts import prefixed
from handlers.crm_cards import card
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator, translator
from handlers.markup import bold, join_lines
from handlers.people import person_field
from handlers.views import Button, View
from models.base import utcnow
from services import crm, crm_fields, crm_handover, crm_notes
from services.errors import NotFound

router = Router(__name__)

OPENERS = {"lead": "ld", "deal": "dl", "contact": "ct", "company": "co"}
COMMENT_SHOWN = 500  # of a comment, in the notice; the card has it all


def _label(row: Any) -> str:
    return str(getattr(row, "name", None) or getattr(row, "title", ""))


async def _submit_comment(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    note = await crm_notes.add_comment(ctx.session, ctx.me, entity, entity_id, values["text"])
    row = await crm.get_visible(ctx.session, ctx.me, entity, entity_id)
    if row.owner_id is not None:  # the responsible person hears (not of their own)
        actor_name, label = ctx.me.name, _label(row)
        text = note.text if len(note.text) <= COMMENT_SHOWN else note.text[:COMMENT_SHOWN] + "…"

        def build(tr: Translator) -> View:
            return View(
                body=tr(
                    "{person} commented on {item}: {text}",
                    person=bold(actor_name),
                    item=bold(label),
                    text=text,
                ),
                buttons=[[Button(tr.s("Open"), f"{OPENERS[entity]}:o:{entity_id}")]],
            )

        await ctx.notify(row.owner_id, "comment", build, ref=f"{entity}:{entity_id}")
    return prefixed(ctx, ctx.tr("Comment added."), await card(ctx, entity, entity_id))


async def set_lead_status(ctx: Ctx, lead_id: int, status_id: int) -> Any:
    """A lead's status button: the status changes, and its responsible person hears of
    it when someone else changed it (as of a deal's stage)."""
    from services import crm_leads

    before = (await crm_leads.get_lead(ctx.session, ctx.me, lead_id)).status_id
    lead, status = await crm_leads.set_status(ctx.session, ctx.me, lead_id, status_id)
    if lead.owner_id is not None and status.id != before:
        actor_name, title = ctx.me.name, lead.name

        def build(tr: Translator) -> View:
            return View(
                body=tr(
                    "{person} set the lead {title} to {status}.",
                    person=bold(actor_name),
                    title=bold(title),
                    status=bold(tr.s(crm.stage_name(status))),
                ),
                buttons=[[Button(tr.s("Open"), f"ld:o:{lead.id}")]],
            )

        await ctx.notify(lead.owner_id, "stage", build, ref=f"lead:{lead.id}")
    return lead


TOOK_OVER = {
    "lead": N_("{person} took over the lead {item}."),
    "deal": N_("{person} took over the deal {item}."),
    "contact": N_("{person} took over the contact {item}."),
    "company": N_("{person} took over the company {item}."),
}


ALONG = {
    "contact": N_("The contact {name} goes with the deal."),
    "company": N_("The company {name} goes with the deal."),
}


async def assign_owner(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    handover = await crm_handover.set_owner(
        ctx.session, ctx.me, entity, entity_id, int(values["owner"])
    )
    row, user = handover.row, handover.user
    if handover.activities:  # their reminders go to the new owner, in their words
        theirs = translator(user.locale, user.timezone)
        now = utcnow()
        for activity in handover.activities:
            if activity.due_at > now:
                await remind_owner(ctx, activity, theirs)
    label = _label(row)
    actor_name = ctx.me.name
    ref = f"{entity}:{entity_id}"
    opener = OPENERS[entity]

    def build(tr: Translator) -> View:
        return View(
            body=tr(
                "{person} made you responsible for {item}.",
                person=bold(actor_name),
                item=bold(label),
            ),
            buttons=[[Button(tr.s("Open"), f"{opener}:o:{entity_id}")]],
        )

    await ctx.notify(user.id, "assignment", build, ref=ref)
    previous = handover.previous_id
    if previous is not None and previous != user.id:  # whoever had it is not left guessing
        took = user.id == ctx.me.user_id
        new_name = user.name

        def build_previous(tr: Translator) -> View:
            body = (
                tr(TOOK_OVER[entity], person=bold(actor_name), item=bold(label))
                if took
                else tr(
                    "{person} handed {item} over to {other}.",
                    person=bold(actor_name),
                    item=bold(label),
                    other=bold(new_name),
                )
            )
            return View(body=body, buttons=[[Button(tr.s("Open"), f"{opener}:o:{entity_id}")]])

        await ctx.notify(previous, "assignment", build_previous, ref=ref)
    done = join_lines(
        [
            ctx.tr("{person} is responsible now.", person=bold(user.name)),
            *(ctx.tr(ALONG[kind], name=bold(linked.name)) for kind, linked in handover.along),
        ]
    )
    try:
        shown = await card(ctx, entity, entity_id)
    except NotFound:
        # handed over under "own records" visibility: no longer the actor's to see,
        # which does not undo the handover
        return View(body=done)
    return prefixed(ctx, done, shown)


async def _submit_field(ctx: Ctx, values: dict[str, Any]) -> View:
    entity, entity_id = values["entity"], int(values["entity_id"])
    await crm_fields.set_value(
        ctx.session, ctx.me, entity, entity_id, int(values["field_id"]), values["value"]
    )
    return await card(ctx, entity, entity_id)


router.form(
    Form(
        name="crm_comment",
        title=N_("Comment"),
        fields=[Field("text", N_("Your comment?"), multiline=True)],
        submit=_submit_comment,
    )
)
router.form(
    Form(
        name="crm_owner",
        title=N_("Responsible"),
        fields=[Field("owner", N_("Who is responsible? A name or @username."), person_field)],
        submit=assign_owner,
    )
)
router.form(
    Form(
        name="crm_field",
        title=N_("Field"),
        fields=[Field("value", N_("The value?"), max_length=1000)],
        submit=_submit_field,
        checked_on_submit="value",  # "east" for a list of North|South: asked again
    )
)
