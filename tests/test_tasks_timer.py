"""The timer on a task through the console: started by someone who works on the task,
it starts the task too (as in Bitrix24), in English and in Russian."""

from __future__ import annotations

from bot.app import App
from tests.test_tasks_console import team


async def test_the_timer_starts_a_deferred_or_paused_task(sqlite_app: App) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Prepare the offer @Anna")
    await boss.say("/inbox read")
    await anna.say("/task 1")
    out = await anna.press("Defer")
    assert "Status: 💤 deferred" in out, out

    out = await anna.press("Start timer")
    assert out.startswith("Timer started.\n\n#1 Prepare the offer\nStatus: ▶️ in progress\n"), out
    # the card offers what an open task in progress offers, with the running timer
    assert "[1] Pause  [2] Complete  [3] Defer\n" in out, out
    assert "[7] ⏹ Stop timer  [8] Log time" in out and "Renew" not in out, out
    out = await boss.say("/inbox")
    assert "🔔 Anna started the task.\n   Prepare the offer" in out, out

    await anna.press("Stop timer")
    await anna.say("/task 1")
    out = await anna.press("Pause")
    assert "Status: ⏸ paused" in out, out
    out = await anna.press("Start timer")
    assert "Status: ▶️ in progress" in out and "⏹ Stop timer" in out, out

    # the creator's own timer on Anna's task is not her work starting: it stays deferred
    await anna.press("Stop timer")
    await anna.say("/task 1")
    await anna.press("Defer")
    await boss.say("/inbox read")
    await boss.say("/task 1")
    out = await boss.press("Start timer")
    assert "Status: 💤 deferred" in out and "⏹ Stop timer" in out, out
    out = await anna.say("/inbox")
    assert "Boss started the task." not in out, out


async def test_the_timer_starts_a_pending_task_in_russian(sqlite_app: App) -> None:
    ivan, petr = await team(sqlite_app, "ru", "Иван", "Пётр")
    await ivan.say("/task Подготовить КП @Пётр")
    await ivan.say("/inbox read")
    out = await petr.say("/task 1")
    assert "Статус: ⚪ ждёт выполнения" in out, out
    out = await petr.press("Запустить таймер")
    assert out.startswith("Таймер запущен.\n\n#1 Подготовить КП\nСтатус: ▶️ в работе\n"), out
    assert "Начать" not in out and "⏹ Остановить таймер" in out, out
    out = await ivan.say("/inbox")
    assert "🔔 Пётр: задача взята в работу.\n   Подготовить КП" in out, out
