"""Sales plans, the CRM Start dashboard figures, report templates and the builder
(the months they count in: services.crm_periods; CSV exports: services.crm_export).
The dashboard adds up in SQL (GROUP BY over the visible rows); the report builder in
Python, so the same labels come out of SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import (
    CrmActivity,
    CrmDeal,
    CrmLead,
    CrmPlan,
    CrmStage,
)
from models.teams import User
from services.access import Actor, get_team_user, require_admin
from services.crm import SOURCE_NAMES, scope_of, settings_of, stage_name, user_names, visible
from services.crm_periods import month_bounds, month_key
from services.errors import N_, DomainError

PLAN_KINDS = ("amount", "count")


async def set_plan(
    session: AsyncSession, actor: Actor, user_id: int, month: str, kind: str, target: int
) -> CrmPlan:
    require_admin(actor)
    await scope_of(session, actor)
    user = await get_team_user(session, actor, user_id)
    if kind not in PLAN_KINDS:
        raise DomainError(N_("A plan is an amount or a count of deals."))
    if target <= 0:
        raise DomainError(N_("A plan needs a target above zero."))
    row = await session.scalar(
        select(CrmPlan).where(
            CrmPlan.team_id == actor.team_id, CrmPlan.user_id == user.id, CrmPlan.month == month
        )
    )
    if row is None:
        row = CrmPlan(team_id=actor.team_id, user_id=user.id, month=month)
        session.add(row)
    row.kind, row.target = kind, target
    await session.flush()
    return row


@dataclass(frozen=True, slots=True)
class PlanLine:
    user_id: int
    name: str
    kind: str
    target: int
    actual: int  # won deals, or their amount in the team's currency
    # amounts won in other currencies: shown beside the plan, never converted
    others: tuple[tuple[str, int], ...] = ()

    @property
    def percent(self) -> int:
        return self.actual * 100 // self.target if self.target else 0


@dataclass
class Dashboard:
    month: str
    plans: list[PlanLine] = field(default_factory=list)
    funnel: list[tuple[str, int]] = field(default_factory=list)  # status msgid, leads
    leads_total: int = 0
    leads_converted: int = 0
    # source -> (leads, converted)
    channels: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (name, won deals, won amount in the team's currency, activities done, amounts won
    # in other currencies)
    people: list[tuple[str, int, int, int, tuple[tuple[str, int], ...]]] = field(
        default_factory=list
    )
    currency: str = "RUB"


def other_amounts(by_currency: dict[str, int], currency: str) -> tuple[tuple[str, int], ...]:
    """Sums in currencies other than the team's, each on its own: no rate is invented to
    add them up."""
    return tuple(sorted((c, a) for c, a in by_currency.items() if c != currency))


async def visible_rows(session: AsyncSession, actor: Actor, model: Any) -> list[Any]:
    """The rows of `model` (leads, deals, ...) the actor sees."""
    scope = await scope_of(session, actor)
    return list((await session.execute(visible(model, actor, scope))).scalars())


async def team_stages(session: AsyncSession, team_id: int) -> dict[int, CrmStage]:
    """The team's stages and lead statuses, by id."""
    rows = await session.scalars(select(CrmStage).where(CrmStage.team_id == team_id))
    return {s.id: s for s in rows}


async def team_zone(session: AsyncSession, actor: Actor) -> str:
    """The zone a team's months are counted in: the same answer for everyone asking."""
    from models.teams import Team

    team = await session.get(Team, actor.team_id)
    return team.timezone if team is not None else actor.timezone


async def dashboard(session: AsyncSession, actor: Actor, month: str) -> Dashboard:
    settings = await settings_of(session, actor.team_id)
    scope = await scope_of(session, actor)
    start, end = month_bounds(month, await team_zone(session, actor))
    stages = await team_stages(session, actor.team_id)
    board = Dashboard(month=month, currency=settings.currency)
    owners = sorted(scope.owners) if scope.owners is not None else None
    won_count: dict[int, int] = defaultdict(int)
    # user id -> currency -> amount won: each currency adds up on its own
    won_amounts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    won = (
        select(CrmDeal.owner_id, CrmDeal.currency, func.count(), func.sum(CrmDeal.amount))
        .join(CrmStage, CrmStage.id == CrmDeal.stage_id)
        .where(
            CrmDeal.team_id == actor.team_id,
            CrmDeal.owner_id.is_not(None),
            CrmStage.kind == "won",
            CrmDeal.closed_at >= start,
            CrmDeal.closed_at < end,
        )
        .group_by(CrmDeal.owner_id, CrmDeal.currency)
    )
    if owners is not None:
        won = won.where(CrmDeal.owner_id.in_(owners))
    for owner, currency, count, amount in await session.execute(won):
        if owner is None:
            continue
        won_count[owner] += int(count)
        won_amounts[owner][currency] += int(amount or 0)
    won_amount = {uid: by.get(settings.currency, 0) for uid, by in won_amounts.items()}
    others = {uid: other_amounts(by, settings.currency) for uid, by in won_amounts.items()}
    plan_query = select(CrmPlan).where(CrmPlan.team_id == actor.team_id, CrmPlan.month == month)
    if scope.owners is not None:
        plan_query = plan_query.where(CrmPlan.user_id.in_(sorted(scope.owners)))
    plans = list(await session.scalars(plan_query.order_by(CrmPlan.id)))
    acts = (
        select(CrmActivity.owner_id, func.count())
        .where(
            CrmActivity.team_id == actor.team_id,
            CrmActivity.owner_id.is_not(None),
            CrmActivity.done.is_(True),
            CrmActivity.done_at >= start,
            CrmActivity.done_at < end,
        )
        .group_by(CrmActivity.owner_id)
    )
    if owners is not None:
        acts = acts.where(CrmActivity.owner_id.in_(owners))
    done_count: dict[int, int] = defaultdict(int)
    for owner, count in await session.execute(acts):
        if owner is not None:
            done_count[owner] = int(count)
    people = set(won_count) | set(done_count) | {p.user_id for p in plans}
    names = await user_names(session, people)
    for plan in plans:
        uid = plan.user_id
        amount = plan.kind == "amount"
        board.plans.append(
            PlanLine(
                uid,
                names.get(uid, "?"),
                plan.kind,
                plan.target,
                won_amount.get(uid, 0) if amount else won_count[uid],
                others.get(uid, ()) if amount else (),
            )
        )
    # the month's leads: those that came in it
    leads = select(
        CrmLead.status_id, CrmLead.source, func.count(), func.count(CrmLead.converted_at)
    ).where(CrmLead.team_id == actor.team_id, CrmLead.created_at >= start, CrmLead.created_at < end)
    if owners is not None:
        leads = leads.where(CrmLead.owner_id.in_(owners))
    by_status: dict[int, int] = defaultdict(int)
    channels: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for status_id, source, count, converted in await session.execute(
        leads.group_by(CrmLead.status_id, CrmLead.source)
    ):
        by_status[status_id] += count
        channels[source][0] += count
        channels[source][1] += converted
        board.leads_total += count
        board.leads_converted += converted
    for stage in sorted(
        (s for s in stages.values() if s.pipeline_id is None), key=lambda s: (s.sort, s.id)
    ):
        board.funnel.append((stage_name(stage), by_status.get(stage.id, 0)))
    board.channels = {k: (v[0], v[1]) for k, v in sorted(channels.items())}
    board.people = sorted(
        (
            (
                names.get(uid, "?"),
                won_count[uid],
                won_amount.get(uid, 0),
                done_count[uid],
                others.get(uid, ()),
            )
            for uid in people
        ),
        key=lambda row: (-row[2], -row[1], row[0]),
    )
    return board


# -- reports -------------------------------------------------------------------------------

REPORTS = ("funnel", "month", "employee", "source")
GROUPS = {"lead": ("status", "source", "owner", "month"), "deal": ("stage", "owner", "month")}


@dataclass(frozen=True, slots=True)
class ReportRow:
    label: str  # a msgid for statuses/stages/sources, else text
    count: int
    amount: int  # of the deals in the team's currency
    translate: bool = False
    # the sums of deals in other currencies, each on its own (never converted)
    others: tuple[tuple[str, int], ...] = ()
    within: str = ""  # the pipeline a stage is of, when the team has more than one
    # deals of every state by owner or month: how many were won, the sums being theirs
    # alone (a lost deal's amount is no one's sales)
    won: int | None = None
    month: bool = False  # the label is a month key ("2026-11"), to be named


async def build(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    group: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    mine: bool = False,
    state: str | None = None,
    source: str | None = None,
) -> list[ReportRow]:
    """The builder: count (and sum, for deals) visible leads or deals grouped by a key,
    filtered by period, owner (mine), deal state (open/won/lost) or lead source."""
    if entity not in GROUPS or group not in GROUPS[entity]:
        raise DomainError(
            N_("Group leads by status, source, owner or month; deals by stage, owner or month.")
        )
    stages = await team_stages(session, actor.team_id)
    rows = await visible_rows(session, actor, CrmLead if entity == "lead" else CrmDeal)
    currency = (await settings_of(session, actor.team_id)).currency
    zone = await team_zone(session, actor)
    # count, and amount by currency (sums of different currencies do not add up)
    counts: dict[Any, tuple[list[int], dict[str, int]]] = defaultdict(
        lambda: ([0, 0], defaultdict(int))
    )
    # by owner or month, deals of any state: the sums are of the won ones
    won_only = entity == "deal" and state is None and group in ("owner", "month")
    for row in rows:
        moment = row.created_at
        if entity == "deal" and stages[row.stage_id].kind == "won" and row.closed_at:
            moment = row.closed_at
        if since is not None and moment < since or until is not None and moment >= until:
            continue
        if mine and row.owner_id != actor.user_id:
            continue
        if state and entity == "deal" and stages[row.stage_id].kind != state:
            continue
        if source and entity == "lead" and row.source != source:
            continue
        if group in ("status", "stage"):
            key: Any = row.status_id if entity == "lead" else row.stage_id
        elif group == "source":
            key = row.source
        elif group == "owner":
            key = row.owner_id
        else:
            key = month_key(moment, zone)
        counts[key][0][0] += 1
        won = entity == "deal" and stages[row.stage_id].kind == "won"
        counts[key][0][1] += int(won)
        if entity == "deal" and (won or not won_only):
            counts[key][1][row.currency] += row.amount

    def row_of(key: Any, label: str, translate: bool, within: str = "") -> ReportRow:
        (n, won), sums = counts[key]
        return ReportRow(
            label,
            n,
            sums.get(currency, 0),
            translate,
            other_amounts(sums, currency),
            within,
            won if won_only else None,
            group == "month",
        )

    out: list[ReportRow] = []
    if group in ("status", "stage"):
        ordered = sorted((stages[k] for k in counts), key=lambda s: (s.pipeline_id or 0, s.sort))
        pipelines = {s.pipeline_id for s in stages.values() if s.pipeline_id is not None}
        names: dict[int, str] = {}
        if len(pipelines) > 1:  # "new" of Sales and "new" of Renewals are told apart
            from models.crm import CrmPipeline

            found = await session.execute(
                select(CrmPipeline.id, CrmPipeline.name).where(CrmPipeline.id.in_(pipelines))
            )
            # the first pipeline has no name of its own: "Sales", in the reader's words
            names = {int(i): str(n) or N_("Sales") for i, n in found.all()}
        return [
            row_of(s.id, stage_name(s), True, names.get(s.pipeline_id or 0, "")) for s in ordered
        ]
    if group == "owner":
        names = await user_names(session, {k for k in counts if k is not None})
        for key in counts:
            out.append(row_of(key, names.get(key, "—") if key else "—", False))
        return sorted(out, key=lambda row: (-row.amount, -row.count))
    if group == "source":
        return [row_of(k, SOURCE_NAMES.get(k, k), True) for k in sorted(counts)]
    return [row_of(k, k, False) for k in sorted(counts)]


async def template(
    session: AsyncSession,
    actor: Actor,
    name: str,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ReportRow]:
    if name == "funnel":
        return await build(session, actor, "deal", "stage", since=since, until=until)
    if name == "month":
        return await build(session, actor, "deal", "month", since=since, until=until, state="won")
    if name == "employee":
        return await build(session, actor, "deal", "owner", since=since, until=until, state="won")
    if name == "source":
        return await build(session, actor, "lead", "source", since=since, until=until)
    raise DomainError(N_("Reports: funnel, month, employee, source."))


async def team_people(session: AsyncSession, actor: Actor) -> list[User]:
    rows = await session.scalars(
        select(User).where(User.team_id == actor.team_id, User.active.is_(True)).order_by(User.name)
    )
    return list(rows)
