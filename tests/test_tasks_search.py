"""/tasks search end to end through the console: pages, old tasks, any case."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import insert

from bot.app import App
from models.tasks import Task
from services import tasks, tasks_lists
from services.access import Actor
from services.tasks import NO_DEADLINE
from services.teams_identity import resolve_actor
from tests.console_driver import ConsoleDriver, invite_code


async def actor_of(app: App, name: str) -> Actor:
    async with app.workspace.sessionmaker() as s:
        actor = await resolve_actor(s, "console", name.casefold())
    assert actor is not None
    return actor


async def start(app: App, lang: str, *names: str) -> list[ConsoleDriver]:
    """The first (admin) and the colleagues they invited."""
    first = ConsoleDriver(app, user=names[0], lang=lang)
    await first.say("/start")
    code = invite_code(await first.say("/invite"))
    people = [first]
    for name in names[1:]:
        people.append(ConsoleDriver(app, user=name, lang=lang))
        await people[-1].say(f"/start {code}")
    return people


async def create(app: App, who: str, *titles: str, description: str = "") -> None:
    actor = await actor_of(app, who)
    async with app.workspace.sessionmaker() as s, s.begin():
        for title in titles:
            await tasks.create_task(s, actor, title, description=description)


async def bulk(app: App, who: str, titles: list[str]) -> None:
    """Many tasks of the person's at once, in this order (the last the latest)."""
    actor = await actor_of(app, who)
    rows = [
        {
            "team_id": actor.team_id,
            "title": title,
            "description": "",
            "creator_id": actor.user_id,
            "responsible_id": actor.user_id,
            "due_sort": NO_DEADLINE,
        }
        for title in titles
    ]
    async with app.workspace.sessionmaker() as s, s.begin():
        await s.execute(insert(Task), rows)


def listed(out: str, word: str) -> list[str]:
    """The titles of the task buttons that have the word."""
    return re.findall(rf"{word} \d+", out)


async def test_search_results_are_paginated_with_short_and_long_words(app: App) -> None:
    boss, anna = await start(app, "en", "Boss", "Anna")
    await create(app, "Boss", *(f"Mockup {n:02}" for n in range(1, 26)), "Print flyers")
    await create(app, "Anna", "Mockup 99 of Anna's own")
    out = await boss.say("/tasks search MOCKUP")
    assert "Tasks with “MOCKUP” (26)" in out, out
    seen = listed(out, "Mockup")
    assert seen == [f"Mockup {n:02}" for n in (99, 25, 24, 23, 22, 21, 20, 19, 18, 17)], out
    assert "1/3" in out and "Next »" in out and "« Prev" not in out, out
    out = await boss.press("Next »")
    assert "2/3" in out and "« Prev" in out and "Next »" in out, out
    seen += listed(out, "Mockup")
    out = await boss.press("Next »")
    assert "3/3" in out and "Next »" not in out, out
    seen += listed(out, "Mockup")
    assert sorted(seen) == sorted([f"Mockup {n:02}" for n in range(1, 26)] + ["Mockup 99"]), seen
    out = await boss.press("« Prev")
    assert "2/3" in out and listed(out, "Mockup")[0] == "Mockup 16", out
    # Anna sees only her own of them: one page, no pager
    out = await anna.say("/tasks search mockup")
    assert "Tasks with “mockup” (1)" in out and listed(out, "Mockup") == ["Mockup 99"], out
    assert "Next »" not in out, out

    # words too long for a button's 64 bytes: kept with the person, the button a token
    words = "согласовать макет баннера для летней распродажи"
    await create(app, "Boss", *(f"Баннер {n}" for n in range(12)), description=words)
    out = await boss.say(f"/tasks search {words.upper()}")
    assert f"Tasks with “{words.upper()}” (12)" in out and "1/2" in out, out
    old_page = list(boss.console.actions)  # this message's buttons, pressed later
    assert any(action.startswith("tq:k:") for action in old_page), old_page
    out = await boss.press("Next »")
    assert "2/2" in out and listed(out, "Баннер") == ["Баннер 1", "Баннер 0"], out
    listed_words = words.split()
    for n in range(1, 6):  # newer long searches (its words in other orders): it is forgotten
        out = await boss.say(f"/tasks search {' '.join(listed_words[n:] + listed_words[:n])}")
        assert "(12)" in out and "1/2" in out, out
    boss.console.actions = old_page  # its Next pressed now
    out = await boss.say(str(next(i for i, a in enumerate(old_page, 1) if a.endswith(":2"))))
    assert "These search results are out of date. Search again: /tasks search WORDS" in out, out


async def test_a_match_older_than_thousands_of_tasks_is_found(app: App) -> None:
    (boss,) = await start(app, "en", "Boss")
    await bulk(app, "Boss", ["The needle"] + [f"Hay {n}" for n in range(5000)])
    out = await boss.say("/tasks search needle")
    assert "Tasks with “needle” (1)" in out and "The needle" in out, out


async def test_a_search_reads_as_far_as_its_page_and_says_so(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks_lists, "SEARCH_BATCH", 50)
    (boss,) = await start(app, "en", "Boss")
    hay = [f"Hay {n}" for n in range(120)]
    await bulk(app, "Boss", ["Needle 0", *hay, *(f"Needle {n}" for n in range(1, 12))])
    out = await boss.say("/tasks search needle")
    # the newest 50 have 11 needles: the page and one more, so it stops there
    assert "Tasks with “needle”\nSearched 50 of 132 tasks so far; Next » searches further." in out
    assert listed(out, "Needle") == [f"Needle {n}" for n in range(11, 1, -1)], out
    assert "1/…" in out and "Next »" in out, out
    out = await boss.press("Next »")
    assert "Tasks with “needle” (12)" in out and "Searched" not in out, out
    assert listed(out, "Needle") == ["Needle 1", "Needle 0"] and "2/2" in out, out


async def test_cyrillic_words_are_found_in_any_case_and_yo_as_ye(sqlite_app: App) -> None:
    anna, boris = await start(sqlite_app, "ru", "Анна", "Борис")
    await create(sqlite_app, "Анна", "Согласовать МАКЕТ баннера", "Купить ёлку", "Заказать печать")
    await create(sqlite_app, "Борис", "Макет визитки")
    out = await anna.say("/tasks найти макет Баннера")
    assert "Задачи со словами «макет Баннера» (1)" in out, out
    assert "Согласовать МАКЕТ баннера" in out and "Заказать печать" not in out, out
    out = await anna.say("/tasks найти ЕЛКУ")
    assert "Задачи со словами «ЕЛКУ» (1)" in out and "Купить ёлку" in out, out
    out = await boris.say("/tasks найти макет")  # Анна's tasks are not Борис's to see
    assert "Задачи со словами «макет» (1)" in out and "Макет визитки" in out, out
    assert "баннера" not in out, out


async def test_how_far_a_search_read_is_said_in_russian(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks_lists, "SEARCH_BATCH", 5)
    (anna,) = await start(sqlite_app, "ru", "Анна")
    await bulk(
        sqlite_app, "Анна", [f"Печать {n}" for n in range(5)] + [f"Макет {n}" for n in range(12)]
    )
    out = await anna.say("/tasks найти МАКЕТ")
    assert "Задачи со словами «МАКЕТ»\nПока просмотрено 15 из 17 задач; «Далее» ищет дальше." in out
    assert "1/…" in out and "Далее »" in out, out
    out = await anna.press("Далее »")
    assert "Задачи со словами «МАКЕТ» (12)" in out and "2/2" in out, out
    assert listed(out, "Макет") == ["Макет 1", "Макет 0"], out
