"""Records that change hands, and a head's work on a rep's records, through the
console: activities follow the record, and the people it concerns hear of it.

Dana (admin, New York), Raj (Kolkata) and Lena (Berlin) work in English."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from models.crm import CrmActivity
from models.outbox import OutboxMessage
from models.teams import User
from tests.console_driver import ConsoleDriver, invite_code


async def _team(app: App) -> tuple[ConsoleDriver, ConsoleDriver, ConsoleDriver]:
    dana = ConsoleDriver(app, user="Dana", lang="en", timezone="America/New_York")
    await dana.say("/start")
    raj = ConsoleDriver(app, user="Raj", lang="en", timezone="Asia/Kolkata")
    await raj.say(f"/start {invite_code(await dana.say('/invite'))}")
    lena = ConsoleDriver(app, user="Lena", lang="en", timezone="Europe/Berlin")
    await lena.say(f"/start {invite_code(await dana.say('/invite'))}")
    return dana, raj, lena


async def _reminders(app: App) -> list[tuple[str, str]]:
    """Whose pending activity reminders wait in the outbox."""
    async with app.workspace.sessionmaker() as session:
        rows = await session.execute(
            select(User.name, OutboxMessage.status)
            .join(User, User.id == OutboxMessage.user_id)
            .where(OutboxMessage.kind == "reminder", OutboxMessage.status == "pending")
        )
        return [(name, status) for name, status in rows.all()]


async def test_open_activities_follow_a_lead_to_its_new_responsible(sqlite_app: App) -> None:
    dana, raj, lena = await _team(sqlite_app)
    out = await raj.say("/lead Infy Ltd, +91 98450 12345")
    assert "Lead #1 created." in out, out
    await raj.press("Activity")
    await raj.press("call")
    await raj.say("Intro call")
    out = await raj.say("tomorrow 16:00")
    assert "Planned; I will remind you tomorrow 15:45." in out, out
    assert await _reminders(sqlite_app) == [("Raj", "pending")]

    await dana.say("/lead 1")
    await dana.press("Responsible")
    out = await dana.say("Lena")
    assert "Lena is responsible now." in out, out

    out = await raj.say("/crm todo")
    assert "My activities (0)" in out and "Intro call" not in out, out
    out = await lena.say("/crm todo")
    assert "My activities (1)" in out and "Intro call" in out, out
    out = await lena.press("✔ Intro call")
    assert "Done." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        owner = await session.scalar(
            select(User.name).join(CrmActivity, CrmActivity.owner_id == User.id)
        )
    assert owner == "Lena"
    assert await _reminders(sqlite_app) == []  # done: called off


async def test_a_handed_over_activity_is_reminded_to_the_new_owner(sqlite_app: App) -> None:
    dana, raj, _lena = await _team(sqlite_app)
    await raj.say("/lead Infy Ltd, +91 98450 12345")
    await raj.press("Activity")
    await raj.press("call")
    await raj.say("Intro call")
    await raj.say("tomorrow 16:00")
    await dana.say("/lead 1")
    await dana.press("Responsible")
    await dana.say("Lena")
    assert await _reminders(sqlite_app) == [("Lena", "pending")]


async def test_an_activity_the_head_plans_on_a_reps_deal_is_the_reps(sqlite_app: App) -> None:
    dana, raj, _lena = await _team(sqlite_app)
    out = await raj.say("/deal Infy renewal 5000")
    assert "Deal #1 created." in out, out
    await dana.say("/deal 1")
    await dana.press("Activity")
    await dana.press("call")
    await dana.say("Discount call with Infy")
    out = await dana.say("tomorrow 10:00")
    assert "Planned for Raj; I will remind them tomorrow 09:45." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        due = await session.scalar(select(CrmActivity.due_at))
    assert due is not None
    at_raj = due.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M")  # his clock

    out = await raj.say("/crm todo")
    assert "🔔 Dana planned a call for you: Discount call with Infy, " in out, out
    assert at_raj in out, out
    assert "My activities (1)" in out and "Discount call with Infy" in out, out
    assert await _reminders(sqlite_app) == [("Raj", "pending")]
    out = await raj.press("✔ Discount call with Infy")
    assert "Done." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        owner = await session.scalar(
            select(User.name).join(CrmActivity, CrmActivity.owner_id == User.id)
        )
    assert owner == "Raj"  # his to do, and his in the dashboard


async def test_an_activity_on_ones_own_record_is_still_ones_own(sqlite_app: App) -> None:
    dana, _raj, _lena = await _team(sqlite_app)
    await dana.say("/deal Own deal 100")
    await dana.press("Activity")
    await dana.press("call")
    await dana.say("Check in")
    out = await dana.say("tomorrow 10:00")
    assert "Planned; I will remind you tomorrow 09:45." in out, out
    assert await _reminders(sqlite_app) == [("Dana", "pending")]


async def test_whoever_had_a_record_hears_it_was_taken_or_handed_over(sqlite_app: App) -> None:
    dana, raj, lena = await _team(sqlite_app)
    out = await dana.say("/crm access all")
    assert "Employees now see every CRM record of the team." in out, out
    await dana.say("/team supervisor @Lena @Raj")  # Lena's records are Raj's to hand out
    await lena.say("/lead Wipro, +91 98450 55555")
    await lena.say("/deal Infy renewal 5000")
    await raj.say("/lead 1")
    await raj.press("Responsible")
    out = await raj.say("Raj")
    assert "Raj is responsible now." in out, out
    await raj.say("/deal 1")
    await raj.press("Responsible")
    await raj.say("Raj")
    out = await lena.say("/inbox")
    assert "Raj took over the lead Wipro." in out, out
    assert "Raj took over the deal Infy renewal." in out, out

    await dana.say("/lead 1")
    await dana.press("Responsible")
    await dana.say("Lena")
    out = await raj.say("/inbox")
    assert "Dana handed Wipro over to Lena." in out, out
    out = await lena.say("/inbox")
    assert "Dana made you responsible for Wipro." in out, out


async def test_the_rep_hears_of_the_heads_comments_and_lead_statuses(sqlite_app: App) -> None:
    dana, raj, _lena = await _team(sqlite_app)
    await raj.say("/deal Infy renewal 5000")
    await raj.say("/lead Wipro, +91 98450 55555")
    await raj.press("Comment")
    await raj.say("My own note")  # nobody is told of their own comment
    await dana.say("/deal 1")
    await dana.press("Comment")
    out = await dana.say("Ask for a 3-year term")
    assert "Comment added." in out, out
    await dana.say("/lead 1")
    out = await dana.press("junk")
    assert "Status: junk" in out, out
    out = await raj.say("/inbox")
    assert "Dana commented on Infy renewal: Ask for a 3-year term" in out, out
    assert "Dana set the lead Wipro to junk." in out, out
    assert "My own note" not in out, out


async def test_a_deal_takes_its_client_along_and_shows_only_reachable_links(
    sqlite_app: App,
) -> None:
    dana, raj, lena = await _team(sqlite_app)
    await raj.say("/lead Tom Baker, Baker Foods LLC, +1 646 555-0199")
    await raj.press("Convert")
    out = await raj.press("Convert")
    assert "Lead #1 converted: deal #1, contact #1, company #1." in out, out
    await raj.say("/deal 1")
    labels = set(raj.buttons().values())
    assert {"Contact #1", "Company #1", "Lead #1"} <= labels, raj.last  # none cut off
    await raj.press("Responsible")
    out = await raj.say("Lena")
    assert "Lena is responsible now." in out, out
    assert "The contact Tom Baker goes with the deal." in out, out
    assert "The company Baker Foods LLC goes with the deal." in out, out

    out = await lena.say("/deal 1")
    assert "Contact: Tom Baker" in out and "Company: Baker Foods LLC" in out, out
    # the converted lead stays Raj's: no button that would answer "not found"
    assert "Lead #1" not in set(lena.buttons().values()), out
    out = await lena.press("Contact #1")
    assert "Contact #1: Tom Baker" in out and "+1 646 555-0199" in out, out
    out = await raj.say("/contact 1")
    assert "Not found" in out, out
