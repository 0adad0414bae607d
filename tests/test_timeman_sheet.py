"""The timesheet chart through the console: its axis in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from matplotlib.figure import Figure

from bot.app import App
from tests.console_driver import ConsoleDriver, invite_code


def _charts(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """The figures drawn into the PNGs sent, to read their axes."""
    drawn: list[Figure] = []
    save = Figure.savefig

    def spy(self: Figure, *args: Any, **kwargs: Any) -> None:
        drawn.append(self)
        save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    return drawn


async def test_an_empty_timesheet_chart_in_russian_counts_hours_from_zero(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _charts(monkeypatch)
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/timesheet")
    out = await olga.press("Диаграмма")
    assert "Табель в виде диаграммы." in out and "(image: timesheet-" in out, out
    (chart,) = drawn
    (axes,) = chart.axes
    assert axes.get_ylabel() == "ч"  # hours, not the English "h"
    bottom, top = axes.get_ylim()
    assert bottom == 0 and top >= 1, (bottom, top)  # not -0.04 to 0.04 with no hours


async def test_a_supervisor_sees_the_timesheet_of_their_people(sqlite_app: App) -> None:

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    for name in ("Anna", "Ivan", "Petr"):
        person = ConsoleDriver(sqlite_app, user=name, lang="en")
        await person.say(f"/start {invite_code(await boss.say('/invite'))}")
        await person.say("/day start")
    await boss.say("/team supervisor @Anna @Boss")
    await boss.say("/team supervisor @Ivan @Boss")
    out = await boss.say("/timesheet team")
    assert "Anna — " in out and "Ivan — " in out, out
    assert "Petr" not in out and "Boss — " not in out, out
    out = await boss.press("Month")
    assert "Anna — " in out and "Petr" not in out, out
    out = await person.say("/timesheet team")  # Petr supervises nobody
    assert "Nobody reports to you." in out, out
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru")
    await ivan.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/team supervisor @Иван @Boss")
    out = await boss.say("/timesheet прошлый месяц команда")
    assert "Иван — 0.0 h in 0 days" in out and "Petr" not in out, out
    # the admin's whole staff, whoever supervises them; an employee is refused
    out = await boss.say("/timesheet all")
    for name in ("Anna — ", "Boss — ", "Ivan — ", "Petr — ", "Иван — "):
        assert name in out, out
    out = await boss.press("Month")
    assert "Petr — " in out and "Anna — " in out, out
    out = await person.say("/timesheet all")
    assert "The whole team's timesheet is for admins" in out and "Anna — " not in out, out
    out = await ivan.say("/timesheet все")
    assert "Табель всей команды доступен администраторам" in out, out


async def test_every_page_of_a_long_timesheet_has_its_heading(sqlite_app: App) -> None:
    from sqlalchemy import select

    from models.teams import User

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        me = (await s.execute(select(User))).scalar_one()
        for n in range(80):
            s.add(
                User(
                    team_id=me.team_id,
                    name=f"Person number {n:02d} with a rather long name",
                    supervisor_id=me.id,
                )
            )
    out = await boss.say("/timesheet team")
    assert out.startswith("Timesheet, ") and "Person number 00" in out, out
    out = await boss.press("Next")
    assert out.startswith("Timesheet, ") and "Person number 00" not in out, out
    assert "Person number" in out, out


async def test_a_group_s_timesheet_says_what_it_counts_and_shows_the_time_on_its_tasks(
    sqlite_app: App,
) -> None:
    """A working day is a person's, not a group's: a group's timesheet says so, and
    shows beside it the time each member logged on the group's tasks, so that nobody
    reads 0 h as no work on the group (as /tasks time week #group counts it)."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/groups new Sprint 12")
    await boss.say("/groups add Sprint 12 @Anna")
    await anna.say("/task Login form #Sprint 12")
    await anna.say("/task 1 time 2h15m")
    out = await boss.say("/tasks time week #Sprint 12")
    assert "Time on the tasks of Sprint 12, this week: 2 h 15 min" in out, out
    out = await boss.say("/timesheet week #Sprint 12")
    assert "Working time is what each member clocked in, for all their work" in out, out
    assert "Anna — 0.0 h in 0 days · 2 h 15 min on the group's tasks" in out, out
    assert "Boss — 0.0 h in 0 days · 0 min on the group's tasks" in out, out
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru")
    await ivan.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/team role @Иван admin")
    out = await ivan.say("/timesheet неделя #Sprint 12")
    assert "за всю свою работу, а не только для этой группы" in out, out
    assert "Anna — 0,0 ч за 0 дней · 2 ч 15 мин по задачам группы" in out, out


async def test_an_admin_who_supervises_nobody_gets_the_whole_team_as_the_team(
    sqlite_app: App,
) -> None:
    """/timesheet team from an admin nobody reports to: the whole team (as "all"), said
    so, not a refusal; an employee who supervises nobody is still told so."""
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru")
    await ivan.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {invite_code(await ivan.say('/invite'))}")
    await anna.say("/day start")
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say(f"/start {invite_code(await ivan.say('/invite'))}")
    await ivan.say("/team role @Boss admin")
    out = await ivan.say("/timesheet команда")
    assert "У вас нет прямых подчинённых, поэтому показана вся команда." in out, out
    for name in ("Anna — ", "Boss — ", "Иван — "):
        assert name in out, out
    out = await ivan.press("Месяц")
    assert "показана вся команда" in out and "Anna — " in out, out
    out = await boss.say("/timesheet team")
    assert "Nobody reports to you directly, so this is the whole team." in out, out
    assert "Anna — " in out and "Иван — " in out, out
    out = await anna.say("/timesheet team")
    assert "Nobody reports to you. A team admin sets supervisors" in out, out
    assert "Иван — " not in out, out
