"""A small neutral markup: spans of plain, bold, italic, code, link and mention text.

Text from people (titles, names, comments) only ever travels as span text, never as
markup, so each renderer escapes it for its platform:
  - plain text: nothing to escape;
  - Telegram HTML: `&`, `<`, `>` in text, and `"` too inside an href;
  - Slack mrkdwn: `&`, `<`, `>` (so `<!channel>` typed by a person never pings).
Newlines are plain characters inside spans; renderers keep them.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

PLAIN, BOLD, ITALIC, CODE, LINK, MENTION = "", "b", "i", "code", "link", "mention"


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    style: str = PLAIN
    url: str = ""  # links: the target; mentions: "platform:id" when known

    def to_list(self) -> list[str]:
        return [self.text, self.style, self.url]

    @classmethod
    def from_list(cls, data: Sequence[str]) -> Span:
        return cls(data[0], data[1] if len(data) > 1 else "", data[2] if len(data) > 2 else "")


Markup = list[Span]
Piece = "str | Span | Sequence[Span]"


def plain(text: str) -> Span:
    return Span(text)


def bold(text: str) -> Span:
    return Span(text, BOLD)


def italic(text: str) -> Span:
    return Span(text, ITALIC)


def code(text: str) -> Span:
    return Span(text, CODE)


def link(text: str, url: str) -> Span:
    return Span(text, LINK, url)


def mention(name: str, ref: str = "") -> Span:
    return Span(name, MENTION, ref)


def as_spans(value: Any) -> Markup:
    if isinstance(value, Span):
        return [value]
    if isinstance(value, str):
        return [Span(value)]
    if isinstance(value, list | tuple):
        out: Markup = []
        for item in value:
            out.extend(as_spans(item))
        return out
    return [Span(str(value))]


_formatter = string.Formatter()


def fill(template: str, **args: Any) -> Markup:
    """Fill a translated template's {named} fields with strings or spans.

    The template's own text stays plain; each argument keeps its style. A field
    with a format spec or conversion is formatted as plain text.
    """
    out: Markup = []
    for literal, field, spec, conversion in _formatter.parse(template):
        if literal:
            out.append(Span(literal))
        if field is None:
            continue
        value = args[field]
        if spec or conversion:
            if conversion:
                value = _formatter.convert_field(value, conversion)
            out.append(Span(format(value, spec or "")))
        else:
            out.extend(as_spans(value))
    return out


def join_lines(lines: Iterable[Markup | Span | str]) -> Markup:
    out: Markup = []
    first = True
    for line in lines:
        if not first:
            out.append(Span("\n"))
        first = False
        out.extend(as_spans(line))
    return out


def to_plain(markup: Markup) -> str:
    parts = []
    for span in markup:
        if span.style == LINK and span.url and span.url != span.text:
            parts.append(f"{span.text} ({span.url})")
        elif span.style == MENTION:
            parts.append(span.text if span.text.startswith("@") else f"@{span.text}")
        else:
            parts.append(span.text)
    return "".join(parts)


def split_lines(markup: Markup) -> list[Markup]:
    """Cut markup into lines at the newlines inside its spans."""
    lines: list[Markup] = [[]]
    for span in markup:
        chunks = span.text.split("\n")
        for index, chunk in enumerate(chunks):
            if index:
                lines.append([])
            if chunk:
                lines[-1].append(Span(chunk, span.style, span.url))
    return lines


def length(markup: Markup) -> int:
    return sum(len(span.text) for span in markup)


def chunk(markup: Markup, limit: int) -> list[Markup]:
    """Split into pieces of at most `limit` characters of text, at line boundaries
    where possible; a single longer line is cut at spaces, then hard."""
    pieces: list[Markup] = []
    current: Markup = []
    size = 0
    for line in split_lines(markup):
        line_len = length(line) + 1
        if line_len - 1 > limit:
            if current:
                pieces.append(current)
                current, size = [], 0
            pieces.extend(_cut_long_line(line, limit))
            continue
        if size + line_len > limit and current:
            pieces.append(current)
            current, size = [], 0
        if current:
            current.append(Span("\n"))
        current.extend(line)
        size += line_len
    if current or not pieces:
        pieces.append(current)
    return pieces


def _cut_long_line(line: Markup, limit: int) -> list[Markup]:
    pieces: list[Markup] = []
    current: Markup = []
    size = 0
    for span in line:
        text = span.text
        while text:
            room = limit - size
            if len(text) <= room:
                current.append(Span(text, span.style, span.url))
                size += len(text)
                break
            cut = text.rfind(" ", 0, room + 1)
            if cut <= 0:
                cut = room
            head, text = text[:cut], text[cut:].lstrip(" ")
            if head:
                current.append(Span(head, span.style, span.url))
            pieces.append(current)
            current, size = [], 0
    if current:
        pieces.append(current)
    return pieces


def cut(text: str, limit: int) -> str:
    """The text, or its start with "…" when it is longer than `limit`."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
