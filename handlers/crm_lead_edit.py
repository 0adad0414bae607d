"""A lead's name, phone, e-mail and company corrected (the card's Edit, or
/lead 5 name Sergey), and a lead deleted (the card's Delete, or /lead 5 delete),
asked first."""

from __future__ import annotations

import re
from typing import Any

from handlers.core import Ctx, Router
from handlers.crm_card_parts import prefixed
from handlers.crm_cards import lead_card
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import bold
from handlers.views import Button, View
from services import crm, crm_lead_edit, crm_rights
from services.crm_lead_edit import CLEAR, FIELD_WORDS
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)

LETTERS = {"n": "name", "c": "company", "p": "phone", "e": "email"}
LABELS = {"name": N_("Name"), "company": N_("Company"), "phone": N_("Phone"), "email": N_("E-mail")}
EDIT_WORDS = {"edit", "change", "изменить", "править", "редактировать"}
DELETE_WORDS = {"delete", "remove", "удалить"}
# "/lead 5 имя Сергей", "/lead #5 phone +7 912 ...", "/lead 5 delete"
SAID = re.compile(r"^#?(?P<id>\d+)\s+(?P<word>\S+)\s*(?P<rest>.*)$", re.DOTALL)


async def lead_words(ctx: Ctx, text: str) -> Any:
    """What "/lead NUMBER WORD ..." asks of lead NUMBER; None: not a change (a new lead)."""
    said = SAID.match(text)
    if said is None:
        return None
    lead_id, word, rest = int(said["id"]), said["word"].casefold().rstrip(":"), said["rest"]
    field = FIELD_WORDS.get(word)
    if field is not None and rest.strip():
        return await _changed(ctx, lead_id, field, rest)
    if field is not None:
        return await _ask(ctx, lead_id, field)
    if word in EDIT_WORDS and not rest.strip():
        return await edit_menu(ctx, lead_id)
    if word in DELETE_WORDS and not rest.strip():
        return await ask_delete(ctx, lead_id)
    return None


async def edit_menu(ctx: Ctx, lead_id: int) -> View:
    lead = await crm_rights.get_editable(ctx.session, ctx.me, "lead", lead_id)
    view = View(
        body=ctx.tr("What to change in lead #{id}?", id=str(lead.id)), ref=f"lead:{lead.id}"
    )
    view.row(
        *[Button(ctx.tr.s(LABELS[field]), f"le:f:{lead.id}:{e}") for e, field in LETTERS.items()]
    )
    return view.row(Button(ctx.tr.s("Back"), f"ld:o:{lead.id}"))


async def _ask(ctx: Ctx, lead_id: int, field: str) -> Any:
    lead = await crm_rights.get_editable(ctx.session, ctx.me, "lead", lead_id)
    return await ctx.start_form(f"crm_lead_{field}", {"lead_id": lead.id, "field": field})


async def _changed(ctx: Ctx, lead_id: int, field: str, value: str) -> View:
    lead = await crm_lead_edit.edit_lead(ctx.session, ctx.me, lead_id, field, value)
    return prefixed(
        ctx, ctx.tr("Lead #{id} changed.", id=str(lead.id)), await lead_card(ctx, lead.id)
    )


async def ask_delete(ctx: Ctx, lead_id: int) -> View:
    lead = await crm_rights.get_editable(ctx.session, ctx.me, "lead", lead_id)
    view = View(
        body=ctx.tr(
            "Delete lead #{id} {name}? Its comments, history and activities go with it; "
            "this cannot be undone.",
            id=str(lead.id),
            name=bold(lead.name),
        ),
        ref=f"lead:{lead.id}",
    )
    return view.row(
        Button(ctx.tr.s("Yes, delete it"), f"le:y:{lead.id}"),
        Button(ctx.tr.s("Keep it"), f"ld:o:{lead.id}"),
    )


async def _delete(ctx: Ctx, lead_id: int) -> View:
    lead = await crm_lead_edit.delete_lead(ctx.session, ctx.me, lead_id)
    name, actor_name = lead.name, ctx.me.name
    if lead.owner_id is not None and lead.owner_id != ctx.me.user_id:

        def build(tr: Translator) -> View:  # whose lead it was is not left looking for it
            return View(
                body=tr(
                    "{person} deleted your lead #{id} {name}.",
                    person=bold(actor_name),
                    id=str(lead_id),
                    name=bold(name),
                )
            )

        await ctx.notify(lead.owner_id, "assignment", build)
    return View(
        body=ctx.tr("Lead #{id} {name} deleted.", id=str(lead_id), name=bold(name)), edit=True
    )


@router.action("le", personal=True)
async def lead_edit_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "m":
        return await edit_menu(ctx, ctx.int_arg(1))
    if verb == "f" and (ctx.action_args[2:3] or [""])[0] in LETTERS:
        return await _ask(ctx, ctx.int_arg(1), LETTERS[ctx.action_args[2]])
    if verb == "d":
        return await ask_delete(ctx, ctx.int_arg(1))
    if verb == "y":
        return await _delete(ctx, ctx.int_arg(1))
    raise DomainError(_N("This button is out of date. Open the list again."))


async def phone_answer(ctx: Ctx, raw: str) -> str:
    """A new lead's phone in its form, checked at once: one that is no number is asked
    again, not kept as text; a dash is none."""
    text = " ".join(raw.split())
    if text in CLEAR:
        return ""
    crm_lead_edit.checked_phone(text, await crm.team_calling_code(ctx.session, ctx.me))
    return text


async def email_answer(ctx: Ctx, raw: str) -> str:
    """A new lead's e-mail in its form, checked at once, as its phone is."""
    text = " ".join(raw.split())
    return "" if text in CLEAR else crm_lead_edit.checked_email(text)


async def _submit(ctx: Ctx, values: dict[str, Any]) -> View:
    return await _changed(ctx, int(values["lead_id"]), str(values["field"]), values["value"])


PROMPTS = {
    "name": N_("The lead's new name?"),
    "company": N_("The lead's company? A dash (-) clears it."),
    "phone": N_("The lead's phone number? A dash (-) clears it."),
    "email": N_("The lead's e-mail? A dash (-) clears it."),
}
for _field, _prompt in PROMPTS.items():
    router.form(
        Form(
            name=f"crm_lead_{_field}",
            title=N_("Edit lead"),
            fields=[Field("value", _prompt, max_length=200)],
            submit=_submit,
            checked_on_submit="value",  # a number that is none is asked again
        )
    )
