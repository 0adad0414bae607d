"""The neutral reply: markup, button rows, an optional image or file, and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handlers.markup import Markup, Span, as_spans

CALLBACK_LIMIT = 64  # Telegram's callback_data limit, in bytes
# in a reply's meta, in a shared chat: the actor's language, for what the adapter itself
# tells them there ("I answered you in a private chat"), their own choice (/me lang)
READER = "reader"


def reader_locale(views: list[View]) -> str | None:
    """The actor's language, as the workspace's replies carry it (see READER)."""
    return next((v.meta[READER] for v in views if READER in v.meta), None)


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str

    def __post_init__(self) -> None:
        if len(self.action.encode()) > CALLBACK_LIMIT:
            raise ValueError(f"button action over {CALLBACK_LIMIT} bytes: {self.action!r}")


@dataclass(slots=True)
class Attachment:
    name: str
    content: bytes
    mime: str


@dataclass(slots=True)
class View:
    body: Markup = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    image: Attachment | None = None
    file: Attachment | None = None
    edit: bool = False  # replace the message the pressed button was on
    private: bool = False  # only the actor sees it (Slack: ephemeral)
    # a form the adapter may show natively (Slack modal); see handlers.forms
    form: dict[str, Any] | None = None
    # the item this message shows ("task:12"): a reply to the message reaches it
    ref: str | None = None
    # hints for one adapter (the console's /as switches who is typing)
    meta: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, *parts: Any, **kwargs: Any) -> View:
        body: Markup = []
        for part in parts:
            body.extend(as_spans(part))
        return cls(body=body, **kwargs)

    def row(self, *buttons: Button) -> View:
        if buttons:
            self.buttons.append(list(buttons))
        return self

    def grid(self, buttons: list[Button], per_row: int = 3) -> View:
        """Lay buttons out in rows of `per_row`."""
        for start in range(0, len(buttons), per_row):
            self.buttons.append(list(buttons[start : start + per_row]))
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the outbox (images and files are not queued)."""
        data: dict[str, Any] = {
            "body": [span.to_list() for span in self.body],
            "buttons": [[[b.label, b.action] for b in row] for row in self.buttons],
        }
        if self.ref:
            data["ref"] = self.ref
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> View:
        return cls(
            body=[Span.from_list(item) for item in data.get("body", [])],
            buttons=[
                [Button(label, action) for label, action in row] for row in data.get("buttons", [])
            ],
            ref=data.get("ref") or None,  # a queued notice still leads replies to its item
        )
