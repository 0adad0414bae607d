"""The one entry every adapter calls: an incoming event in, views out.

It opens the unit of work (one transaction per event), drops redelivered updates
(inbox), resolves the actor, routes to a command, a button action, or the active
dialog, turns DomainError into one translated sentence, and commits.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core import (
    CommandSpec,
    Ctx,
    Handler,
    Reply,
    Router,
    Services,
    error_view,
    stranger_view,
)
from handlers.events import Incoming
from handlers.forms import Form, FormsEngine
from handlers.i18n import Translator, translator
from handlers.markup import Span, code
from handlers.people import Several
from handlers.people_pick import ask_which
from handlers.views import READER, View
from models.db import unit_of_work
from services import chats, dialogs, inbox, messages, outbox, teams
from services.access import Actor
from services.errors import N_, DomainError, not_found
from services.teams import Newcomer, normalize_locale

log = structlog.get_logger(__name__)

# commands that answer without leaving the form a person is filling in
KEEP_THE_FORM = frozenset({"cancel", "help"})


class Registry:
    def __init__(self, routers: Iterable[Router]) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, Handler] = {}
        self.forms: dict[str, Form] = {}
        self.reply_handlers: list[Handler] = []
        self.file_handlers: list[Handler] = []
        self.profile_hooks: list[Handler] = []
        self.action_privacy: dict[str, tuple[bool, bool]] = {}
        self.ordered: list[CommandSpec] = []
        for router in routers:
            for spec in router.commands:
                for name in (spec.name, *spec.aliases):
                    if name in self.commands:
                        raise ValueError(f"command /{name} registered twice")
                    self.commands[name] = spec
                self.ordered.append(spec)
            for prefix, handler in router.actions.items():
                if prefix in self.actions:
                    raise ValueError(f"action prefix {prefix!r} registered twice")
                self.actions[prefix] = handler
            self.forms.update(router.forms)
            self.reply_handlers.extend(router.reply_handlers)
            self.file_handlers.extend(router.file_handlers)
            self.profile_hooks.extend(router.profile_hooks)
            self.action_privacy.update(router.action_privacy)
        self.forms_engine = FormsEngine(self)

    def available(self, actor: Actor | None, platform: str) -> list[CommandSpec]:
        out = []
        for spec in self.ordered:
            if spec.hidden or (spec.platforms is not None and platform not in spec.platforms):
                continue
            if actor is None and not spec.public:
                continue
            if actor is not None and actor.role not in spec.roles:
                continue
            out.append(spec)
        return out


async def _private_here(ctx: Ctx, personal: bool, lists: bool) -> bool:
    """In a channel or group chat, a person's own answers (personal) and their lists
    where the chat is not a group's (lists) go to that person alone (the adapters never
    edit a private answer into a message everyone there sees), and so do the answers of
    a form they start."""
    if ctx.event.chat.private or not (personal or lists):
        return False
    return personal or await ctx.chat_group() is None


def _keep_to_the_person(ctx: Ctx, reply: Reply) -> Reply:
    return ctx.for_me(reply) if ctx.keep_private else reply


@dataclass
class Workspace:
    sessionmaker: async_sessionmaker[AsyncSession]
    registry: Registry
    services: Services = field(default_factory=Services)
    sent: messages.SentLog = field(init=False)

    def __post_init__(self) -> None:
        self.sent = messages.SentLog(self.sessionmaker)

    async def close(self) -> None:
        """Write what still waits in memory; the app calls this before the engine goes."""
        await self.sent.close()

    async def handle(self, event: Incoming) -> list[View]:
        """Process one event in one transaction; returns the replies to send."""
        tr: Translator | None = None  # the person's, once known; else their platform's
        joined: list[Newcomer] = []  # a Slack person who joined their workspace's team now
        try:
            async with unit_of_work(self.sessionmaker) as session:
                if event.dedup_key and not await inbox.first_delivery(
                    session, event.platform, event.dedup_key
                ):
                    log.info("duplicate_update", platform=event.platform, key=event.dedup_key)
                    return []
                actor, stale = await self._actor(session, event, joined)
                if actor is None:
                    tr = self._platform_tr(event)
                else:
                    # in a group chat, everyone there reads the times: they name their zone
                    tr = translator(actor.locale, actor.timezone, shared=not event.chat.private)
                    if event.chat.private and stale:
                        # reachable again after blocking the bot (403), or at last known
                        await chats.private_chat_seen(
                            session, event.platform, event.sender.external_id, event.chat.chat_id
                        )
                ctx = Ctx(
                    session=session,
                    event=event,
                    actor=actor,
                    tr=tr,
                    services=self.services,
                    registry=self.registry,
                )
                if event.reply_to:
                    ctx.reply_ref = self.sent.pending(
                        event.platform, event.chat.chat_id, event.reply_to
                    ) or await messages.lookup(
                        session, event.platform, event.chat.chat_id, event.reply_to
                    )
                views = _as_list(await self._route(ctx))
                if ctx.profile_changed:
                    if ctx.actor is not None:  # their own choice: a late profile keeps it
                        await teams.profile_settled(
                            session, event.platform, event.sender.external_id
                        )
                    for hook in self.registry.profile_hooks:
                        await hook(ctx)
                    if views and ctx.actor is not None:
                        # adapters with a per-person command menu publish it anew
                        views[0].meta["locale"] = ctx.actor.locale
                tr = ctx.tr
                replies = [*views, *ctx.extra]
                if replies and ctx.actor is not None and not event.chat.private:
                    replies[0].meta[READER] = ctx.actor.locale
                return replies
        except _Rejected as rejected:
            await self._keep_joined(event, joined)
            return [rejected.view]
        except Several as several:  # nothing of the command kept: asked whom they meant
            return await self._ask_which(event, several, tr or self._platform_tr(event))
        except DomainError as err:
            await self._keep_joined(event, joined)
            return [error_view(tr or self._platform_tr(event), err)]
        except Exception as exc:
            tr = tr or self._platform_tr(event)
            if _number_too_big(exc):  # /task 99999999999999999999: no such thing
                return [error_view(tr, not_found())]
            if _date_too_far(exc):  # a date of year 9999 kept before such were refused
                log.warning("date_out_of_range", platform=event.platform, command=event.command)
                far = N_("A date here is too far off: give one within 100 years of today.")
                return [error_view(tr, DomainError(far))]
            log.exception(
                "handler_failed", platform=event.platform, kind=event.kind, command=event.command
            )
            return [
                View(
                    body=tr(
                        "Something went wrong on our side; nothing was changed. Please try again."
                    ),
                    private=True,
                )
            ]

    def _platform_tr(self, event: Incoming) -> Translator:
        """Words for someone not (yet) known: in the language their platform gave."""
        return translator(
            normalize_locale(event.sender.language_code, self.services.default_locale)
        )

    async def _ask_which(self, event: Incoming, several: Several, tr: Translator) -> list[View]:
        """A command that named several people: its unit of work is gone, and a new one
        asks which of them was meant (handlers.people_pick); the answer runs the command
        again. Asked here, not under a savepoint around every command, which would cost
        each update two statements more."""
        spec = self.registry.commands.get(event.command)
        async with self.sessionmaker() as session, session.begin():
            actor, _stale = await self._actor(session, event)
            if event.kind != "command" or spec is None or actor is None:
                return [error_view(tr, several)]
            ctx = Ctx(
                session=session,
                event=event,
                actor=actor,
                tr=translator(actor.locale, actor.timezone, shared=not event.chat.private),
                services=self.services,
                registry=self.registry,
            )
            ctx.keep_private = await _private_here(ctx, spec.personal, spec.lists)
            await several.reload(session)
            resume = {"command": event.command, "args": event.args}
            return _as_list(_keep_to_the_person(ctx, await ask_which(ctx, several, resume)))

    async def _keep_joined(self, event: Incoming, joined: list[Newcomer]) -> None:
        """A first command that failed ("task 1": not found) took the person's joining
        back with it: they join again on their own, and stay."""
        if joined and event.sender.team_key:
            try:
                await self.enroll(event.sender.team_key, joined[0])
            except DomainError:
                log.info("join_not_kept", platform=event.platform)

    async def _actor(
        self, session: AsyncSession, event: Incoming, joined: list[Newcomer] | None = None
    ) -> tuple[Actor | None, bool]:
        """The acting person, and whether their identity needs refreshing; a Slack
        person joining their workspace's team is added to `joined`."""
        found = await teams.resolve_identity(
            session, event.platform, event.sender.external_id, in_chat=event.chat.chat_id
        )
        sender = event.sender
        newcomer = Newcomer(
            platform=event.platform,
            external_id=sender.external_id,
            name=sender.name,
            username=sender.username,
            locale=sender.language_code,
            timezone=sender.timezone,
            chat_id=event.chat.chat_id if event.chat.private else None,
            guest=sender.guest,
            team_name=sender.team_name,
            profile_known=sender.profile_known,
        )
        if found is not None:
            if found.profile_pending and sender.profile_known:
                # joined while the platform could not say who they are: now it does
                refreshed = await teams.refresh_profile(session, newcomer)
                return refreshed or found.actor, found.stale
            return found.actor, found.stale
        actor = None
        if sender.team_key:
            # a Slack workspace is a team: its people join on first contact
            actor = await teams.join_team_workspace(
                session,
                sender.team_key,
                newcomer,
                quiet_hours=self.services.default_quiet_hours,
            )
            if joined is not None:
                joined.append(newcomer)
        return actor, False

    async def _route(self, ctx: Ctx) -> Reply:
        event = ctx.event
        if event.kind == "command":
            return await self._command(ctx)
        if event.kind == "action":
            return await self._action(ctx)
        if event.kind == "form":
            ctx.keep_private = await self.registry.forms_engine.kept_private(ctx)
            reply, errors = await self.registry.forms_engine.submit_all(
                ctx, event.form_name, event.form_values
            )
            if errors:
                # nothing of it is kept, not even its delivery key: the person corrects
                # the form and sends the same submission again (Slack keeps its ids)
                raise _Rejected(
                    View(
                        body=ctx.tr("Please correct the form."),
                        form={"errors": errors},
                        private=True,
                    )
                )
            return _keep_to_the_person(ctx, reply)
        if event.kind in ("text", "file"):
            if event.kind == "text" and not event.args.strip():  # a sticker, a voice note
                if not event.chat.private:
                    return None
                return View(
                    body=ctx.tr("Send /help to see what I can do, or /menu for the sections.")
                )
            if ctx.actor is not None:
                engine = self.registry.forms_engine
                ctx.keep_private = await engine.kept_private(ctx)
                if event.kind == "text":
                    reply = await engine.on_text(ctx, event.args)
                else:
                    reply = await engine.on_file(ctx)
                if reply is not None:
                    return _keep_to_the_person(ctx, reply)
                ctx.keep_private = False
            if ctx.actor is not None:
                handlers = (
                    self.registry.reply_handlers
                    if event.kind == "text"
                    else self.registry.file_handlers
                )
                for handler in handlers:
                    reply = await handler(ctx)
                    if reply is not None:
                        return reply
            if not event.chat.private:
                if event.reply_to and await dialogs.others_open(
                    ctx.session, event.platform, event.chat.chat_id, event.sender.external_id
                ):  # an answer to a colleague's question: theirs to answer
                    return View(
                        body=ctx.tr(
                            "This question is a colleague's. To do the same, send the "
                            "command yourself."
                        ),
                        private=True,
                    )
                return None  # in groups the bot answers commands and replies to itself only
            return View(body=ctx.tr("Send /help to see what I can do, or /menu for the sections."))
        return None

    async def _command(self, ctx: Ctx) -> Reply:
        name = ctx.event.command
        spec = self.registry.commands.get(name)
        if spec is None or (
            spec.platforms is not None and ctx.event.platform not in spec.platforms
        ):
            if ctx.event.maybe_for_others:
                return None  # "/roll" in a group: some other bot's
            return self._unknown(ctx, name)
        if ctx.actor is None and not spec.public:
            return await stranger_view(ctx)
        if ctx.actor is not None and ctx.actor.role not in spec.roles:
            return View(
                body=ctx.tr("The command /{name} is not available to you.", name=name), private=True
            )
        engine = self.registry.forms_engine
        dropped = None
        if name not in KEEP_THE_FORM and ctx.actor is not None:
            # a new command leaves the dialog that was open, and says so
            dropped = await engine.drop(ctx)
        ctx.keep_private = await _private_here(ctx, spec.personal, spec.lists)
        reply = _keep_to_the_person(ctx, await spec.handler(ctx))
        if name == "help" and ctx.actor is not None:
            question = await engine.still_open(ctx)
            if question is not None:
                reply = [*_as_list(reply), question]
        if dropped is not None:
            # the person's own news: on their own answer, never on a message everyone
            # in a shared chat reads (the group's list), nor in place of an edit
            views = _as_list(reply)
            first = views[0] if views else None
            if first is not None and not first.edit and (first.private or not ctx.shared_chat):
                first.body = [*dropped, Span("\n\n"), *first.body]
            else:
                views.append(View(body=dropped, private=True))
            reply = views
        return reply

    def _unknown(self, ctx: Ctx, name: str) -> View:
        names = [s.name for s in self.registry.available(ctx.actor, ctx.event.platform)]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        if close:
            return View(
                body=ctx.tr(
                    "Unknown command /{name}. Did you mean {hint}?",
                    name=name,
                    hint=code("/" + close[0]),
                ),
                private=True,
            )
        return View(
            body=ctx.tr("Unknown command /{name}. Send /help for the list.", name=name),
            private=True,
        )

    async def _action(self, ctx: Ctx) -> Reply:
        parts = ctx.event.action.split(":")
        prefix, ctx.action_args = parts[0], parts[1:]
        if prefix == "f":
            if ctx.actor is None:
                return await stranger_view(ctx)
            ctx.keep_private = await self.registry.forms_engine.kept_private(ctx)
            return _keep_to_the_person(ctx, await self.registry.forms_engine.on_action(ctx))
        if prefix == "cmd" and ctx.action_args:
            # a button that runs a command, e.g. from the menu
            name = ctx.action_args[0]
            ctx.event = _as_command(ctx.event, name, " ".join(ctx.action_args[1:]))
            return await self._command(ctx)
        handler = self.registry.actions.get(prefix)
        if handler is None:
            return View(
                body=ctx.tr("This button is out of date. Open the list again."), private=True
            )
        if ctx.actor is None:
            return await stranger_view(ctx)
        personal, lists = self.registry.action_privacy.get(prefix, (False, False))
        ctx.keep_private = await _private_here(ctx, personal, lists)
        return _keep_to_the_person(ctx, await handler(ctx))

    async def enroll(self, team_key: str, newcomer: Newcomer) -> None:
        """Someone of a workspace-bound team (Slack) joins it before their own first
        message, e.g. when a colleague mentions them; nothing if they are in already, or
        were removed from it (a colleague's mention does not bring them back, nor stop
        the colleague's command: it goes on without them)."""
        async with self.sessionmaker() as session, session.begin():
            who = (newcomer.platform, newcomer.external_id)
            if await teams.resolve_actor(session, *who) or await teams.removed_from(session, *who):
                return
            await teams.join_team_workspace(
                session, team_key, newcomer, quiet_hours=self.services.default_quiet_hours
            )

    async def take_notifications(self, platform: str, external_id: str) -> list[View]:
        """Due notifications for one person, for adapters that deliver inline (console)."""
        async with self.sessionmaker() as session, session.begin():
            rows = await outbox.take_due_for_identity(session, platform, external_id)
            return [View.from_dict(row.payload) for row in rows]

    async def move_dialog(self, platform: str, old_chat: str, new_chat: str, user_key: str) -> bool:
        """Carry a person's open dialog to another chat (see services.dialogs.move)."""
        async with self.sessionmaker() as session, session.begin():
            return await dialogs.move(session, platform, old_chat, new_chat, user_key)

    async def remember_sent(self, platform: str, chat_id: str, message_id: str, ref: str) -> None:
        """Adapters call this after sending a view with a ref, so replies find the item
        (written shortly after, with others: services.messages.SentLog)."""
        self.sent.add(platform, chat_id, message_id, ref)

    def translator_for(self, actor: Actor | None, language_code: str | None = None) -> Translator:
        if actor is not None:
            return translator(actor.locale, actor.timezone)
        return translator(normalize_locale(language_code, self.services.default_locale))


def _number_too_big(exc: BaseException) -> bool:
    """A typed number no id column can hold (SQLite: OverflowError; PostgreSQL: an
    integer out of range), however deep in a statement it was met."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OverflowError) and "int" in str(seen).lower():
            return True
        text = str(seen).lower()
        if "out of range" in text and ("int" in text or "integer" in text):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def _date_too_far(exc: BaseException) -> bool:
    """Date arithmetic past the year 9999 (or before 1): Python's OverflowError."""
    return isinstance(exc, OverflowError) and not _number_too_big(exc)


class _Rejected(Exception):  # noqa: N818 - not an error: an answer that keeps nothing
    """A reply after which the unit of work is rolled back (see Workspace.handle)."""

    def __init__(self, view: View) -> None:
        super().__init__("rejected")
        self.view = view


def _as_list(reply: Reply) -> list[View]:
    if reply is None:
        return []
    if isinstance(reply, View):
        return [reply]
    return list(reply)


def _as_command(event: Incoming, name: str, args: str) -> Incoming:
    from dataclasses import replace

    return replace(event, kind="command", command=name, args=args)
