"""Digest messages: one summary instead of each notification, in the reader's language.

The scheduler's planner calls `queue_digests` on its tick (it may use handlers to
build texts; it never touches a platform).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import translator
from handlers.markup import Span, to_plain
from handlers.views import Button, View
from services import notifications_digest, outbox

MAX_ITEMS = 20
LINE_LIMIT = 200


def digest_view(lang: str, tz: str, items: list[dict[str, object]]) -> View:
    tr = translator(lang, tz)
    view = View(body=tr.n("Digest: {n} notification", "Digest: {n} notifications", len(items)))
    for payload in items[:MAX_ITEMS]:
        lines = [
            line.strip()
            for line in to_plain(View.from_dict(payload).body).splitlines()  # type: ignore[arg-type]
            if line.strip()
        ]
        # what happened and what it is about: "Boss gave you a task. — #1 Call Ivanov"
        text = " — ".join(lines[:2])
        if len(text) > LINE_LIMIT:
            text = text[: LINE_LIMIT - 1] + "…"
        view.body.append(Span("\n• " + text))
    if len(items) > MAX_ITEMS:
        view.body.append(Span("\n"))
        view.body.extend(tr("…and {count} more in /inbox", count=str(len(items) - MAX_ITEMS)))
    view.row(Button(tr.s("Inbox"), "nb:l:1"))
    return view


async def queue_digests(session: AsyncSession, now: datetime | None = None) -> int:
    """Queue one digest message per person whose period has passed; returns how many."""
    sent = 0
    for digest in await notifications_digest.take_due_digests(session, now):
        view = digest_view(
            digest.user.locale, digest.user.timezone, [n.payload for n in digest.items]
        )
        await outbox.enqueue(
            session,
            team_id=digest.user.team_id,
            user_id=digest.user.id,
            kind="digest",
            payload=view.to_dict(),
            dedup_key=f"digest:{digest.user.id}:{digest.items[-1].id}",
            due_at=now,
        )
        sent += 1
    return sent
