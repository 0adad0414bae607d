"""Deals in pipelines with stages: pipelines and their stages; deals created, listed,
moved along a pipeline and given an amount (amounts read and written: services.crm_money;
products on deals: services.crm_products; lead conversion: services.crm_convert)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.crm import CrmDeal, CrmDealItem, CrmPipeline, CrmStage
from services.access import Actor, require_admin
from services.crm import (
    create_pipeline_rows,
    get_visible,
    scope_of,
    settings_of,
    stage_name,
    visible,
)
from services.crm_money import money
from services.crm_notes import add_history
from services.crm_rights import get_editable
from services.errors import N_, DomainError, bare, not_found
from services.pagination import Page, paginate

# -- pipelines and stages ---------------------------------------------------------------


async def pipelines(session: AsyncSession, actor: Actor) -> list[CrmPipeline]:
    await scope_of(session, actor)
    rows = await session.scalars(
        select(CrmPipeline)
        .where(CrmPipeline.team_id == actor.team_id)
        .order_by(CrmPipeline.sort, CrmPipeline.id)
    )
    return list(rows)


async def get_pipeline(session: AsyncSession, actor: Actor, pipeline_id: int) -> CrmPipeline:
    pipeline = await session.get(CrmPipeline, pipeline_id)
    if pipeline is None or pipeline.team_id != actor.team_id:
        raise not_found()
    return pipeline


async def create_pipeline(session: AsyncSession, actor: Actor, name: str) -> CrmPipeline:
    require_admin(actor)
    await settings_of(session, actor.team_id)
    name = " ".join(name.split())[:100]
    if not name:
        raise DomainError(N_("A pipeline needs a name."))
    existing = await pipelines(session, actor)
    if any(p.name.casefold() == name.casefold() for p in existing):
        raise DomainError(N_("A pipeline named {name} already exists."), name=name)
    return await create_pipeline_rows(session, actor.team_id, name, len(existing))


async def stages(session: AsyncSession, team_id: int, pipeline_id: int) -> list[CrmStage]:
    rows = await session.scalars(
        select(CrmStage)
        .where(CrmStage.team_id == team_id, CrmStage.pipeline_id == pipeline_id)
        .order_by(CrmStage.sort, CrmStage.id)
    )
    return list(rows)


async def add_stage(session: AsyncSession, actor: Actor, pipeline_id: int, name: str) -> CrmStage:
    """A pipeline's own stage, placed before won and lost."""
    require_admin(actor)
    pipeline = await get_pipeline(session, actor, pipeline_id)
    name = " ".join(name.split())[:100]
    if not name:
        raise DomainError(N_("A stage needs a name."))
    current = await stages(session, actor.team_id, pipeline.id)
    if any(bare(stage_name(s)).casefold() == name.casefold() for s in current):
        raise DomainError(N_("A stage named {name} already exists."), name=name)
    opened = [s for s in current if s.kind == "open"]
    sort = (opened[-1].sort if opened else 0) + 1
    for stage in current:
        if stage.kind != "open" and stage.sort >= sort:
            stage.sort += 1
    stage = CrmStage(
        team_id=actor.team_id,
        pipeline_id=pipeline.id,
        code=f"s{len(current) + 1}",
        name=name,
        sort=sort,
        kind="open",
    )
    session.add(stage)
    await session.flush()
    return stage


# -- deals -------------------------------------------------------------------------------


async def create_deal(
    session: AsyncSession,
    actor: Actor,
    title: str,
    *,
    amount: int | None = None,
    currency: str | None = None,
    pipeline_id: int | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    lead_id: int | None = None,
) -> CrmDeal:
    await scope_of(session, actor)
    settings = await settings_of(session, actor.team_id)
    title = " ".join(title.split())[:200]
    if not title:
        raise DomainError(N_("A deal needs a title."))
    if pipeline_id is None:
        pipeline = (await pipelines(session, actor))[0]
    else:
        pipeline = await get_pipeline(session, actor, pipeline_id)
    if contact_id is not None:
        await get_visible(session, actor, "contact", contact_id)
    if company_id is not None:
        await get_visible(session, actor, "company", company_id)
    first = (await stages(session, actor.team_id, pipeline.id))[0]
    deal = CrmDeal(
        team_id=actor.team_id,
        title=title,
        pipeline_id=pipeline.id,
        stage_id=first.id,
        amount=max(0, amount or 0),
        currency=currency or settings.currency,
        owner_id=actor.user_id,
        lead_id=lead_id,
        contact_id=contact_id,
        company_id=company_id,
        lost_reason="",
        custom={},
    )
    session.add(deal)
    await session.flush()
    await add_history(session, actor, "deal", deal.id, N_("Deal created"))
    return deal


async def get_deal(session: AsyncSession, actor: Actor, deal_id: int) -> CrmDeal:
    deal: CrmDeal = await get_visible(session, actor, "deal", deal_id)
    return deal


async def get_deal_to_change(session: AsyncSession, actor: Actor, deal_id: int) -> CrmDeal:
    """A deal the actor may change (services.crm_rights): its stage, amount, products."""
    deal: CrmDeal = await get_editable(session, actor, "deal", deal_id)
    return deal


async def list_deals(
    session: AsyncSession,
    actor: Actor,
    *,
    mine: bool = False,
    state: str | None = None,  # open | won | lost
    pipeline_id: int | None = None,
    page: int = 1,
    per_page: int = 8,
) -> Page[CrmDeal]:
    query = await deal_query(session, actor, mine=mine, state=state, pipeline_id=pipeline_id)
    return await paginate(session, query.order_by(CrmDeal.id.desc()), page, per_page)


async def deal_query(
    session: AsyncSession,
    actor: Actor,
    *,
    mine: bool = False,
    state: str | None = None,
    pipeline_id: int | None = None,
) -> Select[Any]:
    """The visible deals matching a filter (unordered)."""
    scope = await scope_of(session, actor)
    query = visible(CrmDeal, actor, scope)
    if mine:
        query = query.where(CrmDeal.owner_id == actor.user_id)
    if pipeline_id is not None:
        query = query.where(CrmDeal.pipeline_id == pipeline_id)
    if state is not None:
        query = query.where(CrmDeal.stage_id.in_(select(CrmStage.id).where(CrmStage.kind == state)))
    return query


async def move_deal(
    session: AsyncSession, actor: Actor, deal_id: int, stage_id: int, reason: str = ""
) -> tuple[CrmDeal, CrmStage, CrmStage]:
    """Move a deal to a stage of its pipeline; 'lost' needs a reason. Returns (deal, old, new)."""
    deal = await get_deal_to_change(session, actor, deal_id)
    new = await session.get(CrmStage, stage_id)
    if new is None or new.team_id != actor.team_id or new.pipeline_id != deal.pipeline_id:
        raise DomainError(N_("That stage is not in this deal's pipeline."))
    old = await session.get(CrmStage, deal.stage_id)
    assert old is not None
    if new.id == old.id:
        raise DomainError(N_("The deal is at that stage already."))
    if new.kind == "lost" and not reason.strip():
        raise DomainError(N_("Say why the deal was lost."))
    deal.stage_id = new.id
    if new.kind in ("won", "lost"):
        deal.closed_at = utcnow()
        deal.lost_reason = reason.strip()[:1000] if new.kind == "lost" else ""
    else:
        deal.closed_at = None
        deal.lost_reason = ""
    if new.kind == "lost":
        await add_history(
            session,
            actor,
            "deal",
            deal.id,
            N_("Stage: {stage} ({reason})"),
            stage=stage_name(new),
            reason=deal.lost_reason,
        )
    else:
        await add_history(
            session, actor, "deal", deal.id, N_("Stage: {stage}"), stage=stage_name(new)
        )
    await session.flush()
    return deal, old, new


async def products_currency(session: AsyncSession, deal: CrmDeal) -> str | None:
    """The currency of a deal's product lines (they share one); None without lines."""
    row = (
        await session.execute(
            select(CrmDealItem.currency)
            .where(CrmDealItem.deal_id == deal.id)
            .order_by(CrmDealItem.id)
            .limit(1)
        )
    ).first()
    return None if row is None else row[0] or deal.currency


async def set_amount(
    session: AsyncSession, actor: Actor, deal_id: int, amount: int, currency: str | None
) -> CrmDeal:
    deal = await get_deal_to_change(session, actor, deal_id)
    if amount < 0:
        raise DomainError(N_("An amount cannot be negative."))
    lines = await products_currency(session, deal)
    if currency and lines and currency != lines:
        # its lines keep their prices: a new currency would relabel them, not convert
        raise DomainError(
            N_("This deal's products are priced in {currency}: give its amount in {currency}."),
            currency=lines,
        )
    deal.amount = amount
    if currency:
        deal.currency = currency
    await add_history(
        session,
        actor,
        "deal",
        deal.id,
        N_("Amount: {amount}"),
        amount=money(deal.amount, deal.currency, actor.locale),
    )
    await session.flush()
    return deal


async def deal_totals(session: AsyncSession, actor: Actor) -> tuple[int, int]:
    """(open deals, won deals) the actor sees."""
    scope = await scope_of(session, actor)
    base = visible(CrmDeal, actor, scope).join(CrmStage, CrmStage.id == CrmDeal.stage_id)
    open_ = await session.scalar(
        select(func.count()).select_from(base.where(CrmStage.kind == "open").subquery())
    )
    won = await session.scalar(
        select(func.count()).select_from(base.where(CrmStage.kind == "won").subquery())
    )
    return int(open_ or 0), int(won or 0)
