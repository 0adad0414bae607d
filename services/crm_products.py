"""The product catalogue and products on deals (quantity, discount); a deal with
products is worth the sum of its lines."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmDeal, CrmDealItem, CrmProduct
from services.access import Actor, require_admin
from services.crm import scope_of, settings_of
from services.crm_deals import get_deal, get_deal_to_change, products_currency
from services.crm_money import money
from services.crm_notes import add_history
from services.errors import N_, DomainError, not_found
from services.pagination import Page, paginate


async def create_product(
    session: AsyncSession, actor: Actor, name: str, price: int, currency: str | None
) -> CrmProduct:
    require_admin(actor)
    settings = await settings_of(session, actor.team_id)
    name = " ".join(name.split())[:200]
    if not name:
        raise DomainError(N_("A product needs a name."))
    if await find_product(session, actor, name) is not None:
        raise DomainError(N_("There is already a product {name}."), name=name)
    product = CrmProduct(
        team_id=actor.team_id,
        name=name,
        price=max(0, price),
        currency=currency or settings.currency,
        active=True,
    )
    session.add(product)
    await session.flush()
    return product


async def list_products(
    session: AsyncSession, actor: Actor, *, page: int = 1, per_page: int = 8
) -> Page[CrmProduct]:
    await scope_of(session, actor)
    query = select(CrmProduct).where(
        CrmProduct.team_id == actor.team_id, CrmProduct.active.is_(True)
    )
    return await paginate(session, query.order_by(CrmProduct.name), page, per_page)


async def find_product(session: AsyncSession, actor: Actor, text: str) -> int | None:
    """An active product of the catalogue by its number or its name (any case), however
    long the catalogue."""
    await scope_of(session, actor)
    text = " ".join(text.split())
    rows = await session.execute(
        select(CrmProduct.id, CrmProduct.name).where(
            CrmProduct.team_id == actor.team_id, CrmProduct.active.is_(True)
        )
    )
    wanted = text.casefold()
    for product_id, name in rows:  # casefold here: SQLite's lower() knows ASCII only
        if str(product_id) == text or name.casefold() == wanted:
            return int(product_id)
    return None


def line_total(item: CrmDealItem) -> int:
    return item.price * item.quantity * (100 - item.discount) // 100


async def check_product(
    session: AsyncSession, actor: Actor, deal_id: int, product_id: int
) -> CrmProduct:
    """The product, if it can go on the deal: the lines of a deal add up to its amount,
    so they share one currency."""
    deal = await get_deal_to_change(session, actor, deal_id)
    product = await session.get(CrmProduct, product_id)
    if product is None or product.team_id != actor.team_id or not product.active:
        raise not_found()
    lines = await products_currency(session, deal)
    if lines is not None and lines != product.currency:
        raise DomainError(
            N_("{product} is priced in {currency}; this deal's products are in {deal_currency}."),
            product=product.name,
            currency=product.currency,
            deal_currency=lines,
        )
    return product


async def add_item(
    session: AsyncSession,
    actor: Actor,
    deal_id: int,
    product_id: int,
    quantity: int,
    discount: int,
) -> tuple[CrmDeal, tuple[int, str] | None]:
    """Add a product to a deal; the deal's amount becomes the sum of its lines. Returns
    the deal and the amount typed by hand that the sum replaced, if one was (the
    history keeps it too)."""
    deal = await get_deal_to_change(session, actor, deal_id)
    product = await check_product(session, actor, deal_id, product_id)
    if quantity < 1 or quantity > 1_000_000:
        raise DomainError(N_("The quantity is a whole number from 1."))
    if not 0 <= discount <= 100:
        raise DomainError(N_("The discount is a percentage from 0 to 100."))
    before = sum(line_total(item) for item, _name in await deal_items(session, actor, deal.id))
    typed = (deal.amount, deal.currency)
    replaced = (
        typed
        if deal.amount and (deal.amount != before or deal.currency != product.currency)
        else None
    )
    session.add(
        CrmDealItem(
            deal_id=deal.id,
            product_id=product.id,
            quantity=quantity,
            discount=discount,
            price=product.price,
            currency=product.currency,
        )
    )
    await session.flush()
    items = await deal_items(session, actor, deal.id)
    deal.amount = sum(line_total(item) for item, _name in items)
    deal.currency = product.currency
    await add_history(
        session,
        actor,
        "deal",
        deal.id,
        N_("Product added: {product} × {qty}"),
        product=product.name,
        qty=quantity,
    )
    if replaced is not None:
        await add_history(
            session,
            actor,
            "deal",
            deal.id,
            N_("Amount: {old} replaced by the products' total, {amount}"),
            old=money(*replaced, actor.locale),
            amount=money(deal.amount, deal.currency, actor.locale),
        )
    await session.flush()
    return deal, replaced


async def deal_items(
    session: AsyncSession, actor: Actor, deal_id: int
) -> list[tuple[CrmDealItem, str]]:
    await get_deal(session, actor, deal_id)
    rows = await session.execute(
        select(CrmDealItem, CrmProduct.name)
        .join(CrmProduct, CrmProduct.id == CrmDealItem.product_id)
        .where(CrmDealItem.deal_id == deal_id)
        .order_by(CrmDealItem.id)
    )
    return [(item, name) for item, name in rows.all()]
