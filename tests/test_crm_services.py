"""CRM services on SQLite and PostgreSQL: recognition, dedup, conversion, stage rules,
plan maths, activities' reminders and the access matrix (extranet included)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.crm import CrmContact, CrmDeal, CrmLead
from models.db import create_engine, create_sessionmaker
from models.outbox import OutboxMessage
from services import (
    crm,
    crm_activities,
    crm_convert,
    crm_deals,
    crm_fields,
    crm_handover,
    crm_lead_edit,
    crm_leads,
    crm_money,
    crm_notes,
    crm_people,
    crm_periods,
    crm_products,
    crm_reports,
    groups,
    teams,
    teams_invites,
    users,
)
from services.access import Actor
from services.crm import Card, recognise
from services.crm_rights import ReadOnlyRecord
from services.errors import DomainError, NotFound, bare
from services.teams import Newcomer


@dataclass
class World:
    admin: Actor
    anna: Actor  # reports to the admin
    boris: Actor  # reports to the admin too: Anna's department
    carl: Actor  # no supervisor: a department of his own
    guest: Actor  # extranet
    outsider: Actor  # admin of another team


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def who(name: str) -> Newcomer:
    return Newcomer(platform="console", external_id=name.casefold(), name=name)


@pytest.fixture
async def world(maker: async_sessionmaker[AsyncSession]) -> World:
    async with maker() as s, s.begin():
        admin = await teams.create_team(s, who("Admin"))
        people = []
        for name in ("Anna", "Boris", "Carl"):
            code = (await teams_invites.create_invite(s, admin, role="employee")).code
            actor, _ = await teams_invites.join_with_invite(s, code, who(name))
            people.append(actor)
        anna, boris, carl = people
        await users.set_supervisor(s, admin, anna.user_id, admin.user_id)
        await users.set_supervisor(s, admin, boris.user_id, admin.user_id)
        group = await groups.create_group(s, admin, "Partners")
        code = (
            await teams_invites.create_invite(s, admin, role="extranet", group_id=group.id)
        ).code
        guest, _ = await teams_invites.join_with_invite(s, code, who("Guest"))
        outsider = await teams.create_team(s, who("Other"))
        return World(admin, anna, boris, carl, guest, outsider)


def card(name: str, phone: str = "", email: str = "", company: str = "") -> Card:
    c = Card(name=name, company=company)
    if phone:
        c.set_phone(phone)
    if email:
        c.set_email(email)
    return c


async def new_lead(s: AsyncSession, actor: Actor, c: Card) -> CrmLead:
    result = await crm_leads.create_lead(s, actor, c, force=True)
    assert result.lead is not None
    return result.lead


# -- recognition (no database) -------------------------------------------------------


def test_recognise_russian_line() -> None:
    c = recognise("Иван Петров, ООО Ромашка, +7 999 123-45-67, Ivan@Romashka.ru, источник: звонок")
    assert (c.name, c.company, c.phone, c.phone_key, c.email, c.source) == (
        "Иван Петров",
        "ООО Ромашка",
        "+7 999 123-45-67",
        "79991234567",
        "ivan@romashka.ru",
        "call",
    )
    assert c.warnings == []


def test_recognise_keeps_bad_values_with_warnings() -> None:
    c = recognise("Jane Doe, Acme Inc, phone: 12-34, email: jane@, source: pigeon")
    assert c.name == "Jane Doe" and c.company == "Acme Inc"
    assert c.phone == "12-34" and c.phone_key == ""
    assert c.email == "jane@"
    assert c.source == "other"
    assert len(c.warnings) == 3


def test_phone_normalisation() -> None:
    assert crm.phone_key("8 (999) 123-45-67") == "79991234567"
    assert crm.phone_key("+7 999 1234567") == "79991234567"
    # a bare 10 digits from 9: +7 for a Russian team; an Indian mobile is not made Russian
    assert crm.phone_key("9991234567", "7") == "79991234567"
    assert crm.phone_key("9876543210") == "9876543210"
    assert crm.phone_key("+44 20 7946 0958") == "442079460958"
    assert crm.phone_key("123") == ""
    # written as at home, without the country code: Russian and North American groupings
    assert crm.phone_key("(495) 123-45-67") == "74951234567"
    assert crm.phone_key("(415) 555-2671") == "14155552671"
    assert crm.phone_key("415.555.2671") == crm.phone_key("+1 415 555 2671") == "14155552671"
    assert crm.pretty_phone("14155552671") == "+1 415 555-2671"


def test_money_parsing() -> None:
    assert crm_money.parse_money("150 000 руб") == (15_000_000, "RUB")
    assert crm_money.parse_money("$1,5k") == (150_000, "USD")
    assert crm_money.split_title_amount("Website 2.0 redesign 99.90 EUR") == (
        "Website 2.0 redesign",
        9990,
        "EUR",
    )
    with pytest.raises(DomainError):
        crm_money.parse_money("lots")


# -- dedup -----------------------------------------------------------------------------


async def test_duplicates_by_phone_email_and_name(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        first = await new_lead(
            s, world.anna, card("Ivan", "+7 999 123-45-67", "ivan@r.ru", "ООО Ромашка")
        )
        by_phone = await crm_leads.create_lead(s, world.anna, card("X", "89991234567"))
        assert by_phone.lead is None and by_phone.draft_id is not None
        assert [(d.id, d.reason) for d in by_phone.duplicates] == [(first.id, "phone")]
        by_email = await crm_leads.find_duplicates(s, world.anna, card("Y", email="IVAN@r.ru"))
        assert [d.reason for d in by_email] == ["email"]
        by_name = await crm_leads.find_duplicates(s, world.anna, card("ivan", company="Ромашка"))
        assert [d.reason for d in by_name] == ["name"]
        assert await crm_leads.find_duplicates(s, world.anna, card("Ivan", company="Other")) == []
        # Carl cannot see Anna's lead: he hears whose client it is, and nothing of it
        hidden = await crm_leads.find_duplicates(s, world.carl, card("X", "89991234567"))
        assert hidden == [crm_leads.Duplicate("lead", first.id, "", "phone", "Anna")]
        # merge fills the empty fields and keeps the comment
        draft = await crm_leads.create_lead(
            s, world.anna, Card(name="Ivan", email="ivan@r.ru", phone="", comment="hello")
        )
        assert draft.draft_id is not None
        first.email = ""
        merged = await crm_leads.merge_draft(s, world.anna, draft.draft_id, "lead", first.id)
        assert merged.email == "ivan@r.ru"
        comments = await crm_notes.notes(s, world.anna, "lead", first.id, "comment")
        assert [n.text for n, _ in comments] == ["hello"]
        # a draft belongs to its author
        other = await crm_leads.create_lead(s, world.admin, card("Z", "89991234567"))
        assert other.draft_id is not None
        with pytest.raises(DomainError):
            await crm_leads.create_from_draft(s, world.anna, other.draft_id)


# -- conversion and stages -------------------------------------------------------------


async def test_conversion_links_both_ways(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        lead = await new_lead(s, world.anna, card("Ivan", "+79991234567", "i@r.ru", "Ромашка"))
        done = await crm_convert.convert_lead(s, world.anna, lead.id, 7)
        assert done.deal_id and done.contact_id and done.company_id
        deal = await s.get(CrmDeal, done.deal_id)
        contact = await s.get(CrmContact, done.contact_id)
        assert deal is not None and contact is not None
        assert deal.lead_id == lead.id and deal.contact_id == contact.id
        assert deal.company_id == done.company_id and contact.company_id == done.company_id
        assert contact.phone_key == "79991234567" and contact.email == "i@r.ru"
        assert lead.deal_id == deal.id and lead.converted_at is not None
        statuses = {st.id: st.code for st in await crm_leads.lead_statuses(s, world.anna.team_id)}
        assert statuses[lead.status_id] == "converted"
        with pytest.raises(DomainError):
            await crm_convert.convert_lead(s, world.anna, lead.id, 1)
        with pytest.raises(DomainError):  # status cannot change after conversion
            await crm_leads.set_status(s, world.anna, lead.id, next(iter(statuses)))
        # contact only, and a lead without a company cannot make one
        bare = await new_lead(s, world.anna, card("Solo", email="solo@x.io"))
        with pytest.raises(DomainError):
            await crm_convert.convert_lead(s, world.anna, bare.id, 4)
        only = await crm_convert.convert_lead(s, world.anna, bare.id, 2)
        assert only.contact_id and only.deal_id is None and only.company_id is None


async def test_stage_rules(maker: async_sessionmaker[AsyncSession], world: World) -> None:
    async with maker() as s, s.begin():
        deal = await crm_deals.create_deal(s, world.anna, "Big", amount=100_00)
        stages = {st.code: st for st in await crm_deals.stages(s, deal.team_id, deal.pipeline_id)}
        assert list(stages) == ["new", "preparation", "offer", "negotiation", "won", "lost"]
        assert deal.stage_id == stages["new"].id
        with pytest.raises(DomainError):  # the same stage
            await crm_deals.move_deal(s, world.anna, deal.id, stages["new"].id)
        with pytest.raises(DomainError):  # lost needs a reason
            await crm_deals.move_deal(s, world.anna, deal.id, stages["lost"].id)
        await crm_deals.move_deal(s, world.anna, deal.id, stages["lost"].id, "price")
        assert deal.closed_at is not None and deal.lost_reason == "price"
        await crm_deals.move_deal(s, world.anna, deal.id, stages["negotiation"].id)
        assert deal.closed_at is None and deal.lost_reason == ""
        # a stage of another pipeline is refused
        other = await crm_deals.create_pipeline(s, world.admin, "Partners")
        foreign = (await crm_deals.stages(s, deal.team_id, other.id))[1]
        with pytest.raises(DomainError):
            await crm_deals.move_deal(s, world.anna, deal.id, foreign.id)
        # products recompute the amount: 2 × 500 with 10% off
        product = await crm_products.create_product(s, world.admin, "Consulting", 500_00, "RUB")
        await crm_products.add_item(s, world.anna, deal.id, product.id, 2, 10)
        assert deal.amount == 900_00
        # the line keeps its price's currency; the deal's amount cannot relabel it
        [(item, _name)] = await crm_products.deal_items(s, world.anna, deal.id)
        assert item.currency == "RUB"
        with pytest.raises(DomainError):
            await crm_deals.set_amount(s, world.anna, deal.id, 900_00, "USD")
        with pytest.raises(DomainError):
            await crm_products.add_item(s, world.anna, deal.id, product.id, 1, 101)


# -- plan maths --------------------------------------------------------------------------


async def test_plan_fulfilment(maker: async_sessionmaker[AsyncSession], world: World) -> None:
    month = crm_periods.month_key(datetime.now(UTC))
    async with maker() as s, s.begin():
        await crm_reports.set_plan(s, world.admin, world.anna.user_id, month, "amount", 1000_00)
        await crm_reports.set_plan(s, world.admin, world.boris.user_id, month, "count", 3)
        with pytest.raises(DomainError):
            await crm_reports.set_plan(s, world.anna, world.anna.user_id, month, "amount", 1)
        for actor, amount in ((world.anna, 250_00), (world.anna, 500_00), (world.boris, 1_00)):
            deal = await crm_deals.create_deal(s, actor, "D", amount=amount)
            won = next(
                st
                for st in await crm_deals.stages(s, deal.team_id, deal.pipeline_id)
                if st.kind == "won"
            )
            await crm_deals.move_deal(s, actor, deal.id, won.id)
        await crm_deals.create_deal(s, world.anna, "Open one", amount=10_000_00)
        board = await crm_reports.dashboard(s, world.admin, month)
        plans = {p.name: (p.actual, p.target, p.percent) for p in board.plans}
        assert plans == {"Anna": (750_00, 1000_00, 75), "Boris": (1, 3, 33)}
        people = {row[0]: row[1:3] for row in board.people}
        assert people["Anna"] == (2, 750_00)
        # next month is empty
        start, end = crm_periods.month_bounds(month)
        later = crm_periods.month_key(end + timedelta(days=1))
        assert (await crm_reports.dashboard(s, world.admin, later)).plans == []
        # Carl (own records only) sees no one else's plan
        assert (await crm_reports.dashboard(s, world.carl, month)).plans == []


async def test_months_are_the_teams_months(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """A deal won at 00:30 on 1 December in Moscow (21:30 UTC on 30 November) is a
    December deal for a team in Moscow, whoever reads the dashboard or the month
    report and wherever they are: one answer for the team's plans."""
    from dataclasses import replace

    from models.crm import CrmDeal
    from models.teams import Team

    moscow = replace(world.admin, timezone="America/New_York")  # the reader is elsewhere
    won_at = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    async with maker() as s, s.begin():
        await s.execute(
            update(Team).where(Team.id == world.admin.team_id).values(timezone="Europe/Moscow")
        )
        deal = await crm_deals.create_deal(s, world.admin, "Late night", amount=150_00)
        won = next(
            st
            for st in await crm_deals.stages(s, deal.team_id, deal.pipeline_id)
            if st.kind == "won"
        )
        await crm_deals.move_deal(s, world.admin, deal.id, won.id)
        await s.execute(update(CrmDeal).where(CrmDeal.id == deal.id).values(closed_at=won_at))
    async with maker() as s:
        december = await crm_reports.dashboard(s, moscow, "2026-12")
        november = await crm_reports.dashboard(s, moscow, "2026-11")
        rows = await crm_reports.build(s, moscow, "deal", "month", state="won")
    assert {row[0]: row[1] for row in december.people}.get("Admin") == 1
    assert {row[0]: row[1] for row in november.people}.get("Admin", 0) == 0
    assert [(row.label, row.count) for row in rows] == [("2026-12", 1)]
    assert crm_periods.shift_month("2026-12", 1) == "2027-01"
    assert crm_periods.shift_month("2026-01", -1) == "2025-12"


# -- activities ------------------------------------------------------------------------


async def test_activity_reminder_done_and_reschedule(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    due = datetime.now(UTC) + timedelta(days=1)
    async with maker() as s, s.begin():
        lead = await new_lead(s, world.anna, card("Ivan", "+79991234567"))
        act = await crm_activities.create_activity(
            s, world.anna, "lead", lead.id, "call", "price", due
        )
        await crm_activities.remind(s, act, {"body": [["call", "", ""]], "buttons": []})
        first_key = crm_activities.dedup_key(act)
        later = due + timedelta(hours=2)
        await crm_activities.reschedule(s, world.anna, act.id, later)
        await crm_activities.remind(s, act, {"body": [["call", "", ""]], "buttons": []})
        rows = {
            r.dedup_key: r
            for r in await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
        }
        assert first_key not in rows  # called off, its key free again
        second = rows[crm_activities.dedup_key(act)]
        assert second.status == "pending" and second.due_at == later - crm_activities.REMIND_AHEAD
        # moved back to the first time: its reminder is queued again, not lost
        await crm_activities.reschedule(s, world.anna, act.id, due)
        await crm_activities.remind(s, act, {"body": [["call", "", ""]], "buttons": []})
        pending = list(
            await s.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == "reminder", OutboxMessage.status == "pending"
                )
            )
        )
        assert [(r.dedup_key, r.due_at) for r in pending] == [
            (first_key, due - crm_activities.REMIND_AHEAD)
        ]
        with pytest.raises(DomainError):  # Carl cannot touch Anna's activity
            await crm_activities.complete(s, world.carl, act.id)
        await crm_activities.complete(s, world.anna, act.id)
        left = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "reminder", OutboxMessage.status == "pending")
        )
        assert left == 0 and act.done


# -- custom fields ---------------------------------------------------------------------


async def test_custom_fields(maker: async_sessionmaker[AsyncSession], world: World) -> None:
    async with maker() as s, s.begin():
        budget = await crm_fields.define_field(s, world.admin, "lead", "Budget", "number")
        region = await crm_fields.define_field(
            s, world.admin, "lead", "Region", "list", ["North", "South"]
        )
        with pytest.raises(DomainError):
            await crm_fields.define_field(s, world.anna, "lead", "X", "text")
        when = await crm_fields.define_field(s, world.admin, "lead", "Signed", "date")
        lead = await new_lead(s, world.anna, card("Ivan"))
        await crm_fields.set_value(s, world.anna, "lead", lead.id, when.id, "31.12.2026")
        assert lead.custom[str(when.id)] == "2026-12-31"
        with pytest.raises(DomainError):
            await crm_fields.set_value(s, world.anna, "lead", lead.id, when.id, "someday maybe")
        lead.custom = {}
        await crm_fields.set_value(s, world.anna, "lead", lead.id, budget.id, "1 500,50")
        await crm_fields.set_value(s, world.anna, "lead", lead.id, region.id, "south")
        assert lead.custom == {str(budget.id): "1500.5", str(region.id): "South"}
        with pytest.raises(DomainError):
            await crm_fields.set_value(s, world.anna, "lead", lead.id, budget.id, "many")
        with pytest.raises(DomainError):
            await crm_fields.set_value(s, world.anna, "lead", lead.id, region.id, "East")


# -- the access matrix ---------------------------------------------------------------------

# visibility -> viewer -> whose leads they see
MATRIX = {
    "own": {"admin": "AabcG", "anna": "a", "boris": "b", "carl": "c"},
    "department": {"admin": "AabcG", "anna": "Aab", "boris": "Aab", "carl": "c"},
    "all": {"admin": "AabcG", "anna": "AabcG", "boris": "AabcG", "carl": "AabcG"},
}


@pytest.mark.parametrize("mode", list(MATRIX))
async def test_access_matrix(
    maker: async_sessionmaker[AsyncSession], world: World, mode: str
) -> None:
    owners = {
        "A": world.admin,
        "a": world.anna,
        "b": world.boris,
        "c": world.carl,
        "G": world.guest,
    }
    async with maker() as s, s.begin():
        await crm.set_grant(s, world.admin, world.guest.user_id, True)
        ids: dict[str, int] = {}
        deal_ids: dict[str, int] = {}
        for letter, actor in owners.items():
            ids[letter] = (await new_lead(s, actor, card(f"Lead {letter}"))).id
            deal_ids[letter] = (await crm_deals.create_deal(s, actor, f"Deal {letter}")).id
        await crm.set_visibility(s, world.admin, mode)
        viewers = {
            "admin": world.admin,
            "anna": world.anna,
            "boris": world.boris,
            "carl": world.carl,
        }
        for name, actor in viewers.items():
            page = await crm_leads.list_leads(s, actor, crm_leads.LeadFilter(), per_page=50)
            seen = {lead.id for lead in page.items}
            expected = {ids[letter] for letter in MATRIX[mode][name]}
            assert seen == expected, (mode, name)
            deals = await crm_deals.list_deals(s, actor, per_page=50)
            assert {d.id for d in deals.items} == {deal_ids[x] for x in MATRIX[mode][name]}
            for letter, deal_id in deal_ids.items():
                if letter not in MATRIX[mode][name]:
                    with pytest.raises(NotFound):
                        await crm_deals.move_deal(s, actor, deal_id, 1)
            for lead_id in ids.values():
                if lead_id in expected:
                    await crm_leads.get_lead(s, actor, lead_id)
                else:
                    with pytest.raises(DomainError):
                        await crm_leads.get_lead(s, actor, lead_id)
                    with pytest.raises(DomainError):
                        await crm_notes.add_comment(s, actor, "lead", lead_id, "hi")
        # the granted extranet member sees only their own, whatever the mode
        page = await crm_leads.list_leads(s, world.guest, crm_leads.LeadFilter(), per_page=50)
        assert [lead.id for lead in page.items] == [ids["G"]]
        # another team sees nothing, even by id
        with pytest.raises(DomainError):
            await crm_leads.get_lead(s, world.outsider, ids["a"])
        assert (await crm_people.find(s, world.outsider, "Lead")) == []


# who -> whose records they may change, whatever they see: their own, those of the
# people below them in the chain of supervisors, and for an admin everyone's
CHANGES = {"admin": "Aabc", "anna": "abc", "boris": "b", "carl": "bc"}


@pytest.mark.parametrize("mode", ["department", "all"])
async def test_seeing_a_record_is_not_changing_it(
    maker: async_sessionmaker[AsyncSession], world: World, mode: str
) -> None:
    owners = {"A": world.admin, "a": world.anna, "b": world.boris, "c": world.carl}
    async with maker() as s, s.begin():
        # Boris reports to Carl, Carl to Anna: Anna is above both
        await users.set_supervisor(s, world.admin, world.boris.user_id, world.carl.user_id)
        await users.set_supervisor(s, world.admin, world.carl.user_id, world.anna.user_id)
        await crm.set_visibility(s, world.admin, mode)
        leads = {x: (await new_lead(s, a, card(f"Lead {x}"))).id for x, a in owners.items()}
        deals = {x: (await crm_deals.create_deal(s, a, f"Deal {x}")).id for x, a in owners.items()}
        statuses = {st.code: st for st in await crm_leads.lead_statuses(s, world.admin.team_id)}
        for name, letters in CHANGES.items():
            actor = getattr(world, name)
            for x in owners:
                try:
                    deal = await crm_deals.get_deal(s, actor, deals[x])
                except NotFound:  # not in their department: not theirs to see at all
                    continue
                stage = (await crm_deals.stages(s, actor.team_id, deal.pipeline_id))[1]
                if x in letters:
                    await crm_deals.set_amount(s, actor, deals[x], 100, None)
                    await crm_leads.set_status(s, actor, leads[x], statuses["in_progress"].id)
                    continue
                with pytest.raises(ReadOnlyRecord, match="can change deal"):
                    await crm_deals.move_deal(s, actor, deals[x], stage.id)
                with pytest.raises(ReadOnlyRecord):
                    await crm_deals.set_amount(s, actor, deals[x], 100, None)
                with pytest.raises(ReadOnlyRecord):
                    await crm_handover.set_owner(s, actor, "deal", deals[x], actor.user_id)
                with pytest.raises(ReadOnlyRecord, match="can change lead"):
                    await crm_leads.set_status(s, actor, leads[x], statuses["junk"].id)
                with pytest.raises(ReadOnlyRecord):
                    await crm_convert.convert_lead(s, actor, leads[x], crm_convert.DEAL)
                with pytest.raises(ReadOnlyRecord):
                    await crm_lead_edit.edit_lead(s, actor, leads[x], "name", "Mine now")
                with pytest.raises(ReadOnlyRecord):
                    await crm_lead_edit.delete_lead(s, actor, leads[x])
                await crm_notes.add_comment(s, actor, "deal", deals[x], "a colleague may say so")
        deal = await s.get(CrmDeal, deals["a"])
        assert deal is not None and deal.owner_id == world.anna.user_id


async def test_extranet_needs_a_grant(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="not open to you"):
            await crm_leads.list_leads(s, world.guest, crm_leads.LeadFilter())
        with pytest.raises(DomainError):
            await crm_leads.create_lead(s, world.guest, card("X"))
        with pytest.raises(DomainError):  # only admins grant
            await crm.set_grant(s, world.anna, world.guest.user_id, True)
        with pytest.raises(DomainError):  # staff need no grant
            await crm.set_grant(s, world.admin, world.anna.user_id, True)
        await crm.set_grant(s, world.admin, world.guest.user_id, True)
        lead = await new_lead(s, world.guest, card("Mine"))
        assert lead.owner_id == world.guest.user_id
        await crm.set_grant(s, world.admin, world.guest.user_id, False)
        with pytest.raises(DomainError):
            await crm_leads.get_lead(s, world.guest, lead.id)


async def test_pipelines_and_own_stages(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        partners = await crm_deals.create_pipeline(s, world.admin, "Partners")
        with pytest.raises(DomainError):
            await crm_deals.create_pipeline(s, world.admin, "partners")
        with pytest.raises(DomainError):
            await crm_deals.create_pipeline(s, world.anna, "Mine")
        stage = await crm_deals.add_stage(s, world.admin, partners.id, "Contract")
        codes = [
            bare(crm.stage_name(st))
            for st in await crm_deals.stages(s, world.admin.team_id, partners.id)
        ]
        assert codes == ["new", "preparation", "offer", "negotiation", "Contract", "won", "lost"]
        deal = await crm_deals.create_deal(s, world.anna, "P", pipeline_id=partners.id)
        await crm_deals.move_deal(s, world.anna, deal.id, stage.id)
        default = (await crm_deals.pipelines(s, world.anna))[0]
        assert default.id != partners.id
        assert "Contract" not in [
            crm.stage_name(st) for st in await crm_deals.stages(s, world.admin.team_id, default.id)
        ]
        status = await crm_leads.add_status(s, world.admin, "Qualified")
        names = [crm.stage_name(st) for st in await crm_leads.lead_statuses(s, world.admin.team_id)]
        assert names == ["new", "in progress", "processed", "Qualified", "junk", "converted"]
        lead = await new_lead(s, world.anna, card("Q"))
        await crm_leads.set_status(s, world.anna, lead.id, status.id)
        page = await crm_leads.list_leads(s, world.anna, crm_leads.LeadFilter(status=status.code))
        assert [item.id for item in page.items] == [lead.id]


async def test_first_use_by_two_processes_at_once(
    maker: async_sessionmaker[AsyncSession], world: World, db_url: str
) -> None:
    """Two events of a new team reach the CRM at the same moment: one setup wins."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    import asyncio

    from models.crm import CrmPipeline, CrmSettings

    team_id = world.outsider.team_id
    first_done, release = asyncio.Event(), asyncio.Event()

    async def first() -> str:
        async with maker() as s, s.begin():
            row = await crm.settings_of(s, team_id)
            first_done.set()
            await release.wait()  # commit only once the second one waits on our row
            return row.visibility

    async def second() -> str:
        await first_done.wait()
        async with maker() as s, s.begin():
            return (await crm.settings_of(s, team_id)).visibility

    async def second_is_blocked() -> bool:
        async with maker() as s:
            waiting = await s.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
            return bool(waiting)

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_done.wait()
    for _ in range(500):
        if await second_is_blocked():
            break
    else:
        raise AssertionError("the second setup never waited for the first")
    release.set()
    assert await asyncio.gather(*tasks) == ["own", "own"]
    async with maker() as s:
        settings = await s.scalar(
            select(func.count()).select_from(CrmSettings).where(CrmSettings.team_id == team_id)
        )
        pipes = await s.scalar(
            select(func.count()).select_from(CrmPipeline).where(CrmPipeline.team_id == team_id)
        )
        assert (settings, pipes) == (1, 1)
