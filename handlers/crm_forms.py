"""Lead forms in chat: /crm forms lists them, /crm form new NAME makes one; each has a
public page (bot.web) whose submissions become leads of its responsible person, who
is notified. `accept` is what the web page calls with what a visitor sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core import Ctx, Router, pager_row
from handlers.crm_leads import duplicate_lines, open_button
from handlers.forms import Field, Form
from handlers.i18n import N_, translator
from handlers.markup import Span, bold, code, join_lines
from handlers.people import person_field
from handlers.views import Button, View
from models import db
from models.crm import CrmForm
from services import crm_forms, notifications
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)


def form_url(ctx: Ctx, form: CrmForm) -> str:
    return f"{ctx.services.public_url}/f/{form.token}"


async def forms_view(ctx: Ctx, page_no: int = 1) -> View:
    page = await crm_forms.list_forms(ctx.session, ctx.me, page_no, ctx.services.page_size)
    lines: list[Any] = [ctx.tr("Lead forms ({count})", count=str(page.total))]
    if not page.items:
        lines.append(ctx.tr("None yet. Make one: /crm form new Consultation request"))
    if not ctx.services.public_url:
        lines.append(
            ctx.tr(
                "Their pages need the bot's web server ([web] in the settings), not set up here."
            )
        )
    view = View()
    for form in page.items:
        state = ctx.tr.s("on") if form.active else ctx.tr.s("off")
        lines.append(
            [
                Span(f"• #{form.id} "),
                bold(form.name),
                Span(" — "),
                *ctx.tr("{state}, {n} sent", state=state, n=str(form.submissions)),
            ]
        )
        view.row(Button(f"📝 {form.name}"[:60], f"cf:o:{form.id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "cf:l"))
    return view


async def form_card(ctx: Ctx, form: CrmForm) -> View:
    from models.teams import User

    owner = await db.get(ctx.session, User, form.owner_id) if form.owner_id else None
    lines: list[Any] = [[Span("📝 "), bold(form.name)]]
    if ctx.services.public_url:
        lines.append(ctx.tr("Page: {url}", url=code(form_url(ctx, form))))
    lines.append(
        ctx.tr("Leads go to: {person}", person=owner.name if owner else ctx.tr.s("an admin"))
    )
    state = ctx.tr.s("on") if form.active else ctx.tr.s("off")
    lines.append(ctx.tr("State: {state}; sent: {n}", state=state, n=str(form.submissions)))
    if form.intro:
        lines.append(ctx.tr("Text on the page: {text}", text=form.intro))
    view = View(body=join_lines(lines), edit=True)
    view.row(
        Button(
            ctx.tr.s("Turn off") if form.active else ctx.tr.s("Turn on"),
            f"cf:a:{form.id}:{'0' if form.active else '1'}",
        ),
        Button(ctx.tr.s("Text on the page"), f"cf:t:{form.id}"),
        Button(ctx.tr.s("Responsible"), f"cf:r:{form.id}"),
    )
    view.row(Button(ctx.tr.s("All forms"), "cf:l:1"))
    return view


async def forms_command(ctx: Ctx, words: str) -> View:
    """/crm forms, /crm form new NAME, /crm form ID."""
    verb, _, rest = words.strip().partition(" ")
    if verb.casefold() in ("new", "новая", "создать"):
        form = await crm_forms.create_form(ctx.session, ctx.me, rest)
        view = await form_card(ctx, form)
        view.edit = False
        view.body = [
            *ctx.tr("Form {name} created.", name=bold(form.name)),
            Span("\n\n"),
            *view.body,
        ]
        return view
    if verb.lstrip("#").isdigit():
        view = await form_card(
            ctx, await crm_forms.get_form(ctx.session, ctx.me, int(verb.lstrip("#")))
        )
        view.edit = False
        return view
    if verb:
        raise DomainError(_N("For example: /crm form new Consultation request"))
    return await forms_view(ctx)


@router.action("cf", personal=True)
async def form_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "l":
        view = await forms_view(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    form = await crm_forms.get_form(ctx.session, ctx.me, ctx.int_arg(1))
    if verb == "o":
        return await form_card(ctx, form)
    if verb == "a":
        wanted = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        # the button says what it was drawn for: an old one does not switch it back
        active = wanted == "1" if wanted in ("0", "1") else not form.active
        return await form_card(
            ctx, await crm_forms.set_active(ctx.session, ctx.me, form.id, active)
        )
    if verb == "t":
        return await ctx.start_form("crm_form_intro", {"form_id": form.id})
    if verb == "r":
        return await ctx.start_form("crm_form_owner", {"form_id": form.id})
    raise DomainError(_N("This button is out of date. Open the list again."))


async def _submit_intro(ctx: Ctx, values: dict[str, Any]) -> View:
    form = await crm_forms.set_intro(ctx.session, ctx.me, int(values["form_id"]), values["text"])
    view = await form_card(ctx, form)
    view.edit = False
    return view


async def _submit_owner(ctx: Ctx, values: dict[str, Any]) -> View:
    form = await crm_forms.set_owner(
        ctx.session, ctx.me, int(values["form_id"]), int(values["owner"])
    )
    view = await form_card(ctx, form)
    view.edit = False
    return view


router.form(
    Form(
        name="crm_form_intro",
        title=N_("Text on the page"),
        fields=[
            Field(
                "text",
                N_("The text above the form (what you offer, what happens next)?"),
                multiline=True,
                max_length=crm_forms.INTRO_MAX,
            )
        ],
        submit=_submit_intro,
    )
)
router.form(
    Form(
        name="crm_form_owner",
        title=N_("Responsible"),
        fields=[Field("owner", N_("Who gets the leads? A name or @username."), person_field)],
        submit=_submit_owner,
    )
)


# -- the web page's side -------------------------------------------------------------


@dataclass
class Accepted:
    sent: crm_forms.Submission
    lead_id: int | None = None
    repeat: bool = False  # taken before: nothing made again


async def accept(
    session: AsyncSession, form: CrmForm, data: dict[str, str], keys: Sequence[str]
) -> Accepted:
    """Check what a visitor sent; a good submission becomes a lead, once for its `keys`
    (crm_forms.send_keys), and its responsible person hears of it in their language."""
    sent = crm_forms.check(data)
    if sent.errors:
        return Accepted(sent)
    made = await crm_forms.submit(session, form, sent, keys)
    if made.lead is None or made.taker is None:
        return Accepted(sent, repeat=made.repeat)
    lead, taker, dups = made.lead, made.taker, made.duplicates
    tr = translator(taker.locale, taker.timezone)
    contact = " · ".join(part for part in (lead.phone, lead.email) if part)
    view = View(
        body=tr(
            "New lead from the form {form}: {name} ({contact})",
            form=bold(form.name),
            name=bold(lead.name),
            contact=contact,
        ),
        ref=f"lead:{lead.id}",
    )
    if sent.message:
        view.body.extend([Span("\n"), Span(sent.message[:300])])
    if dups:  # the visitor may be known already: the taker sees with whom
        view.body.extend([Span("\n\n"), *join_lines(duplicate_lines(tr, dups))])
    # each button says what it opens: the new lead, then the records it may duplicate
    view.row(Button(tr.s("Lead #{id}", id=lead.id), f"ld:o:{lead.id}"))
    for dup in dups:
        if dup.owner:  # a colleague's record the taker may not open
            continue
        view.row(open_button(tr, dup))
    await notifications.notify(
        session, taker, kind="assignment", payload=view.to_dict(), ref=f"lead:{lead.id}"
    )
    return Accepted(sent, lead.id)
