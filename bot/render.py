"""Plain-text rendering of neutral views (console; degraded fallback elsewhere)."""

from __future__ import annotations

from handlers.markup import to_plain
from handlers.views import View


def render_plain(view: View, *, numbered_from: int = 1) -> tuple[str, list[str]]:
    """Text with its buttons numbered '[1] Label'; returns (text, actions by number)."""
    lines = [to_plain(view.body)] if view.body else []
    actions: list[str] = []
    number = numbered_from
    for row in view.buttons:
        cells = []
        for button in row:
            cells.append(f"[{number}] {button.label}")
            actions.append(button.action)
            number += 1
        if cells:
            lines.append("  ".join(cells))
    if view.image is not None:
        lines.append(f"(image: {view.image.name}, {len(view.image.content)} bytes)")
    if view.file is not None:
        lines.append(f"(file: {view.file.name}, {len(view.file.content)} bytes)")
    return "\n".join(lines), actions
