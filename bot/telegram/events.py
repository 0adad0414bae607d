"""Telegram messages and button presses -> neutral handlers.events.Incoming."""

from __future__ import annotations

from aiogram.types import (
    CallbackQuery,
    Chat,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    User,
)

from handlers.events import ChatRef, FileRef, Incoming, Sender, parse_command_line, split_head

PLATFORM = "telegram"


def chat_ref(chat: Chat, user: User) -> ChatRef:
    private = chat.type == "private"
    # a group member's private answers go to their private chat, whose id is theirs
    own = None if private else str(user.id)
    return ChatRef(
        platform=PLATFORM,
        chat_id=str(chat.id),
        private=private,
        own_chat_id=own,
        title="" if private else chat.title or "",
    )


def sender_of(user: User) -> Sender:
    return Sender(
        external_id=str(user.id),
        name=user.full_name or user.username or str(user.id),
        username=user.username,
        language_code=user.language_code,
    )


def forwarded_name(message: Message) -> str | None:
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title or origin.sender_chat.full_name
    if isinstance(origin, MessageOriginChannel):
        return origin.chat.title or origin.chat.full_name
    return None


def file_of(message: Message) -> FileRef | None:
    if message.document is not None:
        doc = message.document
        return FileRef(
            file_id=doc.file_id,
            name=doc.file_name or "file",
            size=doc.file_size or 0,
            mime=doc.mime_type or "application/octet-stream",
        )
    if message.photo:
        photo = max(message.photo, key=lambda p: p.width * p.height)
        return FileRef(
            file_id=photo.file_id,
            name=f"photo_{photo.file_unique_id}.jpg",
            size=photo.file_size or 0,
            mime="image/jpeg",
        )
    # recordings are files people send too: kept as the others are
    for media, stem, suffix, mime in (
        (message.video, "video", ".mp4", "video/mp4"),
        (message.audio, "audio", ".mp3", "audio/mpeg"),
        (message.voice, "voice", ".ogg", "audio/ogg"),
        (message.video_note, "video_note", ".mp4", "video/mp4"),
    ):
        if media is not None:
            name = getattr(media, "file_name", None) or f"{stem}_{media.file_unique_id}{suffix}"
            return FileRef(
                file_id=media.file_id,
                name=name,
                size=media.file_size or 0,
                mime=getattr(media, "mime_type", None) or mime,
            )
    return None


def addressed_elsewhere(text: str, bot_username: str) -> bool:
    """'/tasks@OtherBot' in a group is for another bot."""
    head = split_head(text)[0]
    if "@" not in head:
        return False
    return head.split("@", 1)[1].casefold() != bot_username.casefold()


def anonymous_command(message: Message, bot_username: str) -> bool:
    """A command an anonymous group admin sent (Telegram shows the group as its sender):
    nobody in the team to act as, but the person deserves to hear why."""
    if message.sender_chat is None or message.sender_chat.id != message.chat.id:
        return False
    text = message.text or ""
    if parse_command_line(text) is None:
        return False
    return not addressed_elsewhere(text, bot_username)


def from_message(
    message: Message, update_id: int, bot_id: int, bot_username: str
) -> Incoming | None:
    """The neutral event, or None when the bot should stay silent.

    In groups the bot reacts to commands (its own) and to replies to its messages.
    """
    if message.from_user is None or message.from_user.is_bot:
        return None
    chat = chat_ref(message.chat, message.from_user)
    reply = message.reply_to_message
    reply_to = str(reply.message_id) if reply is not None else None
    to_bot = reply is not None and reply.from_user is not None and reply.from_user.id == bot_id
    base = {
        "chat": chat,
        "sender": sender_of(message.from_user),
        "reply_to": reply_to,
        "forwarded_from": forwarded_name(message),
        "dedup_key": str(update_id),
    }
    text = message.text or message.caption or ""
    # a forwarded "/post ..." is someone else's words: text, never the forwarder's command
    forwarded = message.forward_origin is not None
    command = parse_command_line(message.text or "") if message.text and not forwarded else None
    if command is not None:
        if not chat.private and addressed_elsewhere(text, bot_username):
            return None
        name, args = command
        bare = not chat.private and "@" not in split_head(text)[0]
        return Incoming(
            kind="command",
            command=name,
            args=args,
            maybe_for_others=bare,
            **base,  # type: ignore[arg-type]
        )
    if not chat.private and not to_bot:
        return None
    file = file_of(message)
    if file is not None:
        return Incoming(kind="file", file=file, args=text, **base)  # type: ignore[arg-type]
    if not text and chat.private and message.sticker is not None:
        return Incoming(kind="text", args="", **base)  # type: ignore[arg-type]  # the hint
    if not text:
        return None
    return Incoming(kind="text", args=text, **base)  # type: ignore[arg-type]


def from_callback(query: CallbackQuery, update_id: int) -> Incoming | None:
    if not query.data or query.message is None:
        return None
    return Incoming(
        chat=chat_ref(query.message.chat, query.from_user),
        sender=sender_of(query.from_user),
        kind="action",
        action=query.data,
        dedup_key=str(update_id),
    )
