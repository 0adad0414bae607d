"""The main jobs stop together: one failing stops the others before the app closes."""

from __future__ import annotations

import asyncio

import pytest

from bot.runner import run_together


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
