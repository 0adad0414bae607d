"""The one entry every adapter calls: an incoming event in, views out.

It opens the unit of work (one transaction per event), drops redelivered updates
(inbox), resolves the actor, routes to a command, a button action, or the active
dialog (handlers.routing), turns DomainError into one translated sentence, and commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core import Ctx, Services, error_view
from handlers.events import Incoming
from handlers.i18n import Translator, translator
from handlers.people import Several
from handlers.people_pick import ask_which
from handlers.routing import (
    Registry,
    Rejected,
    as_list,
    keep_to_the_person,
    private_here,
    route,
)
from handlers.views import READER, View
from models.db import unit_of_work
from services import chats, dialogs, inbox, messages, outbox, teams, teams_identity
from services.access import Actor
from services.errors import N_, DomainError, not_found
from services.teams import Newcomer, normalize_locale

log = structlog.get_logger(__name__)


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
                views = as_list(await route(self.registry, ctx))
                if ctx.profile_changed:
                    if ctx.actor is not None:  # their own choice: a late profile keeps it
                        await teams_identity.profile_settled(
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
        except Rejected as rejected:
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
            ctx.keep_private = await private_here(ctx, spec.personal, spec.lists)
            await several.reload(session)
            resume = {"command": event.command, "args": event.args}
            return as_list(keep_to_the_person(ctx, await ask_which(ctx, several, resume)))

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
        found = await teams_identity.resolve_identity(
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

    async def enroll(self, team_key: str, newcomer: Newcomer) -> None:
        """Someone of a workspace-bound team (Slack) joins it before their own first
        message, e.g. when a colleague mentions them; nothing if they are in already, or
        were removed from it (a colleague's mention does not bring them back, nor stop
        the colleague's command: it goes on without them)."""
        async with self.sessionmaker() as session, session.begin():
            who = (newcomer.platform, newcomer.external_id)
            if await teams_identity.resolve_actor(
                session, *who
            ) or await teams_identity.removed_from(session, *who):
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
