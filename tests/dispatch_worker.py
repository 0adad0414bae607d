"""A dispatcher process for the kill -9 test: sends to a log file, one line a message.

python tests/dispatch_worker.py DB_URL LOG_PATH CLOCK_OFFSET_SECONDS
The clock offset lets a restart see the crashed process's leases as expired.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from typing import Any

from models.base import utcnow
from models.db import create_engine, create_sessionmaker
from scheduler.dispatcher import Dispatcher, Limits


class FileSender:
    platform = "telegram"

    def __init__(self, path: str) -> None:
        self.fh = open(path, "a", encoding="utf-8")  # noqa: SIM115

    async def send(self, chat_id: str, payload: dict[str, Any], parts: Any = None) -> None:
        await asyncio.sleep(0.003)  # a network round trip
        self.fh.write(payload["body"][0][0] + "\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())


async def main(url: str, log: str, offset: float) -> None:
    engine = create_engine(url)
    dispatcher = Dispatcher(
        create_sessionmaker(engine),
        {"telegram": FileSender(log)},
        limits={"telegram": Limits(per_second=400, per_chat_interval=0.0)},
        batch=20,
        workers=4,
        lease=timedelta(seconds=300),
        now=lambda: utcnow() + timedelta(seconds=offset),
    )
    try:
        while await dispatcher.drain():
            pass
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
