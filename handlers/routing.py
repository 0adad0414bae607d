"""The registry of every router's commands, actions and forms; routing an event through it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from handlers.core import Ctx, stranger_view
from handlers.events import Incoming
from handlers.forms import Form
from handlers.forms_engine import FormsEngine
from handlers.markup import Span, code
from handlers.router import CommandSpec, Handler, Reply, Router
from handlers.views import View
from services import dialogs
from services.access import Actor

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


async def private_here(ctx: Ctx, personal: bool, lists: bool) -> bool:
    """In a channel or group chat, a person's own answers (personal) and their lists
    where the chat is not a group's (lists) go to that person alone (the adapters never
    edit a private answer into a message everyone there sees), and so do the answers of
    a form they start."""
    if ctx.event.chat.private or not (personal or lists):
        return False
    return personal or await ctx.chat_group() is None


def keep_to_the_person(ctx: Ctx, reply: Reply) -> Reply:
    return ctx.for_me(reply) if ctx.keep_private else reply


async def route(registry: Registry, ctx: Ctx) -> Reply:
    """The answer to one event: a command's, a button's, a form's or a text's."""
    event = ctx.event
    if event.kind == "command":
        return await _command(registry, ctx)
    if event.kind == "action":
        return await _action(registry, ctx)
    if event.kind == "form":
        ctx.keep_private = await registry.forms_engine.kept_private(ctx)
        reply, errors = await registry.forms_engine.submit_all(
            ctx, event.form_name, event.form_values
        )
        if errors:
            # nothing of it is kept, not even its delivery key: the person corrects
            # the form and sends the same submission again (Slack keeps its ids)
            raise Rejected(
                View(
                    body=ctx.tr("Please correct the form."),
                    form={"errors": errors},
                    private=True,
                )
            )
        return keep_to_the_person(ctx, reply)
    if event.kind in ("text", "file"):
        if event.kind == "text" and not event.args.strip():  # a sticker, a voice note
            if not event.chat.private:
                return None
            return View(body=ctx.tr("Send /help to see what I can do, or /menu for the sections."))
        if ctx.actor is not None:
            engine = registry.forms_engine
            ctx.keep_private = await engine.kept_private(ctx)
            if event.kind == "text":
                reply = await engine.on_text(ctx, event.args)
            else:
                reply = await engine.on_file(ctx)
            if reply is not None:
                return keep_to_the_person(ctx, reply)
            ctx.keep_private = False
        if ctx.actor is not None:
            handlers = registry.reply_handlers if event.kind == "text" else registry.file_handlers
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
                        "This question is a colleague's. To do the same, send the command yourself."
                    ),
                    private=True,
                )
            return None  # in groups the bot answers commands and replies to itself only
        return View(body=ctx.tr("Send /help to see what I can do, or /menu for the sections."))
    return None


async def _command(registry: Registry, ctx: Ctx) -> Reply:
    name = ctx.event.command
    spec = registry.commands.get(name)
    if spec is None or (spec.platforms is not None and ctx.event.platform not in spec.platforms):
        if ctx.event.maybe_for_others:
            return None  # "/roll" in a group: some other bot's
        names = [s.name for s in registry.available(ctx.actor, ctx.event.platform)]
        return unknown_command(ctx, name, names)
    if ctx.actor is None and not spec.public:
        return await stranger_view(ctx)
    if ctx.actor is not None and ctx.actor.role not in spec.roles:
        return View(
            body=ctx.tr("The command /{name} is not available to you.", name=name), private=True
        )
    engine = registry.forms_engine
    dropped = None
    if name not in KEEP_THE_FORM and ctx.actor is not None:
        # a new command leaves the dialog that was open, and says so
        dropped = await engine.drop(ctx)
    ctx.keep_private = await private_here(ctx, spec.personal, spec.lists)
    reply = keep_to_the_person(ctx, await spec.handler(ctx))
    if name == "help" and ctx.actor is not None:
        question = await engine.still_open(ctx)
        if question is not None:
            reply = [*as_list(reply), question]
    if dropped is not None:
        # the person's own news: on their own answer, never on a message everyone
        # in a shared chat reads (the group's list), nor in place of an edit
        views = as_list(reply)
        first = views[0] if views else None
        if first is not None and not first.edit and (first.private or not ctx.shared_chat):
            first.body = [*dropped, Span("\n\n"), *first.body]
        else:
            views.append(View(body=dropped, private=True))
        reply = views
    return reply


def unknown_command(ctx: Ctx, name: str, names: Iterable[str], hint: str = "/") -> View:
    """No command /`name` among `names`: the closest one (written after `hint`: "/help "
    for a command's help), or where the list is."""
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.5)
    if close:
        return View(
            body=ctx.tr(
                "Unknown command /{name}. Did you mean {hint}?",
                name=name,
                hint=code(hint + close[0]),
            ),
            private=True,
        )
    return View(
        body=ctx.tr("Unknown command /{name}. Send /help for the list.", name=name),
        private=True,
    )


async def _action(registry: Registry, ctx: Ctx) -> Reply:
    parts = ctx.event.action.split(":")
    prefix, ctx.action_args = parts[0], parts[1:]
    if prefix == "f":
        if ctx.actor is None:
            return await stranger_view(ctx)
        ctx.keep_private = await registry.forms_engine.kept_private(ctx)
        return keep_to_the_person(ctx, await registry.forms_engine.on_action(ctx))
    if prefix == "cmd" and ctx.action_args:
        # a button that runs a command, e.g. from the menu
        name = ctx.action_args[0]
        ctx.event = _as_command(ctx.event, name, " ".join(ctx.action_args[1:]))
        return await _command(registry, ctx)
    handler = registry.actions.get(prefix)
    if handler is None:
        return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)
    if ctx.actor is None:
        return await stranger_view(ctx)
    personal, lists = registry.action_privacy.get(prefix, (False, False))
    ctx.keep_private = await private_here(ctx, personal, lists)
    return keep_to_the_person(ctx, await handler(ctx))


class Rejected(Exception):  # noqa: N818 - not an error: an answer that keeps nothing
    """A reply after which the unit of work is rolled back (see Workspace.handle)."""

    def __init__(self, view: View) -> None:
        super().__init__("rejected")
        self.view = view


def as_list(reply: Reply) -> list[View]:
    if reply is None:
        return []
    if isinstance(reply, View):
        return [reply]
    return list(reply)


def _as_command(event: Incoming, name: str, args: str) -> Incoming:
    from dataclasses import replace

    return replace(event, kind="command", command=name, args=args)
