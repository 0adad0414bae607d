"""Router, one per handler module: its commands (CommandSpec), button actions, forms and hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.views import View

if TYPE_CHECKING:
    from handlers.core import Ctx
    from handlers.forms import Form

Reply = View | list[View] | None
Handler = Callable[["Ctx"], Awaitable[Reply]]

ALL_ROLES = frozenset({"admin", "employee", "extranet"})
STAFF = frozenset({"admin", "employee"})
ADMINS = frozenset({"admin"})


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    handler: Handler
    help: str  # msgid
    usage: str = ""  # msgid, e.g. "/groups new NAME"
    roles: frozenset[str] = ALL_ROLES
    aliases: tuple[str, ...] = ()
    hidden: bool = False
    platforms: frozenset[str] | None = None  # None: every platform
    public: bool = False  # usable before joining a team
    module: str = ""  # the handler module that declared it, e.g. handlers.crm_leads
    # what /help says to one role instead (role -> (help, usage) msgids): an employee is
    # not told of admin actions, an outside member not of posting to the whole team
    by_role: tuple[tuple[str, tuple[str, str]], ...] = ()
    # its answers are the person's own (their settings, time, inbox): in a channel or a
    # group they go to that person alone
    personal: bool = False
    # its answer lists what the person may see (their tasks, the CRM, their feed): in a
    # channel or group chat that is not bound to a group it goes to them alone
    lists: bool = False
    # "private" or "group": the only kind of chat whose command menu lists it
    chats: str = ""
    # msgid: what /help NAME adds to the help and usage (every action, examples)
    details: str = ""

    def text_for(self, role: str | None) -> tuple[str, str]:
        """The help and usage msgids /help shows to someone of that role."""
        return dict(self.by_role).get(role or "", (self.help, self.usage))


class Router:
    """One per handler module: its commands, button actions and forms."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.commands: list[CommandSpec] = []
        self.actions: dict[str, Handler] = {}
        self.forms: dict[str, Form] = {}
        self.reply_handlers: list[Handler] = []
        self.file_handlers: list[Handler] = []
        self.profile_hooks: list[Handler] = []
        # action prefix -> (personal, lists), as a command's flags: its answers go to the
        # presser alone in a shared chat (a colleague's press on a group message included)
        self.action_privacy: dict[str, tuple[bool, bool]] = {}

    def profile_changed(self, handler: Handler) -> Handler:
        """Runs in the same unit of work after a person changed their language, zone or
        quiet hours: what was prepared for them in the old ones is prepared again."""
        self.profile_hooks.append(handler)
        return handler

    def text(self, handler: Handler) -> Handler:
        """Plain text outside a dialog (a reply to a bot message, a forward); return None to pass."""
        self.reply_handlers.append(handler)
        return handler

    def file(self, handler: Handler) -> Handler:
        """A file sent outside a dialog; return None to pass."""
        self.file_handlers.append(handler)
        return handler

    def command(
        self,
        name: str,
        *,
        help: str,
        usage: str = "",
        roles: Iterable[str] = ALL_ROLES,
        aliases: Iterable[str] = (),
        hidden: bool = False,
        platforms: Iterable[str] | None = None,
        public: bool = False,
        by_role: dict[str, tuple[str, str]] | None = None,
        personal: bool = False,
        lists: bool = False,
        details: str = "",
        chats: str = "",
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands.append(
                CommandSpec(
                    name=name,
                    handler=handler,
                    help=help,
                    usage=usage,
                    roles=frozenset(roles),
                    aliases=tuple(aliases),
                    hidden=hidden,
                    platforms=frozenset(platforms) if platforms is not None else None,
                    public=public,
                    module=self.name,
                    by_role=tuple((by_role or {}).items()),
                    personal=personal,
                    lists=lists,
                    details=details,
                    chats=chats,
                )
            )
            return handler

        return register

    def action(
        self, prefix: str, *, personal: bool = False, lists: bool = False
    ) -> Callable[[Handler], Handler]:
        """Button actions 'prefix:verb:arg...' go to the handler; `personal` and `lists`
        as for commands."""

        def register(handler: Handler) -> Handler:
            if prefix in self.actions:
                raise ValueError(f"action prefix {prefix!r} registered twice")
            self.actions[prefix] = handler
            if personal or lists:
                self.action_privacy[prefix] = (personal, lists)
            return handler

        return register

    def form(self, form: Form) -> Form:
        self.forms[form.name] = form
        return form
