"""The main jobs stop together: one failing stops the others before the app closes."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from bot.runner import run_together, until_terminated


async def test_a_failing_job_stops_the_others_first() -> None:
    stopped = asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            stopped.set()
            raise

    async def failing() -> None:
        await asyncio.sleep(0.01)
        raise RuntimeError("token rejected")

    with pytest.raises(RuntimeError, match="token rejected"):
        await run_together([forever(), failing()])
    assert stopped.is_set()


async def test_sigterm_stops_the_main_job_cleanly_and_a_second_one_would_kill() -> None:
    cleaned = asyncio.Event()
    release = asyncio.Event()
    seen: list[object] = []

    async def main() -> int:
        try:
            await asyncio.Event().wait()
        finally:
            seen.append(signal.getsignal(signal.SIGTERM))
            cleaned.set()
            await release.wait()  # a shutdown that takes a moment
        return 1

    outer = asyncio.create_task(until_terminated(main()))
    await asyncio.sleep(0.01)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(cleaned.wait(), 5)
    # during the shutdown SIGTERM has its default effect again (ends the process)
    assert seen == [signal.SIG_DFL]
    release.set()
    assert await asyncio.wait_for(outer, 5) == 0


async def test_a_cancel_during_the_sigterm_shutdown_is_not_swallowed() -> None:
    """Ctrl+C (or a caller's cancel) while the SIGTERM shutdown runs goes on up."""
    cleaning = asyncio.Event()

    async def main() -> int:
        try:
            await asyncio.Event().wait()
        finally:
            cleaning.set()
            await asyncio.sleep(10)
        return 1

    outer = asyncio.create_task(until_terminated(main()))
    await asyncio.sleep(0.01)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(cleaning.wait(), 5)
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(outer, 5)


def test_the_startup_heap_is_frozen_out_of_full_collections() -> None:
    import gc

    from bot.runner import freeze_startup_heap

    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 10_000  # modules, classes, schemas of the app
    finally:
        gc.unfreeze()
