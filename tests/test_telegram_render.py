"""Neutral markup -> Telegram HTML: every user string escaped, keyboards within limits."""

from __future__ import annotations

from bot.telegram.render import keyboard, pieces, to_html
from handlers.markup import Span, bold, code, italic, link, mention
from handlers.views import Attachment, Button, View


def test_every_style_escapes_its_text() -> None:
    html = to_html(
        [
            Span("a < b & c > d "),
            bold("<b>&</b>"),
            italic("<i>"),
            code("x<y"),
            link('say "hi" <now>', 'https://example.com/?q="1"&r=<2>'),
            mention("<Anna>", "telegram:42"),
            mention("<Boris>"),
        ]
    )
    assert html == (
        "a &lt; b &amp; c &gt; d "
        "<b>&lt;b&gt;&amp;&lt;/b&gt;</b>"
        "<i>&lt;i&gt;</i>"
        "<code>x&lt;y</code>"
        '<a href="https://example.com/?q=&quot;1&quot;&amp;r=&lt;2&gt;">say "hi" &lt;now&gt;</a>'
        '<a href="tg://user?id=42">&lt;Anna&gt;</a>'
        "@&lt;Boris&gt;"
    )


def test_keyboard_rows_and_the_hundred_button_cap() -> None:
    view = View.text("pick")
    view.row(*[Button(str(n), f"x:{n}") for n in range(10)])  # wider than a row may be
    for start in range(10, 120, 5):
        view.row(*[Button(str(n), f"x:{n}") for n in range(start, start + 5)])
    markup = keyboard(view)
    assert markup is not None
    rows = markup.inline_keyboard
    assert [len(r) for r in rows[:2]] == [8, 2]
    assert sum(len(r) for r in rows) == 100
    assert rows[0][0].callback_data == "x:0"


def test_long_caption_goes_before_the_photo() -> None:
    view = View.text("x" * 2000).row(Button("Open", "o:1"))
    view.image = Attachment("chart.png", b"png", "image/png")
    parts = pieces(view)
    assert [p.kind for p in parts] == ["text", "photo"]
    assert parts[1].html == "" and parts[1].markup is not None
    short = View.text("Chart <1>")
    short.image = Attachment("chart.png", b"png", "image/png")
    assert [(p.kind, p.html) for p in pieces(short)] == [("photo", "Chart &lt;1&gt;")]


def test_buttons_without_text_still_get_a_message() -> None:
    parts = pieces(View().row(Button("Go", "g:1")))
    assert len(parts) == 1 and parts[0].markup is not None and parts[0].html


def test_response_classes_survive_garbage_collection() -> None:
    """pydantic drops an unreferenced Response[T] at the next collection (and aiogram
    rebuilds it, ~6 ms); the adapter holds the ones it uses."""
    import gc
    import weakref

    from aiogram.client.session.base import Response
    from aiogram.types import Chat, Message

    from bot.telegram.responses import hold_response_types

    loose = weakref.ref(Response[Chat])  # nobody holds it
    gc.collect()
    assert loose() is None
    hold_response_types()
    held = weakref.ref(Response[Message])
    gc.collect()
    assert held() is not None and held() is Response[Message]


def test_repeated_buttons_are_built_once_and_the_cache_stays_bounded() -> None:
    from bot.telegram import render

    view = View().row(Button("Tasks", "tl:d:1"), Button("New task", "tc"))
    first, again = keyboard(view), keyboard(view)
    assert first is not None and again is not None
    assert first.inline_keyboard[0][0] is again.inline_keyboard[0][0]
    assert [(b.text, b.callback_data) for b in again.inline_keyboard[0]] == [
        ("Tasks", "tl:d:1"),
        ("New task", "tc"),
    ]
    for n in range(render.BUTTON_CACHE + 10):
        keyboard(View().row(Button(f"Task {n}", f"t:o:{n}")))
    assert len(render._buttons) <= render.BUTTON_CACHE


def test_the_keyboard_json_is_what_the_bot_api_takes() -> None:
    import json

    from bot.telegram.render import keyboard_rows, markup_json

    view = View().row(Button("Задачи <1>", "tl:d:1"), Button("", "x:1"))
    data = json.loads(markup_json(keyboard_rows(view)) or "")
    assert data == {
        "inline_keyboard": [
            [
                {"text": "Задачи <1>", "callback_data": "tl:d:1"},
                {"text": "·", "callback_data": "x:1"},
            ]
        ]
    }
    assert markup_json([]) is None
