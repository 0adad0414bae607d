"""`python -m bot console` through a pipe, as a person would script it."""

from __future__ import annotations

import os
import subprocess
import sys
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
