"""A throwaway PostgreSQL cluster for the test suite, started from the server binaries.

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres`
user (runuser). Set PLANERKA_TEST_PG_URL to use an existing server instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class Unavailable(RuntimeError):
    pass


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    root: Path
    port: int
    runner: list[str]
    pg_ctl: str

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run(
            [*self.runner, self.pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> PgServer:
    initdb = find_binary("initdb")
    pg_ctl = find_binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise Unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found")
    runner: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="planerka-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise Unavailable("running as root and there is no postgres user") from exc
        if not shutil.which("runuser"):
            raise Unavailable("running as root and runuser is missing")
        os.chown(root, account.pw_uid, account.pw_gid)
        runner = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    result = subprocess.run(
        [
            *runner,
            initdb,
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"initdb failed: {result.stderr.strip()[:500]}")
    port = free_port()
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    result = subprocess.run(
        [
            *runner,
            pg_ctl,
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"pg_ctl start failed: {result.stderr.strip()[:300]} {log[-500:]}")
    return PgServer(root=root, port=port, runner=runner, pg_ctl=pg_ctl)
