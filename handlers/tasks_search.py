"""/tasks search WORDS: tasks of every state with those words, a page at a time.

A page button carries the words when they fit a button's 64 bytes; longer words stay
with the person (services.dialogs, under a key no chat has), the button carrying a
short token of them, and a button whose words are no longer kept says it is out of date.
"""

from __future__ import annotations

import secrets
from typing import Any

from handlers.core import Ctx, Router
from handlers.i18n import N_
from handlers.markup import Markup, bold, join_lines
from handlers.tasks_views import task_label
from handlers.views import CALLBACK_LIMIT, Button, View
from services import dialogs, tasks_lists
from services.errors import DomainError
from services.pagination import Page

router = Router(__name__)

BY_WORDS = "tq:q"  # tq:q:WORDS:PAGE
BY_TOKEN = "tq:k"  # tq:k:TOKEN:PAGE, the words kept (_keep)
SEARCHES = "tasks-search"  # the dialog-state "chat" keeping a person's long searches
KEEP = 5  # long searches kept per person: the buttons of older ones are out of date


async def search_view(ctx: Ctx, text: str, note: Markup | None = None, page_no: int = 1) -> View:
    """A page of the tasks of every state whose title or description has the words."""
    text = " ".join(text.split())
    found = await tasks_lists.search_tasks(
        ctx.session, ctx.me, text, page=page_no, per_page=ctx.services.page_size
    )
    page = found.page
    lines: list[Any] = [note] if note else []
    if found.complete:
        lines.append(
            ctx.tr("Tasks with “{text}” ({count})", text=bold(text), count=str(page.total))
        )
    else:
        lines.append(ctx.tr("Tasks with “{text}”", text=bold(text)))
        lines.append(
            ctx.tr.n(
                "Searched {scanned} of {n} task so far; Next » searches further.",
                "Searched {scanned} of {n} tasks so far; Next » searches further.",
                found.visible,
                scanned=str(found.scanned),
            )
        )
    if not page.items:
        lines.append(ctx.tr("Nothing found. Try fewer or other words, or /tasks done."))
    view = View(body=join_lines(lines))
    for task in page.items:
        view.row(Button(task_label(ctx.tr, task), f"t:o:{task.id}"))
    if page.pages > 1:
        view.row(
            *_pager(ctx, page.page, page.pages, found.complete, await _action(ctx, text, page))
        )
    return view


def _pager(ctx: Ctx, number: int, pages: int, complete: bool, action: str) -> list[Button]:
    """Prev / n of m / Next; "n/…" while the pages after this one are not counted yet."""
    row: list[Button] = []
    if number > 1:
        row.append(Button(ctx.tr.s("« Prev"), f"{action}:{number - 1}"))
    row.append(Button(f"{number}/{pages if complete else '…'}", f"{action}:{number}"))
    if number < pages:
        row.append(Button(ctx.tr.s("Next »"), f"{action}:{number + 1}"))
    return row


async def _action(ctx: Ctx, text: str, page: Page[Any]) -> str:
    """What the page buttons carry: the words themselves, or a token of them kept."""
    by_words = f"{BY_WORDS}:{text}"
    if len(f"{by_words}:{max(page.pages, page.page + 1)}".encode()) <= CALLBACK_LIMIT:
        return by_words
    return f"{BY_TOKEN}:{await _keep(ctx, text)}"


def _key(ctx: Ctx) -> tuple[str, str, str]:
    return ctx.event.platform, SEARCHES, ctx.event.sender.external_id


async def _keep(ctx: Ctx, text: str) -> str:
    """Keep a long search with the person: a token of it (the same one for the same
    words, so that turning its pages keeps it), the oldest ones forgotten."""
    state = await dialogs.get(ctx.session, *_key(ctx))
    kept: list[list[str]] = list(state.data.get("kept", [])) if state is not None else []
    token = next((t for t, words in kept if words == text), None) or secrets.token_hex(4)
    kept = [[t, words] for t, words in kept if t != token][-(KEEP - 1) :] + [[token, text]]
    await dialogs.save(ctx.session, *_key(ctx), form=SEARCHES, step=0, data={"kept": kept})
    return token


async def _kept(ctx: Ctx, token: str) -> str:
    state = await dialogs.get(ctx.session, *_key(ctx))
    kept = state.data.get("kept", []) if state is not None else []
    words = next((words for t, words in kept if t == token), None)
    if words is None:
        raise DomainError(
            N_("These search results are out of date. Search again: /tasks search WORDS")
        )
    return str(words)


@router.action("tq", personal=True)
async def search_action(ctx: Ctx) -> Any:
    """A page of a search: tq:q:WORDS:PAGE, or tq:k:TOKEN:PAGE for words kept."""
    args = ctx.action_args
    if len(args) < 3 or args[0] not in ("q", "k"):
        raise DomainError(N_("This button is out of date. Open the list again."))
    text = ":".join(args[1:-1])  # the words may have a colon
    if args[0] == "k":
        text = await _kept(ctx, text)
    view = await search_view(ctx, text, page_no=ctx.page_arg(len(args) - 1))
    view.edit = True
    return view
