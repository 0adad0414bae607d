"""Neutral markup: filling templates, splitting long texts, button limits."""

from __future__ import annotations

import pytest

from handlers.markup import BOLD, Span, bold, chunk, fill, length, to_plain
from handlers.views import Button, View


def test_fill_keeps_argument_styles_and_template_plain() -> None:
    spans = fill("Task {title} is due {when}", title=bold("<b>&</b>"), when="tomorrow")
    assert spans[1] == Span("<b>&</b>", BOLD)
    assert to_plain(spans) == "Task <b>&</b> is due tomorrow"


def test_chunk_at_line_boundaries() -> None:
    lines = [f"line {i:04d} " + "x" * 50 for i in range(120)]
    markup = [Span("\n".join(lines))]
    pieces = chunk(markup, 1000)
    assert all(length(p) <= 1000 for p in pieces)
    assert "".join(to_plain(p) + "\n" for p in pieces).rstrip("\n") == "\n".join(lines)
    assert to_plain(pieces[1]).startswith("line ")


def test_chunk_cuts_one_huge_line() -> None:
    text = "word " * 2000
    pieces = chunk([Span(text)], 3000)
    assert len(pieces) == 4
    assert all(length(p) <= 3000 for p in pieces)


def test_button_action_fits_telegram() -> None:
    Button("ok", "x" * 64)
    with pytest.raises(ValueError):
        Button("too long", "x" * 65)


def test_view_roundtrip_for_outbox() -> None:
    view = View(body=[Span("Hi "), bold("Anna")]).row(Button("Open", "tsk:o:1"))
    again = View.from_dict(view.to_dict())
    assert again.body == view.body and again.buttons == view.buttons
