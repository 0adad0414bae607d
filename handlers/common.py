"""/help and /cancel."""

from __future__ import annotations

from handlers.core import CommandSpec, Ctx, Router, stranger_view
from handlers.i18n import N_
from handlers.markup import Span, bold, code
from handlers.routing import unknown_command
from handlers.views import View
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 90


# "/task help": that command's help, not a task called "help"
HELP_WORDS = {"help", "?", "помощь", "справка"}


@router.command(
    "help",
    help=N_("the commands you can use"),
    usage=N_("/help [COMMAND]"),
    public=True,
    personal=True,  # what one person may use: in a group chat, to them alone
)
async def help_command(ctx: Ctx) -> View:
    specs = await _available(ctx)
    name = ctx.args.strip().split(maxsplit=1)[0].lstrip("/").casefold() if ctx.args.strip() else ""
    if ctx.registry.commands.get(name) in specs:
        return await help_for(ctx, name)
    if name:  # "/help xyz": no such command for this person, not the whole list
        return await _not_a_command(ctx, name, specs)
    body = [bold(ctx.tr.s("Commands")), Span("\n")]
    role = ctx.actor.role if ctx.actor is not None else None
    for spec in specs:
        help_, usage = spec.text_for(role)
        body.append(Span("\n"))
        body.append(code(ctx.tr.s(usage) if usage else "/" + spec.name))
        body.append(Span(" — "))
        body.append(Span(ctx.tr.s(help_)))  # a catalogue text whole: adapters know it as ours
        if spec.details:  # said here, not in /help NAME itself, where it would point at itself
            body.append(Span(" " + ctx.tr.s("(every action: /help {name})", name=spec.name)))
    if ctx.actor is None:
        body.append(Span("\n\n"))
        body.extend((await stranger_view(ctx)).body)
    return View(body=body)


async def help_for(ctx: Ctx, name: str) -> View:
    """One command's help (/help task, /task help): what it does, its usage, its details."""
    spec: CommandSpec = ctx.registry.commands[name]
    help_, usage = spec.text_for(ctx.actor.role if ctx.actor is not None else None)
    body = [bold("/" + spec.name), Span(" — "), Span(ctx.tr.s(help_)), Span("\n")]
    body.extend(ctx.tr("Usage: {usage}", usage=code(ctx.tr.s(usage) if usage else "/" + spec.name)))
    if spec.details:
        body.append(Span("\n\n"))
        body.extend(ctx.tr(spec.details))
    return View(body=body)


async def _not_a_command(ctx: Ctx, name: str, specs: list[CommandSpec]) -> View:
    """/help NAME where NAME is none of the person's commands: one they may not use is
    said so (with how to join, to a stranger); any other word gets the closest command."""
    spec = ctx.registry.commands.get(name)
    here = spec is not None and (spec.platforms is None or ctx.event.platform in spec.platforms)
    if spec is None or spec.hidden or not here:
        return unknown_command(ctx, name, [s.name for s in specs], hint="/help ")
    view = View(body=ctx.tr("The command /{name} is not available to you.", name=name))
    if ctx.actor is None:
        view.body = [*view.body, Span("\n\n"), *(await stranger_view(ctx)).body]
    return view


async def _available(ctx: Ctx) -> list[CommandSpec]:
    specs: list[CommandSpec] = ctx.registry.available(ctx.actor, ctx.event.platform)
    if ctx.actor is not None and ctx.actor.is_extranet and not await _crm_open(ctx):
        # an outside contractor without a CRM grant is not shown commands they cannot use
        specs = [spec for spec in specs if not spec.module.startswith("handlers.crm")]
    return specs


async def _crm_open(ctx: Ctx) -> bool:
    from services import crm
    from services.errors import DomainError

    try:
        await crm.scope_of(ctx.session, ctx.me)
    except DomainError:
        return False
    return True


@router.command("cancel", help=N_("leave the current dialog"))
async def cancel_command(ctx: Ctx) -> View:
    return await ctx.registry.forms_engine.cancel(ctx)


def unknown_action(verb: str, command: str) -> DomainError:
    """An action `command` does not know: its own help is named (/help crm), not the
    whole list."""
    return DomainError(
        _N("Unknown action {verb}. Send /help {command} for its actions."),
        verb=verb,
        command=command,
    )
