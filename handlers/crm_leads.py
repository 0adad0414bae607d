"""/lead and /leads: recognition, the form, duplicates, statuses, conversion, forwards."""

from __future__ import annotations

from typing import Any

from handlers.core import ALL_ROLES, Ctx, Router, pager_row
from handlers.crm_card_parts import LETTER, LINK_LABELS, prefixed, source_label, stage_label
from handlers.crm_cards import commented, lead_card, numbered_card
from handlers.crm_lead_edit import email_answer, lead_words, phone_answer
from handlers.crm_lead_filter import filter_code, filter_from_code, parse_filter
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import Markup, Span, bold, join_lines
from handlers.numbered import CRM_ACTIONS, numbered
from handlers.quotes import with_source
from handlers.views import Button, View
from services import crm, crm_convert, crm_leads, crm_notes, crm_recognise, crm_rights
from services.crm import Card
from services.crm_leads import Duplicate, LeadFilter
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 76


def warnings_markup(ctx: Ctx, card: Card) -> list[Markup]:
    return [[Span("⚠ "), *ctx.tr(key, **params)] for key, params in card.warnings]


def open_button(tr: Translator, dup: Duplicate) -> Button:
    """A button to a duplicate the reader may open, saying what it opens: "Contact #1"."""
    label, opener = LINK_LABELS[dup.entity]
    return Button(tr.s(label, id=dup.id), f"{opener}:o:{dup.id}")


def duplicate_lines(tr: Translator, dups: list[Duplicate], *, companies: bool = False) -> list[Any]:
    """ "This looks like a duplicate:" and one line per match, with why it matches."""
    reasons = {
        "phone": tr.s("same phone"),
        "email": tr.s("same e-mail"),
        "name": tr.s("same name") if companies else tr.s("same name and company"),
    }
    kinds = {"lead": tr.s("lead"), "contact": tr.s("contact"), "company": tr.s("company")}
    lines: list[Any] = [tr("This looks like a duplicate:")]
    for dup in dups:
        kind = kinds[dup.entity]
        said = (  # a colleague's record: whose it is, not what it holds
            tr("{kind} #{id} of {person}", kind=kind, id=str(dup.id), person=bold(dup.owner))
            if dup.owner
            else [*tr("{kind} #{id}", kind=kind, id=str(dup.id)), Span(" "), bold(dup.name)]
        )
        lines.append([Span("• "), *said, Span(f" ({reasons[dup.reason]})")])
    return lines


def duplicate_view(ctx: Ctx, dups: list[Duplicate], draft_id: int, prefix: str = "ld") -> View:
    """The matches, each with Open (and Merge for people), and Create anyway.

    `prefix` is the draft's area: ld (a lead), ct (a contact) or co (a company)."""
    lines: list[Any] = duplicate_lines(ctx.tr, dups, companies=prefix == "co")
    view = View()
    for dup in dups:
        if dup.owner:  # not the reader's to open or merge into
            continue
        row = [open_button(ctx.tr, dup)]
        if dup.entity != "company" and dup.editable:  # a colleague's record is read only
            row.append(
                Button(
                    ctx.tr.s("Merge into #{id}", id=dup.id),
                    f"{prefix}:mg:{draft_id}:{LETTER[dup.entity]}:{dup.id}",
                )
            )
        view.row(*row)
    view.row(Button(ctx.tr.s("Create anyway"), f"{prefix}:new:{draft_id}"))
    view.body = join_lines(lines)
    return view


async def create(ctx: Ctx, card: Card) -> View:
    result = await crm_leads.create_lead(ctx.session, ctx.me, card)
    if result.lead is None:
        assert result.draft_id is not None
        view = duplicate_view(ctx, result.duplicates, result.draft_id)
        warnings = warnings_markup(ctx, card)
        if warnings:
            view.body = join_lines([*warnings, view.body])
        return view
    head = join_lines(
        [ctx.tr("Lead #{id} created.", id=str(result.lead.id)), *warnings_markup(ctx, card)]
    )
    return prefixed(ctx, head, await lead_card(ctx, result.lead.id))


@router.command(
    "lead",
    help=N_("new lead: name, company, phone, e-mail, source"),
    usage=N_(
        "/lead Ivan Petrov, Romashka LLC, +7 999 123-45-67, ivan@example.com, source: call | "
        "/lead ID name|phone|email|company VALUE"
    ),
    roles=("admin", "employee", "extranet"),
    personal=True,  # the CRM is no group's: its data goes to the asker alone
)
async def lead_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    await crm.scope_of(ctx.session, ctx.me)
    if not text:
        return await ctx.start_form("crm_lead")
    changed = await lead_words(ctx, text)  # "/lead 5 name Sergey": lead #5 corrected
    if changed is not None:
        return changed
    if (found := numbered(text, CRM_ACTIONS)) is not None:  # /lead 5, /lead 5 comment TEXT
        return await numbered_card(ctx, "lead", found)
    return await create(
        ctx, crm.recognise(text, country=await crm.team_calling_code(ctx.session, ctx.me))
    )


@router.command(
    "lead_from_text",
    help=N_("a new lead from a message"),
    roles=("admin", "employee", "extranet"),
    hidden=True,
    personal=True,
)
async def lead_from_text_command(ctx: Ctx) -> Any:
    """A NEW lead from words someone else wrote (a Slack message): a bare number there
    does not open lead #N; the answer goes to the person who asked. The message's whole
    text, its author and the link back to it are kept as the lead's comment."""
    quote = ctx.event.quote
    text = quote.text.strip() if quote is not None else ctx.args.strip()
    await crm.scope_of(ctx.session, ctx.me)
    if not text:
        return await ctx.start_form("crm_lead")
    card = crm.recognise(text, country=await crm.team_calling_code(ctx.session, ctx.me))
    if quote is not None:
        card.comment = with_source(ctx.tr, quote, crm_notes.NOTE_MAX)
    return await create(ctx, card)


async def list_view(ctx: Ctx, flt: LeadFilter, page_no: int) -> View:
    page = await crm_leads.list_leads(
        ctx.session, ctx.me, flt, page=page_no, per_page=ctx.services.page_size
    )
    statuses = {s.id: s for s in await crm_leads.lead_statuses(ctx.session, ctx.me.team_id)}
    lines: list[Any] = [[bold(ctx.tr.s("Leads ({count})", count=page.total))]]
    if not page.items:
        lines.append(ctx.tr("No leads here. Add one: /lead NAME, PHONE"))
    view = View()
    for lead in page.items:
        status = stage_label(ctx, statuses[lead.status_id])
        extra = f", {lead.company}" if lead.company else ""
        lines.append([Span(f"#{lead.id} "), bold(lead.name), Span(f"{extra} — {status}")])
        view.row(Button(f"#{lead.id} {lead.name}"[:60], f"ld:o:{lead.id}"))
    view.body = join_lines(lines)
    code_ = filter_code(flt)
    view.row(*pager_row(ctx, page, f"ld:l:{code_}"))
    view.row(
        Button(
            ctx.tr.s("All leads") if flt.mine else ctx.tr.s("My leads"),
            "ld:l:-.-.-.0:1" if flt.mine else "ld:l:m.-.-.0:1",
        ),
        Button(ctx.tr.s("New lead"), "ld:n"),
        Button(ctx.tr.s("Export CSV"), f"crm:x:l:{code_}"),
    )
    return view


@router.command(
    "leads",
    help=N_("leads; filters: mine, status, source, today/week/month"),
    usage=N_("/leads [mine] [new|in_progress|processed|junk|converted] [call|email|...] [week]"),
    roles=("admin", "employee", "extranet"),
    personal=True,  # the CRM is no group's: its data goes to the asker alone
)
async def leads_command(ctx: Ctx) -> Any:
    await crm.scope_of(ctx.session, ctx.me)
    return await list_view(ctx, await parse_filter(ctx, ctx.args), 1)


def convert_view(ctx: Ctx, lead_id: int, mask: int, with_company: bool = True) -> View:
    parts = [
        (crm_convert.DEAL, ctx.tr.s("Deal")),
        (crm_convert.CONTACT, ctx.tr.s("Contact")),
    ]
    if with_company:  # a lead without a company name cannot make a company
        parts.append((crm_convert.COMPANY, ctx.tr.s("Company")))
    view = View(body=ctx.tr("Convert lead #{id} into:", id=str(lead_id)), edit=True)
    view.row(
        *[
            Button(("☑ " if mask & bit else "☐ ") + label, f"ld:cx:{lead_id}:{mask ^ bit}")
            for bit, label in parts
        ]
    )
    view.row(
        Button(ctx.tr.s("Convert"), f"ld:cv:{lead_id}:{mask}"),
        Button(ctx.tr.s("Back"), f"ld:o:{lead_id}"),
    )
    return view


@router.action("ld", personal=True)
async def lead_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "l":
        flt = filter_from_code(
            ctx.action_args[1] if len(ctx.action_args) > 1 else "", ctx.me.timezone
        )
        view = await list_view(ctx, flt, ctx.page_arg(2))
        view.edit = True
        return view
    if verb == "n":
        return await ctx.start_form("crm_lead")
    if verb == "o":
        return await lead_card(ctx, ctx.int_arg(1))
    if verb == "s":
        from handlers.crm_changes import set_lead_status  # it tells the responsible person

        lead = await set_lead_status(ctx, ctx.int_arg(1), ctx.int_arg(2))
        view = await lead_card(ctx, lead.id)
        view.edit = True
        return view
    if verb == "new":
        lead = await crm_leads.create_from_draft(ctx.session, ctx.me, ctx.int_arg(1))
        head = ctx.tr("Lead #{id} created.", id=str(lead.id))
        return prefixed(ctx, head, await lead_card(ctx, lead.id))
    if verb == "mg":
        from handlers.crm_card_parts import ENTITY
        from handlers.crm_cards import card

        entity = ENTITY.get(ctx.action_args[2] if len(ctx.action_args) > 2 else "", "")
        if entity not in ("lead", "contact"):
            raise DomainError(_N("This button is out of date. Open the list again."))
        target = await crm_leads.merge_draft(
            ctx.session, ctx.me, ctx.int_arg(1), entity, ctx.int_arg(3)
        )
        head = ctx.tr("Merged into #{id}.", id=str(target.id))
        return prefixed(ctx, head, await card(ctx, entity, target.id))
    if verb == "cx":
        lead = await crm_rights.get_editable(ctx.session, ctx.me, "lead", ctx.int_arg(1))
        if lead.converted_at is not None:
            raise DomainError(_N("The lead is converted already."))
        mask = ctx.int_arg(2) & 7
        if not lead.company:
            mask &= ~crm_convert.COMPANY
        return convert_view(ctx, lead.id, mask, with_company=bool(lead.company))
    if verb == "cv":
        done = await crm_convert.convert_lead(ctx.session, ctx.me, ctx.int_arg(1), ctx.int_arg(2))
        made = []
        if done.deal_id:
            made.append(ctx.tr.s("deal #{id}", id=done.deal_id))
        if done.contact_id:
            made.append(ctx.tr.s("contact #{id}", id=done.contact_id))
        if done.company_id:
            made.append(ctx.tr.s("company #{id}", id=done.company_id))
        head = ctx.tr("Lead #{id} converted: {made}.", id=str(done.lead.id), made=", ".join(made))
        if done.linked_contact is not None:  # no twin: the contact the team has
            head = [
                *head,
                Span(" "),
                *ctx.tr(
                    "Linked to the existing contact #{id} {name}",
                    id=str(done.linked_contact.id),
                    name=bold(done.linked_contact.name),
                ),
            ]
        owner = done.lead.owner_id
        if owner is not None and owner != ctx.me.user_id:  # the records are theirs now
            name, lead_id = ctx.me.name, done.lead.id
            ids = (done.deal_id, done.contact_id, done.company_id)

            def build(tr: Translator) -> View:
                parts = [
                    tr.s(key, id=item)
                    for key, item in zip(
                        (N_("deal #{id}"), N_("contact #{id}"), N_("company #{id}")),
                        ids,
                        strict=True,
                    )
                    if item
                ]
                view = View(
                    body=tr(
                        "{person} converted your lead #{id}: {made}.",
                        person=bold(name),
                        id=str(lead_id),
                        made=", ".join(parts),
                    ),
                    ref=f"lead:{lead_id}",
                )
                if ids[0]:
                    view.row(Button(tr.s("Deal #{id}", id=ids[0]), f"dl:o:{ids[0]}"))
                return view

            await ctx.notify(owner, "assignment", build, ref=f"lead:{lead_id}")
        return prefixed(ctx, head, await lead_card(ctx, done.lead.id))
    raise DomainError(_N("This button is out of date. Open the list again."))


# -- the form -------------------------------------------------------------------------


async def _optional_text(ctx: Ctx, raw: str) -> str:
    return raw.strip()


async def _source_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [(source_label(ctx, s), s) for s in crm.SOURCES if s != "import"]


async def _parse_source(ctx: Ctx, raw: str) -> str:
    value = raw.strip().casefold()
    if value in crm.SOURCES:
        return value
    for code_ in crm.SOURCES:
        if source_label(ctx, code_).casefold() == value:
            return code_
    found = crm.source_of(value)
    if found is None:
        raise DomainError(
            _N("There is no source {value}. Choose one: {sources}."),
            value=raw.strip(),
            sources=", ".join(source_label(ctx, code_) for code_ in crm.SOURCES),
        )
    return found


async def _submit(ctx: Ctx, values: dict[str, Any]) -> View:
    card = Card(
        name=values["name"],
        company=values.get("company") or "",
        source=values.get("source") or "other",
        country=await crm.team_calling_code(ctx.session, ctx.me),
    )
    if values.get("phone"):
        card.set_phone(values["phone"])
    if values.get("email"):
        card.set_email(values["email"])
    return await create(ctx, card)


router.form(
    Form(
        name="crm_lead",
        title=N_("New lead"),
        fields=[
            Field("name", N_("Lead's name (a person or a request)?"), max_length=200),
            Field("company", N_("Company?"), _optional_text, optional=True, max_length=200),
            Field("phone", N_("Phone?"), phone_answer, optional=True, max_length=64),
            Field("email", N_("E-mail?"), email_answer, optional=True, max_length=200),
            # optional, as in a one-line /lead: none said is "other"
            Field("source", N_("Source?"), _parse_source, choices=_source_choices, optional=True),
        ],
        submit=_submit,
    )
)


# -- forwarded messages and replies to cards -----------------------------------------


@router.text
async def forwarded_or_reply(ctx: Ctx) -> Any:
    """A forwarded message becomes a lead; a reply to a CRM card becomes a comment."""
    event = ctx.event
    if event.forwarded_from is not None and event.chat.private and ctx.me.role in ALL_ROLES:
        await crm.scope_of(ctx.session, ctx.me)
        # the sender's name as a whole (a comma in it is no field separator)
        card = Card(
            name=" ".join(event.forwarded_from.split())[:200],
            source="messenger",
            country=await crm.team_calling_code(ctx.session, ctx.me),
        )
        card.comment = event.args.strip()
        phone, email = crm_recognise.contacts_in(card.comment)
        if phone:
            card.set_phone(phone)
        if email:
            card.set_email(email)
        if not card.name:  # a hidden sender: the message's first line names the lead
            first_line = (card.comment.splitlines() or [""])[0]
            card.name = first_line[:60] or card.phone or card.email
        return await create(ctx, card)
    ref = ctx.reply_ref or ""
    entity, _, raw_id = ref.partition(":")
    if entity in crm.ENTITIES and raw_id.isdigit() and event.args.strip():
        return await commented(ctx, entity, int(raw_id), event.args)
    return None
