"""Neutral views as Slack messages: mrkdwn with every person's text escaped, Block Kit
sections within 3,000 characters, at most 50 blocks a message, buttons as actions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from handlers.i18n import catalogue_text
from handlers.markup import BOLD, CODE, ITALIC, LINK, MENTION, PLAIN, Markup, Span, chunk, to_plain
from handlers.views import View

SECTION_LIMIT = 3000  # characters of mrkdwn in one section
BLOCK_LIMIT = 50  # blocks in one message
HOME_BLOCK_LIMIT = 100  # blocks in the App Home view
ACTIONS_LIMIT = 25  # elements in one actions block
BUTTON_TEXT_LIMIT = 75
FALLBACK_LIMIT = 3000  # the notification text of a message with blocks
ACTION_ID = re.compile(r"^pl\d+$")  # every button's action_id; the value is the neutral action

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Slack's three control characters; `<!channel>` becomes harmless text."""
    return text.translate(_ESCAPES)


def unescape(text: str) -> str:
    """What a person typed, from the escaped text Slack delivers."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# Slack has no escape for its marks (*bold*, _italic_, ~strike~, `code`): in a person's
# plain text each becomes a look-alike that marks nothing, as inside marked spans below.
# Kept as typed: web addresses (they must still work as links) and "_" between letters
# or digits ("file_name", "ivan_petrov@x.ru"), where Slack does not read it as italics.
_LOOK_ALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})
_MARK = re.compile(r"[*~`]|(?<![^\W_])_|_(?![^\W_])")
_ADDRESS = re.compile(r"(?:(?:https?|ftp)://|mailto:|www\.)[^\s<>*`]+", re.IGNORECASE)


def _unmarked(text: str) -> str:
    return _MARK.sub(lambda mark: mark.group().translate(_LOOK_ALIKES), text)


def inert(text: str) -> str:
    """A person's text shown by Slack as typed: its marks format nothing, its
    addresses stay links, and Slack's control characters are escaped."""
    out: list[str] = []
    last = 0
    for address in _ADDRESS.finditer(text):
        out += [_unmarked(text[last : address.start()]), address.group()]
        last = address.end()
    out.append(_unmarked(text[last:]))
    return escape("".join(out))


def _wrap(text: str, mark: str) -> str:
    """`*bold*` around the words of each line; whitespace stays outside the marks."""
    out = []
    for line in text.split("\n"):
        core = line.strip()
        if not core:
            out.append(line)
            continue
        start = line.index(core)
        out.append(f"{line[:start]}{mark}{core}{mark}{line[start + len(core) :]}")
    return "\n".join(out)


def span_mrkdwn(span: Span) -> str:
    text = escape(span.text)
    # Slack has no escape for its marks: bold and italic text (a name, a title) is made
    # inert as plain text is, so a person's name reads the same in every card and line;
    # inside a marked span its own mark is always a look-alike ("2*3" in bold would end
    # the bold, "snake_case" in italics the italics), as ` is in code
    if span.style == BOLD:
        return _wrap(inert(span.text), "*")
    if span.style == ITALIC:
        return _wrap(inert(span.text).replace("_", "ˍ"), "_")
    if span.style == CODE:
        return _wrap(text.replace("`", "ˋ"), "`")
    if span.style == LINK and span.url:
        url = escape(span.url).replace("|", "%7C")
        return f"<{url}|{inert(span.text)}>" if text else f"<{url}>"
    if span.style == MENTION:
        platform, _, ident = span.url.partition(":")
        if platform == "slack" and re.fullmatch(r"[UW][A-Z0-9]{2,20}", ident):
            return f"<@{ident}>"
        return inert(span.text if span.text.startswith("@") else f"@{span.text}")
    return inert(span.text)


def mrkdwn(markup: Markup) -> str:
    return "".join(span_mrkdwn(span) for span in markup)


def fallback_text(markup: Markup) -> str:
    text = inert(to_plain(markup)).strip()
    if len(text) > FALLBACK_LIMIT:
        text = text[: FALLBACK_LIMIT - 1] + "…"
    return text


def section_texts(markup: Markup, limit: int = SECTION_LIMIT) -> list[str]:
    """The body cut at lines into pieces whose mrkdwn fits a section (escaping grows text)."""
    out: list[str] = []
    for piece in chunk(markup, limit):
        text = mrkdwn(piece)
        if not text.strip():
            continue
        if len(text) > SECTION_LIMIT:
            out.extend(section_texts(piece, max(1, limit // 2)))
        else:
            out.append(text)
    return out


@dataclass(frozen=True)
class Commands:
    """How the workspace's commands are typed in Slack: "/task ..." is "/planerka task
    ..." there (Slack's composer takes any "/word" for its own commands)."""

    slash: str  # the app's slash command, e.g. "/planerka"
    names: frozenset[str]

    def rewrite(self, text: str) -> str:
        if not self.names:
            return text
        return _COMMAND_WORD.sub(
            lambda m: (
                f"{self.slash} {m.group(1)}" if m.group(1).lower() in self.names else m.group(0)
            ),
            text,
        )

    def markup(self, markup: Markup) -> Markup:
        """Only the bot's own words: a usage in code, or a piece of a message of the
        catalogue; a person's title or comment with "/start" in it stays as typed."""
        return [
            replace(span, text=self.rewrite(span.text)) if self._ours(span) else span
            for span in markup
        ]

    @staticmethod
    def _ours(span: Span) -> bool:
        if "/" not in span.text:
            return False
        if span.style == CODE:
            return True
        # a piece long enough not to be a person's short note that happens to match
        text = span.text.strip()
        return span.style == PLAIN and len(text) >= 12 and text in catalogue_text()


# "/task" at a word's start (not a path or a URL's "/")
_COMMAND_WORD = re.compile(r"(?<![\w/.:~-])/([a-z][a-z_]{1,31})\b")


@dataclass
class Message:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def button_rows(view: View) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    number = 0
    for row in view.buttons:
        for start in range(0, len(row), ACTIONS_LIMIT):
            elements = []
            for button in row[start : start + ACTIONS_LIMIT]:
                label = button.label.strip() or "·"
                if len(label) > BUTTON_TEXT_LIMIT:
                    label = label[: BUTTON_TEXT_LIMIT - 1] + "…"
                elements.append(
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": label, "emoji": True},
                        "action_id": f"pl{number}",
                        "value": button.action,
                    }
                )
                number += 1
            if elements:
                blocks.append({"type": "actions", "elements": elements})
    return blocks


def view_blocks(view: View) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        for text in section_texts(view.body)
    ]
    return blocks + button_rows(view)


def render(view: View, commands: Commands | None = None) -> list[Message]:
    """One view as one or more messages of at most 50 blocks; buttons come last."""
    if commands is not None:
        view = replace(view, body=commands.markup(view.body))
    blocks = view_blocks(view)
    if not blocks:
        return []
    messages: list[Message] = []
    for start in range(0, len(blocks), BLOCK_LIMIT):
        part = blocks[start : start + BLOCK_LIMIT]
        texts = [b["text"]["text"] for b in part if b["type"] == "section"]
        text = texts[0] if texts else fallback_text(view.body)
        if len(text) > FALLBACK_LIMIT:
            text = text[: FALLBACK_LIMIT - 1] + "…"
        messages.append(Message(text=text or "·", blocks=part))
    return messages


def home_view(views: list[View], commands: Commands | None = None) -> dict[str, Any]:
    """The App Home tab: the views one under another, within Slack's 100 blocks."""
    blocks: list[dict[str, Any]] = []
    number = 0
    for view in views:
        if commands is not None:
            view = replace(view, body=commands.markup(view.body))
        if blocks and view.body:
            blocks.append({"type": "divider"})
        for block in view_blocks(view):
            if block["type"] == "actions":
                for element in block["elements"]:
                    element["action_id"] = f"pl{number}"
                    number += 1
            blocks.append(block)
    if len(blocks) > HOME_BLOCK_LIMIT:
        blocks = blocks[:HOME_BLOCK_LIMIT]
    return {"type": "home", "blocks": blocks}
