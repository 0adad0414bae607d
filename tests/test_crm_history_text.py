"""CRM history: stage names are translated, people's words are not."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from handlers.crm_card_parts import history_text
from handlers.i18n import Translator
from handlers.markup import to_plain
from models.crm import CrmNote


def test_history_translates_stage_names_only() -> None:
    ctx = cast(Any, SimpleNamespace(tr=Translator("ru")))
    note = CrmNote(text="Stage: {stage} ({reason})", params={"stage": "lost", "reason": "Back"})
    text = to_plain(history_text(ctx, note))
    assert "Back" in text and "Назад" not in text
    assert Translator("ru").s("lost") in text and Translator("ru").s("lost") != "lost"
