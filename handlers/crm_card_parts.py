"""The small pieces CRM cards (handlers.crm_cards) and their buttons share: entity
letters, labels, field and history lines, activity rows, links to related records.

Entity letters in button data: l lead, d deal, c contact, o company.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from handlers.core import Ctx, pager_row
from handlers.i18n import N_
from handlers.markup import Markup, Span, bold, join_lines
from handlers.views import Button, View
from models.crm import CrmActivity, CrmNote, CrmStage
from services import crm, crm_people
from services.crm_activities import KIND_ICON, KIND_NAMES
from services.errors import NotFound
from services.pagination import Page

LETTER = {"lead": "l", "deal": "d", "contact": "c", "company": "o"}
ENTITY = {v: k for k, v in LETTER.items()}


def stage_label(ctx: Ctx, stage: CrmStage) -> str:
    return ctx.tr.s(crm.stage_name(stage))


def source_label(ctx: Ctx, source: str) -> str:
    return ctx.tr.s(crm.SOURCE_NAMES.get(source, source))


def entity_arg(ctx: Ctx, index: int) -> str:
    letter = ctx.action_args[index] if len(ctx.action_args) > index else ""
    entity = ENTITY.get(letter)
    if entity is None:
        from services.errors import N_, DomainError

        raise DomainError(N_("This button is out of date. Open the list again."))
    return entity


def field_line(ctx: Ctx, label: str, value: Any) -> Markup:
    return ctx.tr("{label}: {value}", label=label, value=value)


def field_value_text(ctx: Ctx, kind: str, value: Any) -> str:
    """A custom field's stored value as the reader writes it: a date "15 дек. 2026",
    a number "150 000,5"."""
    try:
        if kind == "date":
            return format_date(date.fromisoformat(str(value)), "d MMM yyyy", locale=ctx.tr.lang)
        if kind == "number":
            text = format_decimal(Decimal(str(value)), locale=ctx.tr.lang)
            return text.replace("\xa0", " ").replace("\u202f", " ")  # as amounts are
    except (ValueError, ArithmeticError):
        pass  # a value stored before the field's kind changed: shown as it is
    return str(value)


CARD_ROWS = 5  # deals and contacts a card lists; the rest behind "All ..."


# history parameters that hold names of the workspace's own (stage and status names,
# translated like the rest of the card); every other parameter is people's text
TRANSLATED_PARAMS = frozenset({"stage", "status", "kind"})


def history_text(ctx: Ctx, note: CrmNote) -> Markup:
    stored = note.params or {}
    params = {key: _history_param(ctx, key, value) for key, value in stored.items()}
    if "value_kind" in stored and "value" in stored:  # a field's date or number
        params["value"] = field_value_text(ctx, str(stored["value_kind"]), stored["value"])
    return ctx.tr(note.text, **params)


def _history_param(ctx: Ctx, key: str, value: Any) -> Any:
    if key in TRANSLATED_PARAMS:
        return ctx.tr.s(value)
    if key == "when":  # a moment, stored in ISO form: in the reader's zone and words
        try:
            return ctx.tr.when(datetime.fromisoformat(str(value)))
        except ValueError:
            return value
    return value


def activity_line(ctx: Ctx, act: CrmActivity) -> Markup:
    mark = "✔ " if act.done else ""
    kind = ctx.tr.s(KIND_NAMES.get(act.kind, act.kind))
    head = f"{mark}{KIND_ICON.get(act.kind, '')} {kind}, {ctx.tr.when(act.due_at)}"
    return [Span(f"• {head}"), Span(f" — {act.subject}" if act.subject else "")]


def common_row(ctx: Ctx, entity: str, entity_id: int, editable: bool) -> list[Button]:
    """Comment, Activity and History for whoever sees the record; Responsible and
    Fields for those who may change it (services.crm_rights)."""
    e = LETTER[entity]
    changes = [
        Button(ctx.tr.s("Responsible"), f"crm:ow:{e}:{entity_id}"),
        Button(ctx.tr.s("Fields"), f"crm:fl:{e}:{entity_id}"),
    ]
    return [
        Button(ctx.tr.s("Comment"), f"crm:cm:{e}:{entity_id}"),
        Button(ctx.tr.s("Activity"), f"crm:ac:{e}:{entity_id}"),
        *(changes if editable else []),
        Button(ctx.tr.s("History"), f"crm:h:{e}:{entity_id}:1"),
    ]


async def activity_rows(
    ctx: Ctx, view: View, entity: str, entity_id: int, page_no: int | None = None
) -> Page[CrmActivity]:
    """Done / reschedule buttons for the open activities a card lists (`page_no` None:
    the first few, the rest behind "All activities"), or a page of all of them."""
    acts = await crm_people.activities_page(
        ctx.session, ctx.me, entity, entity_id, page_no or 1,
        CARD_ROWS if page_no is None else ctx.services.page_size,
    )  # fmt: skip
    for act in acts.items:
        if act.done:
            continue
        label = act.subject or ctx.tr.s(KIND_NAMES.get(act.kind, act.kind))
        view.row(
            Button(f"✔ {label}"[:60], f"ac:d:{act.id}"),
            Button(ctx.tr.s("Reschedule"), f"ac:r:{act.id}"),
        )
    if page_no is None and acts.pages > 1:
        view.row(
            Button(
                ctx.tr.s("All activities ({n})", n=acts.total),
                f"crm:as:{LETTER[entity]}:{entity_id}:1",
            )
        )
    return acts


async def activities_view(ctx: Ctx, entity: str, entity_id: int, page_no: int) -> View:
    """All activities of a record, a page at a time, with their buttons."""
    view = View(edit=True)
    acts = await activity_rows(ctx, view, entity, entity_id, page_no)
    lines: list[Any] = [[bold(ctx.tr.s("Activities ({n})", n=acts.total))]]
    lines.extend(activity_line(ctx, act) for act in acts.items)
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, acts, f"crm:as:{LETTER[entity]}:{entity_id}"))
    view.row(Button(ctx.tr.s("Back"), f"{LINK_LABELS[entity][1]}:o:{entity_id}"))
    return view


async def linked_row(ctx: Ctx, entity: str, entity_id: int | None) -> Any:
    """A linked record, when the reader may see it (None otherwise)."""
    if entity_id is None:
        return None
    try:
        return await crm.get_visible(ctx.session, ctx.me, entity, entity_id)
    except NotFound:
        return None


async def linked_name(ctx: Ctx, entity: str, entity_id: int | None) -> str | None:
    """The name of a linked record, when the reader may see it."""
    row = await linked_row(ctx, entity, entity_id)
    return None if row is None else str(row.name)


LINK_LABELS = {
    "lead": (N_("Lead #{id}"), "ld"),
    "deal": (N_("Deal #{id}"), "dl"),
    "contact": (N_("Contact #{id}"), "ct"),
    "company": (N_("Company #{id}"), "co"),
}


async def link_buttons(ctx: Ctx, links: list[tuple[str, int | None]]) -> list[Button]:
    """Buttons to a card's linked records: only to those the reader may open."""
    buttons = []
    for entity, entity_id in links:
        if await linked_row(ctx, entity, entity_id) is not None:
            label, opener = LINK_LABELS[entity]
            buttons.append(Button(ctx.tr.s(label, id=entity_id), f"{opener}:o:{entity_id}"))
    return buttons


async def owner_name(ctx: Ctx, owner_id: int | None) -> str:
    if owner_id is None:
        return "—"
    return (await crm.user_names(ctx.session, {owner_id})).get(owner_id, "—")


def prefixed(ctx: Ctx, head: Markup, view: View) -> View:
    """`head` above a card."""
    view.body = [*head, Span("\n\n"), *view.body]
    return view
