"""The handler context, the services handlers get, and small view helpers shared by every area."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.events import FileRef, Incoming
from handlers.i18n import Translator, translator
from handlers.markup import Markup

# what a handler module declares itself with (handlers.router): nearly every one imports
# it from here, beside Ctx
from handlers.router import (  # noqa: F401
    ADMINS,
    ALL_ROLES,
    STAFF,
    CommandSpec,
    Handler,
    Reply,
    Router,
)
from handlers.views import Button, View
from models import db
from models.base import utcnow
from models.groups import Group
from models.teams import Team, User
from services import notifications, notifications_quiet, teams_identity
from services.access import Actor
from services.errors import N_, DomainError
from services.pagination import Page

if TYPE_CHECKING:
    from services.chats_news import Gather


@dataclass
class Services:
    """What the composition root hands every handler besides the session."""

    page_size: int = 8
    default_timezone: str = "UTC"
    default_locale: str = "en"
    invite_ttl_days: int = 14
    # a new team's default quiet hours (start and end, minutes after midnight): 22:00-08:00
    default_quiet_hours: tuple[int, int] | None = (22 * 60, 8 * 60)
    # platform -> builds a join link from an invite code (Telegram deep link)
    invite_links: dict[str, Callable[[str], str]] = field(default_factory=dict)
    # platform -> downloads a file a person sent (Telegram getFile, Slack files, local path)
    file_readers: dict[str, Callable[[FileRef], Awaitable[bytes]]] = field(default_factory=dict)
    # a platform that shows people a home page following their day is running (Slack's
    # App Home): changes to their tasks queue it again; without one, nothing is queued
    homes: bool = False
    # where the console and exports keep files
    files_dir: str = "data/files"
    # the bot's public web address (iCal feeds); empty: no web server
    public_url: str = ""


@dataclass
class Ctx:
    session: AsyncSession
    event: Incoming
    actor: Actor | None
    tr: Translator
    services: Services
    registry: Any  # handlers.routing.Registry (kept loose to avoid an import cycle)
    action_args: list[str] = field(default_factory=list)
    # the item ("task:12") of the message this one replies to, if known
    reply_ref: str | None = None
    # set by a handler that changed who the actor is (e.g. /me lang) for the reply
    extra: list[View] = field(default_factory=list)
    # the person's language, zone or quiet hours changed: the registry's profile hooks run
    profile_changed: bool = False
    # asked in a shared chat, this turn's answers are the person's alone (a personal
    # command or button there, or a form one of them started): so is a form it starts
    keep_private: bool = False
    # whom the person said they mean by a name several people share ("anna" -> user id):
    # what they were doing is done again with these (handlers.people_pick)
    picked: dict[str, int] = field(default_factory=dict)
    # the answers so far of the form being answered, with the data it was started with
    # (set by the forms engine): a field's choices and parser may follow them (a task's
    # quick deadlines follow its responsible's working days)
    form_answers: dict[str, Any] = field(default_factory=dict)

    @property
    def args(self) -> str:
        return self.event.args

    @property
    def me(self) -> Actor:
        if self.actor is None:
            raise DomainError(
                N_("Send /start to create a team or to join one with an invite code.")
            )
        return self.actor

    async def read_file(self, file: FileRef, limit: int = 20 * 1024 * 1024) -> bytes:
        """The bytes of a file the person sent, through their platform's reader."""
        reader = self.services.file_readers.get(self.event.platform)
        if reader is None:
            raise DomainError(N_("Files cannot be read on this platform."))
        if file.size and file.size > limit:
            raise DomainError(
                N_("The file is too large: at most {mb} MB."), mb=limit // (1024 * 1024)
            )
        data = await reader(file)
        if len(data) > limit:
            raise DomainError(
                N_("The file is too large: at most {mb} MB."), mb=limit // (1024 * 1024)
            )
        return data

    async def chat_group(self) -> Group | None:
        """The workgroup a bound group chat speaks for (None in private or unbound chats)."""
        if self.event.chat.private or self.actor is None:
            return None
        from services import chats

        return await chats.bound_group(
            self.session, self.actor, self.event.platform, self.event.chat.chat_id
        )

    async def speaks_for(self, group_id: int | None) -> bool:
        """Whether this is a channel or group chat bound to that group (/bind): a card of
        the group's there is everyone's, the same whoever asked or pressed."""
        if not self.shared_chat or group_id is None:
            return False
        bound = await self.chat_group()
        return bound is not None and bound.id == group_id

    def for_me(self, reply: Reply) -> Reply:
        """The asker's own view (their agenda, their time, their list), asked in a shared
        chat, even a group's: to them alone, never into a message everyone sees."""
        if not self.event.chat.private:
            for view in [reply] if isinstance(reply, View) else reply or []:
                view.private = True
        return reply

    @property
    def shared_chat(self) -> bool:
        """Typed or pressed in a channel or group chat, where everyone there reads it."""
        return not self.event.chat.private

    def everyone_tr(self, team: Team) -> Translator:
        """For a message everyone in a shared chat reads (a group's notice, a card, a list
        or a poll there, and every edit of it): the team's language and zone, named, not
        those of whoever made or pressed it, so the message reads the same whoever redoes
        it (as the group calendar does)."""
        return translator(team.locale, team.timezone, shared=True)

    async def shared_tr(self) -> Translator:
        """everyone_tr of the actor's team."""
        team = await self.session.get(Team, self.me.team_id)
        return self.everyone_tr(team) if team is not None else self.tr

    async def for_everyone(self, build: Callable[[], Awaitable[View]]) -> View:
        """A view built by `build` as everyone in this shared chat reads it: in the team's
        language and zone (see everyone_tr), whoever asked or pressed."""
        own = self.tr
        self.tr = await self.shared_tr()
        try:
            return await build()
        finally:
            self.tr = own

    async def for_the_group(self, group_id: int, build: Callable[[bool], Awaitable[View]]) -> View:
        """A group's view (its calendar, its chart), built by `build(everyone)`: in the
        group's own chat everyone's there, whoever asked or pressed (for_everyone, with
        everyone True); someone outside the group, who would see only their part of it,
        and anyone asking in another shared chat get it to themselves alone (for_me)."""
        from services.groups import is_member

        if await self.speaks_for(group_id) and (
            self.me.is_admin or await is_member(self.session, group_id, self.me.user_id)
        ):
            return await self.for_everyone(lambda: build(True))
        view = await build(False)
        self.for_me(view)
        return view

    def retranslate(self, actor: Actor) -> None:
        self.actor = actor
        self.tr = translator(actor.locale, actor.timezone, shared=self.tr.shared)
        self.profile_changed = True

    def int_arg(self, index: int) -> int:
        """An id from button data: untrusted, so parsed strictly."""
        try:
            value = self.action_args[index]
        except IndexError:
            raise DomainError(N_("This button is out of date. Open the list again.")) from None
        if not value.isdigit() or len(value) > 12:
            raise DomainError(N_("This button is out of date. Open the list again."))
        return int(value)

    def page_arg(self, index: int) -> int:
        try:
            return max(1, self.int_arg(index))
        except DomainError:
            return 1

    async def notify(
        self,
        user_id: int,
        kind: str,
        build: Callable[[Translator], View],
        *,
        ref: str | None = None,
        dedup_key: str | None = None,
        batch: str | None = None,
    ) -> None:
        """Notify a person (centre + outbox), written in their language and zone;
        `batch`: see services.notifications.notify.

        Nobody is notified of their own action.
        """
        if self.actor is not None and user_id == self.actor.user_id:
            return
        user = await db.get(self.session, User, user_id)
        if user is None or not user.active or (self.actor and user.team_id != self.actor.team_id):
            return
        tr = await reader_tr(self.session, user, kind)
        view = build(tr)
        if ref and view.ref is None:
            view.ref = ref
        kept: View | None = None
        if tr.relative and batch is None:  # the centre is read days later: with dates
            kept = build(Translator(user.locale, user.timezone, relative=False))
            kept.ref = view.ref
        await notifications.notify(
            self.session,
            user,
            kind=kind,
            payload=view.to_dict(),
            ref=ref,
            dedup_key=dedup_key,
            batch=batch,
            kept=kept.to_dict() if kept is not None else None,
        )

    async def notify_group(
        self,
        group: Group,
        kind: str,
        build: Callable[[Translator], View],
        *,
        dedup_key: str | None = None,
        gather: Gather | None = None,
    ) -> bool:
        """Post to the chats bound to a group (/bind), in the team's language and zone;
        `gather`: gathered with the actor's like news still waiting (see gathered_news).

        Returns False when no chat is bound; people are notified separately (notify).
        """
        from services import chats_news

        team = await self.session.get(Team, group.team_id)
        if team is None or (self.actor is not None and team.id != self.actor.team_id):
            return False
        view = build(self.everyone_tr(team))
        return await chats_news.notify_group(
            self.session,
            group,
            kind=kind,
            payload=view.to_dict(),
            dedup_key=dedup_key,
            except_chat=self._made_here(),
            gather=gather,
        )

    def _made_here(self) -> tuple[str, str] | None:
        """Typed in a shared chat (maybe one bound to the group): the reply there already
        shows what happened, so the group's message leaves that chat out."""
        here = self.event.chat
        return None if here.private else (self.event.platform, here.chat_id)

    async def gathered_news(self, group: Group, gather: Gather) -> list[int]:
        """The items of the group's message that `gather` joins (services.chats_news.gathered),
        for the message to tell of them all."""
        from services import chats_news

        return await chats_news.gathered(self.session, group.id, gather, self._made_here())

    async def start_form(self, name: str, data: dict[str, Any] | None = None) -> Reply:
        return await self.registry.forms_engine.start(self, name, data or {})

    async def start_own_form(self, name: str, data: dict[str, Any] | None = None) -> Reply:
        """A form one person starts from a message everyone in a shared chat reads (Comment
        or Share on a post there): theirs alone, asked and answered where their private
        answers go (Telegram: their private chat; see keep_private), not in the chat."""
        self.keep_private = self.keep_private or self.shared_chat
        return await self.start_form(name, data)


async def reader_tr(
    session: AsyncSession, user: User, kind: str, due_at: datetime | None = None
) -> Translator:
    """How a notice of `kind` to a person, due `due_at` (now), is written: in their
    language and zone, worded for when it is due ("today 17:00"); with dates ("Tue 9 Mar
    17:00"), never "today" or "tomorrow", when it is read at a moment not known yet: kept
    for their digest, or held by their quiet hours (which they may change, or their zone,
    and the notice follows: notifications_quiet.follow_quiet_hours)."""
    when = due_at or utcnow()
    later = await notifications.digested(session, user.id, kind) or (
        await notifications_quiet.arrives_at(session, user.id, user.timezone, when) > when
    )
    return Translator(user.locale, user.timezone, read_at=due_at, relative=not later)


def pager_row(ctx: Ctx, page: Page[Any], action: str) -> list[Button]:
    """Prev / n of m / Next, each carrying `action:<page>`."""
    if page.pages <= 1:
        return []
    row: list[Button] = []
    if page.has_prev:
        row.append(Button(ctx.tr.s("« Prev"), f"{action}:{page.page - 1}"))
    row.append(Button(f"{page.page}/{page.pages}", f"{action}:{page.page}"))
    if page.has_next:
        row.append(Button(ctx.tr.s("Next »"), f"{action}:{page.page + 1}"))
    return row


def text_page(markup: Markup, page: int, limit: int = 3000) -> tuple[Markup, int, int]:
    """One page of a long text, cut at line boundaries: (piece, page, pages)."""
    from handlers.markup import chunk

    pieces = chunk(markup, limit)
    page = min(max(1, page), len(pieces))
    return pieces[page - 1], page, len(pieces)


def error_view(tr: Translator, error: DomainError) -> View:
    params = {k: (v if not isinstance(v, int | float) else str(v)) for k, v in error.params.items()}
    return View(body=tr(error.key, **params), private=True)


async def stranger_view(ctx: Ctx) -> View:
    """What someone who is in no team hears (their command, button or /help): to send
    /start; or, when an admin removed them from their team, that (what /start would
    answer them), not an invitation to start over. Asked only when no person was found."""
    try:
        await teams_identity.refuse_removed(
            ctx.session, ctx.event.platform, ctx.event.sender.external_id
        )
    except DomainError as err:
        return error_view(ctx.tr, err)
    return View(
        body=ctx.tr("Send /start to create a team or to join one with an invite code."),
        private=True,  # in a group: to the stranger, not to everyone
    )
