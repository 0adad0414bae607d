"""The neutral incoming event every adapter produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["command", "text", "action", "file", "form"]


@dataclass(frozen=True, slots=True)
class ChatRef:
    platform: str  # "telegram" | "slack" | "console"
    chat_id: str
    private: bool = True
    # in a shared chat, where the platform sends what is for the sender alone when it
    # cannot show it to them inside this chat (Telegram: their private chat with the
    # bot); None where a private answer stays in the chat (Slack's ephemeral messages)
    own_chat_id: str | None = None
    title: str = ""  # a shared chat's name, as its people know it ("" where unknown)


@dataclass(frozen=True, slots=True)
class Sender:
    external_id: str
    name: str
    username: str | None = None
    language_code: str | None = None
    timezone: str | None = None
    team_key: str | None = None  # a Slack workspace id: the team this person belongs to
    team_name: str | None = None  # that workspace's name, where the platform tells it
    guest: bool = False  # a guest of that workspace: joins its team as an extranet member
    # False: the platform could not say who this is just now (name, language and zone are
    # stand-ins); the workspace takes the real ones on a later contact
    profile_known: bool = True


@dataclass(frozen=True, slots=True)
class Quote:
    """Someone else's message a command is run on (Slack's "Create task from message"):
    its words are kept as written, never read as a command line."""

    text: str
    author_id: str = ""  # its author's id on the platform, where known
    author_name: str = ""
    link: str = ""  # where the message can be opened again


@dataclass(frozen=True, slots=True)
class FileRef:
    file_id: str
    name: str
    size: int = 0
    mime: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Incoming:
    chat: ChatRef
    sender: Sender
    kind: Kind
    command: str = ""  # without the slash, lower-case
    args: str = ""  # the text after the command, or the plain text
    action: str = ""  # a button's action string
    file: FileRef | None = None
    # a whole form submitted at once (Slack modal): field name -> raw text
    form_values: dict[str, str] = field(default_factory=dict)
    form_name: str = ""
    reply_to: str | None = None  # the message replied to, where the platform says
    forwarded_from: str | None = None  # a forwarded message: its original sender's name
    dedup_key: str | None = None  # update/event id for the inbox
    # a command in a group chat that does not name this bot ("/roll", not "/roll@ours"):
    # another bot's command looks the same, so an unknown one gets no answer
    maybe_for_others: bool = False
    # the message a command was run on, kept word for word (see Quote)
    quote: Quote | None = None

    @property
    def platform(self) -> str:
        return self.chat.platform


def split_head(text: str) -> tuple[str, str]:
    """The first word and the rest, split at any whitespace (a command may be followed
    by a new line); the rest keeps its own lines."""
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def parse_command_line(text: str) -> tuple[str, str] | None:
    """'/task@MyBot buy milk' -> ('task', 'buy milk'); None for a plain message."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None
    head, rest = split_head(stripped[1:])
    if not head or not (head[0].isalpha()):
        return None
    name = head.split("@", 1)[0].lower()
    return name, rest.strip()
