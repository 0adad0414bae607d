"""Subtasks through the console: the card and the panel say whose subtask it is."""

from __future__ import annotations

from bot.app import App
from tests.console_driver import ConsoleDriver


async def test_a_subtask_card_in_russian_names_its_parent_task(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/task Подготовить отчёт")
    out = await olga.say("/task 1 подзадача Позвонить в банк")
    assert "Задача #2 создана." in out, out
    # "of task #1", not "subtask number 1"
    assert "Подзадача задачи #1" in out, out
    out = await olga.say("/task 2")
    assert "Подзадача задачи #1" in out, out
    out = await olga.say("/task 1")
    out = await olga.press("Подзадачи")
    assert "Подзадачи задачи #1 (1)" in out, out
