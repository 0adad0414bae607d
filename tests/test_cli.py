"""`python -m bot console` through a pipe, as a person would script it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_console_through_a_pipe(tmp_path: Path) -> None:
    script = "/start\n/groups new Sales\n/invite\n/me lang ru\n/groups\n"
    env = {**os.environ, "PLANERKA_CONFIG": str(tmp_path / "none.toml")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "console",
            "--db",
            f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
            "--user",
            "Boss",
        ],
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Your team is ready and you are its admin, Boss." in result.stdout
    assert "Group Sales created." in result.stdout
    assert "Группы (1)" in result.stdout
    assert (tmp_path / "db.sqlite3").exists()


def test_migrate_command(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PLANERKA_CONFIG": str(tmp_path / "none.toml"),
        "PLANERKA_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path}/m.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "migrated" in result.stdout


def test_run_in_console_mode_stops_on_sigterm_while_waiting_for_input(tmp_path: Path) -> None:
    """`make run` with no tokens: a SIGTERM while the console waits for a line ends it
    cleanly (exit 0), without waiting for the person's Enter."""
    env = {
        **os.environ,
        "PLANERKA_CONFIG": str(tmp_path / "none.toml"),
        "PLANERKA_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
    }
    for name in [k for k in env if k.startswith(("PLANERKA_TELEGRAM", "PLANERKA_SLACK"))]:
        env.pop(name)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("/start\n")
        process.stdin.flush()
        while "you are its admin" not in (line := process.stdout.readline()):
            assert line, "the console ended before answering"
        time.sleep(1.0)  # the console has gone back to wait for a line; the pipe stays open
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
