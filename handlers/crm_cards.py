"""CRM cards: a lead, a deal, a contact or a company, with their fields, activities,
comments and history (the small pieces they share: handlers.crm_card_parts)."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, pager_row
from handlers.crm_card_parts import (
    CARD_ROWS,
    activity_line,
    activity_rows,
    common_row,
    field_line,
    field_value_text,
    history_text,
    link_buttons,
    linked_name,
    owner_name,
    prefixed,
    source_label,
    stage_label,
)
from handlers.i18n import N_
from handlers.markup import Markup, Span, bold, cut, join_lines
from handlers.numbered import COMMENT, Numbered, by_buttons
from handlers.views import Button, View
from services import (
    crm,
    crm_deals,
    crm_fields,
    crm_leads,
    crm_notes,
    crm_people,
    crm_products,
    crm_rights,
)
from services.crm_money import money
from services.errors import NotFound

CARD_COMMENT = 300  # a card shows the start of its last comments; History, all of them


async def _extras(ctx: Ctx, entity: str, row: Any) -> list[Markup]:
    lines: list[Markup] = []
    for fld in await crm_fields.fields_of(ctx.session, ctx.me, entity):
        value = (row.custom or {}).get(str(fld.id))
        if value is not None:
            lines.append(field_line(ctx, fld.name, field_value_text(ctx, fld.kind, value)))
    acts = await crm_people.activities_page(ctx.session, ctx.me, entity, row.id, 1, CARD_ROWS)
    if acts.items:
        lines.append([bold(ctx.tr.s("Activities ({n})", n=acts.total))])
        for act in acts.items:
            lines.append(activity_line(ctx, act))
    comments = await crm_notes.notes(ctx.session, ctx.me, entity, row.id, "comment", limit=3)
    if comments:
        lines.append([bold(ctx.tr.s("Comments"))])
        for note, author in reversed(comments):
            lines.append([Span(f"• {ctx.tr.s(author)}: "), Span(cut(note.text, CARD_COMMENT))])
        if any(len(note.text) > CARD_COMMENT for note, _author in comments):
            lines.append(ctx.tr("The whole comments are under History."))
    history = await crm_notes.notes(ctx.session, ctx.me, entity, row.id, "history", limit=4)
    if history:
        lines.append([bold(ctx.tr.s("History"))])
        for note, author in reversed(history):
            text = history_text(ctx, note)
            lines.append([Span(f"• {ctx.tr.when(note.created_at)} {ctx.tr.s(author)}: "), *text])
    return lines


async def lead_card(ctx: Ctx, lead_id: int) -> View:
    lead = await crm_leads.get_lead(ctx.session, ctx.me, lead_id)
    statuses = await crm_leads.lead_statuses(ctx.session, ctx.me.team_id)
    status = next(s for s in statuses if s.id == lead.status_id)
    lines: list[Any] = [ctx.tr("Lead #{id}: {name}", id=str(lead.id), name=bold(lead.name))]
    if lead.company:
        lines.append(field_line(ctx, ctx.tr.s("Company"), lead.company))
    if lead.phone:
        lines.append(field_line(ctx, ctx.tr.s("Phone"), lead.phone))
    if lead.email:
        lines.append(field_line(ctx, ctx.tr.s("E-mail"), lead.email))
    lines.append(field_line(ctx, ctx.tr.s("Source"), source_label(ctx, lead.source)))
    lines.append(field_line(ctx, ctx.tr.s("Status"), stage_label(ctx, status)))
    lines.append(field_line(ctx, ctx.tr.s("Responsible"), await owner_name(ctx, lead.owner_id)))
    lines.extend(await _extras(ctx, "lead", lead))
    view = View(body=join_lines(lines), ref=f"lead:{lead.id}")
    editable = await crm_rights.may_edit(ctx.session, ctx.me, lead)
    if lead.converted_at is None and editable:
        view.row(
            *[
                Button(stage_label(ctx, s), f"ld:s:{lead.id}:{s.id}")
                for s in statuses
                if s.id != status.id and s.kind != "converted"
            ]
        )
        view.row(Button(ctx.tr.s("Convert"), f"ld:cx:{lead.id}:7"))
    if editable:  # its name, phone, e-mail and company corrected (handlers.crm_lead_edit)
        view.row(
            Button(ctx.tr.s("Edit"), f"le:m:{lead.id}"),
            Button(ctx.tr.s("Delete"), f"le:d:{lead.id}"),
        )
    if lead.converted_at is not None:
        view.row(
            *await link_buttons(
                ctx,
                [
                    ("deal", lead.deal_id),
                    ("contact", lead.contact_id),
                    ("company", lead.company_id),
                ],
            )
        )
    await activity_rows(ctx, view, "lead", lead.id)
    view.row(*common_row(ctx, "lead", lead.id, editable))
    return view


async def deal_card(ctx: Ctx, deal_id: int) -> View:
    deal = await crm_deals.get_deal(ctx.session, ctx.me, deal_id)
    stages = await crm_deals.stages(ctx.session, ctx.me.team_id, deal.pipeline_id)
    stage = next(s for s in stages if s.id == deal.stage_id)
    pipeline = await crm_deals.get_pipeline(ctx.session, ctx.me, deal.pipeline_id)
    lines: list[Any] = [ctx.tr("Deal #{id}: {title}", id=str(deal.id), title=bold(deal.title))]
    if pipeline.name:
        lines.append(field_line(ctx, ctx.tr.s("Pipeline"), pipeline.name))
    lines.append(field_line(ctx, ctx.tr.s("Stage"), stage_label(ctx, stage)))
    if stage.kind == "lost" and deal.lost_reason:
        lines.append(field_line(ctx, ctx.tr.s("Reason"), deal.lost_reason))
    lines.append(
        field_line(ctx, ctx.tr.s("Amount"), money(deal.amount, deal.currency, ctx.tr.lang))
    )
    items = await crm_products.deal_items(ctx.session, ctx.me, deal.id)
    for item, name in items:
        discount = f", −{item.discount}%" if item.discount else ""
        total = money(crm_products.line_total(item), item.currency or deal.currency, ctx.tr.lang)
        lines.append([Span(f"• {name} × {item.quantity}{discount} = {total}")])
    products = sum(crm_products.line_total(item) for item, _ in items)
    if items and products != deal.amount:  # the amount was typed over the products' sum
        lines.append(
            [
                Span("⚠ "),
                *ctx.tr(
                    "The products come to {total}; the amount was set by hand.",
                    total=money(products, deal.currency, ctx.tr.lang),
                ),
            ]
        )
    for label, entity, linked in (
        (ctx.tr.s("Contact"), "contact", deal.contact_id),
        (ctx.tr.s("Company"), "company", deal.company_id),
    ):
        linked_to = await linked_name(ctx, entity, linked)
        if linked_to:
            lines.append(field_line(ctx, label, linked_to))
    lines.append(field_line(ctx, ctx.tr.s("Responsible"), await owner_name(ctx, deal.owner_id)))
    lines.extend(await _extras(ctx, "deal", deal))
    view = View(body=join_lines(lines), ref=f"deal:{deal.id}")
    editable = await crm_rights.may_edit(ctx.session, ctx.me, deal)
    if editable:  # a colleague's deal is read, not moved (services.crm_rights)
        buttons = [Button(stage_label(ctx, s), f"dl:s:{deal.id}:{s.id}") for s in stages]
        buttons = [b for b, s in zip(buttons, stages, strict=True) if s.id != stage.id]
        for start in range(0, len(buttons), 3):
            view.row(*buttons[start : start + 3])
        view.row(
            Button(ctx.tr.s("Amount"), f"dl:a:{deal.id}"),
            Button(ctx.tr.s("Add product"), f"dl:p:{deal.id}"),
        )
    view.row(
        *await link_buttons(
            ctx,
            [("contact", deal.contact_id), ("company", deal.company_id), ("lead", deal.lead_id)],
        )
    )
    await activity_rows(ctx, view, "deal", deal.id)
    view.row(*common_row(ctx, "deal", deal.id, editable))
    return view


async def related_view(ctx: Ctx, entity: str, entity_id: int, what: str, page_no: int) -> View:
    """All deals of a contact or a company ("dd"), or all contacts of a company ("pp")."""
    row = await crm.get_visible(ctx.session, ctx.me, entity, entity_id)
    letter = "ct" if entity == "contact" else "co"
    view = View(edit=True)
    if what == "pp" and entity == "company":
        people = await crm_people.company_contacts_page(
            ctx.session, ctx.me, entity_id, page_no, ctx.services.page_size
        )
        view.body = list(
            ctx.tr("Contacts of {name} ({n})", name=bold(row.name), n=str(people.total))
        )
        for contact in people.items:
            view.row(Button(f"👤 {contact.name}"[:60], f"ct:o:{contact.id}"))
        page: Any = people
    else:
        deals = await crm_people.related_deals_page(
            ctx.session, ctx.me, entity, entity_id, page_no, ctx.services.page_size
        )
        view.body = list(ctx.tr("Deals of {name} ({n})", name=bold(row.name), n=str(deals.total)))
        for deal in deals.items:
            view.row(
                Button(
                    f"💼 {deal.title} — {money(deal.amount, deal.currency, ctx.tr.lang)}"[:60],
                    f"dl:o:{deal.id}",
                )
            )
        page = deals
    view.row(*pager_row(ctx, page, f"{letter}:{what}:{entity_id}"))
    view.row(Button(ctx.tr.s("Back"), f"{letter}:o:{entity_id}"))
    return view


async def person_card(ctx: Ctx, entity: str, entity_id: int) -> View:
    """A contact or a company with their deals."""
    row = await crm.get_visible(ctx.session, ctx.me, entity, entity_id)
    title = N_("Contact #{id}: {name}") if entity == "contact" else N_("Company #{id}: {name}")
    lines: list[Any] = [ctx.tr(title, id=str(row.id), name=bold(row.name))]
    if row.phone:
        lines.append(field_line(ctx, ctx.tr.s("Phone"), row.phone))
    if row.email:
        lines.append(field_line(ctx, ctx.tr.s("E-mail"), row.email))
    company = None
    if entity == "contact" and row.company_id:
        try:  # a company the reader may not see stays unnamed
            company = await crm.get_visible(ctx.session, ctx.me, "company", row.company_id)
        except NotFound:
            company = None
    if company is not None:
        lines.append(field_line(ctx, ctx.tr.s("Company"), company.name))
    lines.append(field_line(ctx, ctx.tr.s("Responsible"), await owner_name(ctx, row.owner_id)))
    view = View(ref=f"{entity}:{row.id}")
    if company is not None:
        view.row(Button(f"🏢 {company.name}"[:60], f"co:o:{company.id}"))
    letter = "ct" if entity == "contact" else "co"
    if entity == "company":
        people = await crm_people.company_contacts_page(ctx.session, ctx.me, row.id, 1, CARD_ROWS)
        for contact in people.items:
            view.row(Button(f"👤 {contact.name}"[:60], f"ct:o:{contact.id}"))
        if people.pages > 1:
            view.row(Button(ctx.tr.s("All contacts ({n})", n=people.total), f"co:pp:{row.id}:1"))
    deals = await crm_people.related_deals_page(ctx.session, ctx.me, entity, row.id, 1, CARD_ROWS)
    if deals.items:
        lines.append([bold(ctx.tr.s("Deals"))])
    for deal in deals.items:
        lines.append(
            [Span(f"• #{deal.id} {deal.title} — {money(deal.amount, deal.currency, ctx.tr.lang)}")]
        )
        view.row(Button(f"💼 {deal.title}"[:60], f"dl:o:{deal.id}"))
    if deals.pages > 1:
        view.row(Button(ctx.tr.s("All deals ({n})", n=deals.total), f"{letter}:dd:{row.id}:1"))
    lines.extend(await _extras(ctx, entity, row))
    view.body = join_lines(lines)
    await activity_rows(ctx, view, entity, row.id)
    view.row(*common_row(ctx, entity, row.id, await crm_rights.may_edit(ctx.session, ctx.me, row)))
    return view


async def card(ctx: Ctx, entity: str, entity_id: int) -> View:
    if entity == "lead":
        return await lead_card(ctx, entity_id)
    if entity == "deal":
        return await deal_card(ctx, entity_id)
    return await person_card(ctx, entity, entity_id)


async def numbered_card(ctx: Ctx, entity: str, found: Numbered) -> View:
    """/lead 5 (its card) · /lead 5 comment TEXT; another action typed after the number
    is the card's buttons' to do. A record the person does not see is not found."""
    if found.verb in COMMENT and found.arg:
        return await commented(ctx, entity, found.number, found.arg)
    view = await card(ctx, entity, found.number)
    return by_buttons(ctx, view) if found.verb else view


async def commented(ctx: Ctx, entity: str, entity_id: int, text: str) -> View:
    """A comment added to a CRM record, above its card."""
    await crm_notes.add_comment(ctx.session, ctx.me, entity, entity_id, text)
    return prefixed(ctx, ctx.tr("Comment added."), await card(ctx, entity, entity_id))
