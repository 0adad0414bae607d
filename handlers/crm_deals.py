"""/deal, /deals, /products: deals in pipelines, stage buttons, amounts and products."""

from __future__ import annotations

import re
from typing import Any

from handlers.core import Ctx, Router, pager_row
from handlers.crm_card_parts import prefixed, stage_label
from handlers.crm_cards import deal_card, numbered_card
from handlers.crm_deal_stages import choose_stage, move_by_name
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines
from handlers.numbered import CRM_ACTIONS, STAGE, numbered
from handlers.people import one_person
from handlers.views import Button, View
from models.crm import CrmDeal, CrmStage
from services import crm, crm_deals, crm_products
from services.crm_money import money, parse_money, split_title_amount
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 77

STATE_WORDS = {
    "open": "open",
    "открытые": "open",
    "открытая": "open",
    "открытых": "open",
    "won": "won",
    "выигранные": "won",
    "выиграна": "won",
    "выигранная": "won",
    "выигранных": "won",
    "выиграны": "won",
    "проиграны": "lost",
    "открыты": "open",
    "успешные": "won",
    "lost": "lost",
    "проигранные": "lost",
    "проиграна": "lost",
    "проигранная": "lost",
    "проигранных": "lost",
    "провал": "lost",
}


async def _pick_pipeline(ctx: Ctx, text: str) -> tuple[int | None, str] | View:
    """'#Name rest' picks a pipeline; an unknown name gets buttons with the valid ones."""
    if not text.startswith("#"):
        return None, text
    head, _, rest = text[1:].partition(" ")
    pipes = await crm_deals.pipelines(ctx.session, ctx.me)
    for pipe in pipes:
        if (pipe.name or ctx.tr.s("Sales")).casefold() == head.casefold():
            return pipe.id, rest
    view = View(body=ctx.tr("There is no pipeline {name}. Choose one:", name=bold(head)))
    for pipe in pipes:
        view.row(Button((pipe.name or ctx.tr.s("Sales"))[:60], f"dl:n:{pipe.id}"))
    return view


@router.command(
    "deal",
    help=N_("new deal: title and amount"),
    usage=N_("/deal [#PIPELINE] Website redesign 150000 RUB | /deal ID stage NAME"),
    roles=("admin", "employee", "extranet"),
    personal=True,  # the CRM is no group's: its data goes to the asker alone
)
async def deal_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    await crm.scope_of(ctx.session, ctx.me)
    if not text:
        return await ctx.start_form("crm_deal")
    if (record := numbered(text, CRM_ACTIONS)) is not None:  # /deal 5, /deal 5 stage NAME
        if record.verb in STAGE:
            return await move_by_name(ctx, record.number, record.arg)  # no name: the choice
        return await numbered_card(ctx, "deal", record)
    owner = None
    named = _PERSON.search(text)  # "/deal Windows 100 тыс @Anna": Anna is responsible
    if named is not None:
        owner = await one_person(ctx, named.group(1).rstrip(".,"), handle=True)
        if owner is None:
            raise DomainError(
                _N("I don't know anyone called {name} in your team."), name=named.group(1)
            )
        text = " ".join((text[: named.start()] + text[named.end() :]).split())
    picked = await _pick_pipeline(ctx, text)
    if isinstance(picked, View):
        return picked
    pipeline_id, text = picked
    title, amount, currency = split_title_amount(text)
    deal = await crm_deals.create_deal(
        ctx.session, ctx.me, title, amount=amount, currency=currency, pipeline_id=pipeline_id
    )
    if owner is not None and owner.id != ctx.me.user_id:
        from handlers.crm_changes import assign_owner

        await assign_owner(ctx, {"entity": "deal", "entity_id": deal.id, "owner": owner.id})
    return prefixed(
        ctx, ctx.tr("Deal #{id} created.", id=str(deal.id)), await deal_card(ctx, deal.id)
    )


_PERSON = re.compile(r"(?<!\S)@([\w.\-]+)")


async def list_view(ctx: Ctx, code_: str, page_no: int) -> View:
    mine = code_.startswith("m")
    state = {"o": "open", "w": "won", "x": "lost"}.get(code_[1:2])
    page = await crm_deals.list_deals(
        ctx.session,
        ctx.me,
        mine=mine,
        state=state,
        page=page_no,
        per_page=ctx.services.page_size,
    )
    lines: list[Any] = [[bold(ctx.tr.s("Deals ({count})", count=page.total))]]
    if not page.items:
        lines.append(ctx.tr("No deals here. Add one: /deal TITLE AMOUNT"))
    view = View()
    stage_names = await _stage_names(ctx, page.items)
    for deal in page.items:
        lines.append(
            [
                Span(f"#{deal.id} "),
                bold(deal.title),
                Span(
                    f" — {money(deal.amount, deal.currency, ctx.tr.lang)}, {stage_names[deal.stage_id]}"
                ),
            ]
        )
        view.row(Button(f"#{deal.id} {deal.title}"[:60], f"dl:o:{deal.id}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, f"dl:l:{code_}"))
    view.row(
        Button(
            ctx.tr.s("All deals") if mine else ctx.tr.s("My deals"),
            f"dl:l:{'-' if mine else 'm'}{code_[1:2] or '-'}:1",
        ),
        Button(ctx.tr.s("New deal"), "dl:n"),
        Button(ctx.tr.s("Export CSV"), f"crm:x:d:{code_}"),
    )
    return view


async def _stage_names(ctx: Ctx, deals: list[CrmDeal]) -> dict[int, str]:
    out: dict[int, str] = {}
    for deal in deals:
        if deal.stage_id not in out:
            stage = await ctx.session.get(CrmStage, deal.stage_id)
            out[deal.stage_id] = stage_label(ctx, stage) if stage else "?"
    return out


@router.command(
    "deals",
    help=N_("deals; filters: mine, open, won, lost"),
    usage=N_("/deals [mine] [open|won|lost]"),
    roles=("admin", "employee", "extranet"),
    personal=True,  # the CRM is no group's: its data goes to the asker alone
)
async def deals_command(ctx: Ctx) -> Any:
    await crm.scope_of(ctx.session, ctx.me)
    mine, state = "-", "-"
    for word in ctx.args.casefold().split():
        if word in ("mine", "my", "мои"):
            mine = "m"
        elif word in STATE_WORDS:
            state = STATE_WORDS[word][0].replace("l", "x")
        else:
            raise DomainError(_N("Unknown filter {word}. Use: mine, open, won, lost."), word=word)
    return await list_view(ctx, mine + state, 1)


@router.action("dl", personal=True)
async def deal_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "l":
        code_ = (ctx.action_args[1] if len(ctx.action_args) > 1 else "--")[:2]
        view = await list_view(ctx, code_, ctx.page_arg(2))
        view.edit = True
        return view
    if verb == "n":
        if len(ctx.action_args) > 1:
            pipe = await crm_deals.get_pipeline(ctx.session, ctx.me, ctx.int_arg(1))
            return await ctx.start_form("crm_deal", {"pipeline_id": pipe.id})
        return await ctx.start_form("crm_deal")
    if verb == "o":
        return await deal_card(ctx, ctx.int_arg(1))
    if verb in ("s", "sy"):  # sy: moving a won deal back, confirmed
        return await choose_stage(ctx, ctx.int_arg(1), ctx.int_arg(2), confirmed=verb == "sy")
    if verb == "a":
        deal = await crm_deals.get_deal_to_change(ctx.session, ctx.me, ctx.int_arg(1))
        return await ctx.start_form("crm_amount", {"deal_id": deal.id})
    if verb == "p":
        deal = await crm_deals.get_deal_to_change(ctx.session, ctx.me, ctx.int_arg(1))
        products = await crm_products.list_products(ctx.session, ctx.me, per_page=1)
        if not products.total:
            raise DomainError(
                _N("The catalogue is empty. An admin adds products: /products add NAME PRICE")
            )
        return await ctx.start_form("crm_item", {"deal_id": deal.id})
    if verb == "pl":
        view = await products_view(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    raise DomainError(_N("This button is out of date. Open the list again."))


# -- products --------------------------------------------------------------------------


async def products_view(ctx: Ctx, page_no: int) -> View:
    page = await crm_products.list_products(
        ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size
    )
    lines: list[Any] = [[bold(ctx.tr.s("Products ({count})", count=page.total))]]
    if not page.items:
        lines.append(
            ctx.tr("The catalogue is empty. An admin adds products: /products add NAME PRICE")
        )
    for product in page.items:
        lines.append(
            [
                Span("• "),
                bold(product.name),
                Span(f" — {money(product.price, product.currency, ctx.tr.lang)}"),
            ]
        )
    view = View(body=join_lines(lines))
    view.row(*pager_row(ctx, page, "dl:pl"))
    return view


@router.command(
    "products",
    help=N_("the product catalogue"),
    usage=N_("/products [add NAME PRICE]"),
    roles=("admin", "employee", "extranet"),
)
async def products_command(ctx: Ctx) -> Any:
    verb, _, rest = ctx.args.strip().partition(" ")
    if verb.casefold() in ("add", "new", "добавить"):
        name, amount, currency = split_title_amount(rest)
        if amount is None:
            raise DomainError(_N("Give a name and a price: /products add Consulting 5000 RUB"))
        product = await crm_products.create_product(ctx.session, ctx.me, name, amount, currency)
        return View(
            body=ctx.tr(
                "Product {name} added: {price}.",
                name=bold(product.name),
                price=money(product.price, product.currency, ctx.tr.lang),
            )
        )
    return await products_view(ctx, 1)


# -- forms -----------------------------------------------------------------------------


async def _parse_amount(ctx: Ctx, raw: str) -> list[Any]:
    amount, currency = parse_money(raw)
    return [amount, currency]


async def _submit_amount(ctx: Ctx, values: dict[str, Any]) -> View:
    amount, currency = values["amount"]
    deal = await crm_deals.set_amount(ctx.session, ctx.me, int(values["deal_id"]), amount, currency)
    return await deal_card(ctx, deal.id)


async def _product_choices(ctx: Ctx) -> list[tuple[str, str]]:
    page = await crm_products.list_products(ctx.session, ctx.me, per_page=20)
    return [
        (f"{p.name} — {money(p.price, p.currency, ctx.tr.lang)}"[:60], str(p.id))
        for p in page.items
    ]


async def _parse_product(ctx: Ctx, raw: str) -> int:
    found = await crm_products.find_product(ctx.session, ctx.me, raw)
    if found is None:
        raise DomainError(_N("There is no product {name} in the catalogue."), name=raw.strip())
    return found


QUANTITY_RE = re.compile(r"^(\d{1,7})\s*(pcs|pc|шт\.?|x|×)?$", re.IGNORECASE)


async def _parse_quantity(ctx: Ctx, raw: str) -> int:
    match = QUANTITY_RE.match(raw.strip())
    text = match.group(1) if match else ""
    if not text or not 1 <= int(text) <= 1_000_000:
        raise DomainError(_N("The quantity is a whole number from 1."))
    return int(text)


async def _parse_discount(ctx: Ctx, raw: str) -> int:
    text = raw.strip().rstrip("%").strip()
    if not text.isdigit() or int(text) > 100:
        raise DomainError(_N("The discount is a percentage from 0 to 100."))
    return int(text)


async def _check_product(ctx: Ctx, product_id: int, values: dict[str, Any]) -> None:
    """A product in another currency than the deal's lines is refused at once."""
    await crm_products.check_product(ctx.session, ctx.me, int(values["deal_id"]), product_id)


async def _submit_item(ctx: Ctx, values: dict[str, Any]) -> View:
    deal, replaced = await crm_products.add_item(
        ctx.session,
        ctx.me,
        int(values["deal_id"]),
        int(values["product"]),
        int(values["quantity"]),
        int(values.get("discount") or 0),
    )
    card = await deal_card(ctx, deal.id)
    if replaced is None:
        return card
    said = ctx.tr(
        "The amount {old} typed by hand is replaced by the products' total, {amount}.",
        old=money(*replaced, ctx.tr.lang),
        amount=money(deal.amount, deal.currency, ctx.tr.lang),
    )
    return prefixed(ctx, said, card)


async def _submit_deal(ctx: Ctx, values: dict[str, Any]) -> View:
    amount, currency = values.get("amount") or [None, None]
    pipeline_id = int(values["pipeline_id"]) if values.get("pipeline_id") else None
    deal = await crm_deals.create_deal(
        ctx.session,
        ctx.me,
        values["title"],
        amount=amount,
        currency=currency,
        pipeline_id=pipeline_id,
    )
    return prefixed(
        ctx, ctx.tr("Deal #{id} created.", id=str(deal.id)), await deal_card(ctx, deal.id)
    )


router.form(
    Form(
        name="crm_amount",
        title=N_("Deal amount"),
        fields=[Field("amount", N_("Amount and currency? For example: 150000 RUB"), _parse_amount)],
        submit=_submit_amount,
        checked_on_submit="amount",
    )
)
router.form(
    Form(
        name="crm_item",
        title=N_("Add a product"),
        fields=[
            Field(
                "product",
                N_("Which product?"),
                _parse_product,
                choices=_product_choices,
                check=_check_product,
            ),
            Field("quantity", N_("Quantity? For example: 3 pcs"), _parse_quantity),
            Field(
                "discount",
                N_("Discount? For example: 10% (0% for none)"),
                _parse_discount,
                optional=True,
            ),
        ],
        submit=_submit_item,
        checked_on_submit="product",
    )
)
router.form(
    Form(
        name="crm_deal",
        title=N_("New deal"),
        fields=[
            Field("title", N_("Deal title?"), max_length=200),
            Field(
                "amount",
                N_("Amount and currency? For example: 150000 RUB"),
                _parse_amount,
                optional=True,
            ),
        ],
        submit=_submit_deal,
    )
)
