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


def test_run_in_console_mode_serves_the_lead_pages_it_hands_out(tmp_path: Path) -> None:
    """With no tokens and [web] on, the console runs beside the web server: the lead
    page address a form gets answers."""
    import re
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PLANERKA_CONFIG": str(tmp_path / "none.toml"),
        "PLANERKA_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        "PLANERKA_WEB__ENABLED": "true",
        "PLANERKA_WEB__HOST": "127.0.0.1",
        "PLANERKA_WEB__PORT": str(port),
        "PLANERKA_WEB__PUBLIC_URL": f"http://127.0.0.1:{port}",
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
        process.stdin.write("/start\n/crm form new Consultation\n")
        process.stdin.flush()
        url = ""
        while not url:
            line = process.stdout.readline()
            assert line, "the console ended before giving the page"
            found = re.search(r"(http://127\.0\.0\.1:\d+/f/[\w-]+)", line)
            url = found.group(1) if found else ""
        for _ in range(50):
            try:
                with urllib.request.urlopen(url, timeout=5) as page:
                    assert page.status == 200 and "Consultation" in page.read().decode()
                break
            except OSError:
                time.sleep(0.2)  # the server is still starting
        else:
            raise AssertionError("the lead page never answered")
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
