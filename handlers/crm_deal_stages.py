"""A deal's stage: picked by a button or by name (/deal 5 stage offer); a lost deal
asks why, a won deal asks before it leaves the won ones; its responsible hears."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, Router
from handlers.crm_card_parts import prefixed, stage_label
from handlers.crm_cards import deal_card
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold
from handlers.views import Button, View
from models.crm import CrmDeal, CrmStage
from services import crm, crm_deals
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)


async def move_by_name(ctx: Ctx, deal_id: int, name: str) -> Any:
    """'/deal 5 stage offer': the stage by its (translated) name, else buttons."""
    deal = await crm_deals.get_deal_to_change(ctx.session, ctx.me, deal_id)
    stages = await crm_deals.stages(ctx.session, ctx.me.team_id, deal.pipeline_id)
    key = name.strip().casefold()
    for stage in stages if key else []:
        if key in (stage.code, stage_label(ctx, stage).casefold()):
            return await choose_stage(ctx, deal.id, stage.id)
    view = View(
        body=ctx.tr("There is no stage {name}. Choose one:", name=bold(name.strip()))
        if key
        else ctx.tr("Which stage is deal #{id} at now?", id=str(deal.id))
    )
    buttons = [Button(stage_label(ctx, s), f"dl:s:{deal.id}:{s.id}") for s in stages]
    for index in range(0, len(buttons), 3):
        view.row(*buttons[index : index + 3])
    return view


async def choose_stage(ctx: Ctx, deal_id: int, stage_id: int, *, confirmed: bool = False) -> Any:
    """A stage picked for a deal: a won deal taken back to an open stage or to lost is
    asked about first (it leaves the plan and the reports); lost asks why."""
    deal = await crm_deals.get_deal_to_change(ctx.session, ctx.me, deal_id)
    stage = await ctx.session.get(CrmStage, stage_id)
    if stage is None or stage.team_id != ctx.me.team_id or stage.pipeline_id != deal.pipeline_id:
        raise DomainError(_N("That stage is not in this deal's pipeline."))
    if stage.id == deal.stage_id:
        raise DomainError(_N("The deal is at that stage already."))
    current = await ctx.session.get(CrmStage, deal.stage_id)
    if not confirmed and current is not None and current.kind == "won":
        return _leave_won_view(ctx, deal, stage)
    if stage.kind == "lost":
        return await ctx.start_form("crm_lost", {"deal_id": deal.id, "stage_id": stage.id})
    return await move(ctx, deal.id, stage.id)


def _leave_won_view(ctx: Ctx, deal: CrmDeal, stage: CrmStage) -> View:
    view = View(
        body=ctx.tr(
            "Deal #{id} {title} is won. Move it to {stage}? It will no longer count as won "
            "in the plan and the reports.",
            id=str(deal.id),
            title=bold(deal.title),
            stage=bold(stage_label(ctx, stage)),
        ),
        ref=f"deal:{deal.id}",
    )
    return view.row(
        Button(ctx.tr.s("Yes, move it"), f"dl:sy:{deal.id}:{stage.id}"),
        Button(ctx.tr.s("Keep it won"), f"dl:o:{deal.id}"),
    )


async def move(ctx: Ctx, deal_id: int, stage_id: int, reason: str = "") -> View:
    deal, _old, new = await crm_deals.move_deal(ctx.session, ctx.me, deal_id, stage_id, reason)
    if deal.owner_id is not None:
        actor_name = ctx.me.name

        lost_reason = deal.lost_reason if new.kind == "lost" else ""

        def build(tr: Translator) -> View:
            stage = tr.s(crm.stage_name(new))
            said = tr(
                "{person} moved the deal {title} to {stage}.",
                person=bold(actor_name),
                title=bold(deal.title),
                stage=bold(stage),
            )
            if lost_reason:  # why it was lost is what the responsible wants to know
                said = [*said, Span(" "), *tr("Reason: {text}", text=lost_reason)]
            return View(
                body=said,
                buttons=[[Button(tr.s("Open"), f"dl:o:{deal.id}")]],
            )

        await ctx.notify(deal.owner_id, "stage", build, ref=f"deal:{deal.id}")
    view = await deal_card(ctx, deal.id)
    if new.kind == "won":
        view = prefixed(ctx, ctx.tr("🎉 The deal is won!"), view)
    view.edit = True
    return view


async def _parse_reason(ctx: Ctx, raw: str) -> str:
    if not raw.strip():
        raise DomainError(_N("Say why the deal was lost."))
    return raw.strip()


async def _submit_lost(ctx: Ctx, values: dict[str, Any]) -> View:
    return await move(ctx, int(values["deal_id"]), int(values["stage_id"]), values["reason"])


router.form(
    Form(
        name="crm_lost",
        title=N_("Deal lost"),
        fields=[Field("reason", N_("Why was the deal lost?"), _parse_reason, max_length=1000)],
        submit=_submit_lost,
    )
)
