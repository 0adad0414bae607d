"""/import leads|contacts: a CSV file, a preview with counts, then all rows or none."""

from __future__ import annotations

from functools import partial
from typing import Any

from handlers.core import STAFF, Ctx, Router
from handlers.forms import Field, Form
from handlers.i18n import LANGUAGES, N_, Translator, translator
from handlers.markup import Span, bold, join_lines
from handlers.views import Button, View
from services import crm, crm_import, crm_import_csv
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 80
SHOWN_ERRORS = 10


@router.command(
    "import",
    help=N_("import leads or contacts from CSV (Bitrix24 export or plain)"),
    usage=N_("/import [leads|contacts]"),
    roles=STAFF,
)
async def import_command(ctx: Ctx) -> Any:
    await crm.scope_of(ctx.session, ctx.me)
    word = ctx.args.strip().casefold()
    entity = "contact" if word in ("contacts", "contact", "контакты") else "lead"
    if word and word not in ("leads", "lead", "лиды", "contacts", "contact", "контакты"):
        raise DomainError(_N("Import leads or contacts."))
    return await ctx.start_form("crm_import", {"entity": entity})


async def _parse_file(ctx: Ctx, file_id: str) -> str:
    if ctx.event.file is None:  # typed text instead of a file: ask again
        raise DomainError(_N("Send the CSV file as a document."))
    # a file that is no CSV at all (empty, binary, no known columns): said, and the
    # form asks for another one rather than closing
    crm_import_csv.parse(await ctx.read_file(ctx.event.file))
    return file_id


async def _submit(ctx: Ctx, values: dict[str, Any]) -> View:
    if ctx.event.file is None:
        raise DomainError(_N("Send the CSV file as a document."))
    data = await ctx.read_file(ctx.event.file)
    say = [translator(lang).s for lang in LANGUAGES]  # statuses as any language names them
    result = await crm_import.preview(ctx.session, ctx.me, data, values["entity"], say=say)
    lines: list[Any] = [
        [bold(ctx.tr.s("Import preview: {name}", name=ctx.event.file.name))],
        ctx.tr("New: {new}", new=str(result.new)),
        ctx.tr("Duplicates: {dups}", dups=str(len(result.duplicates))),
        ctx.tr("Errors: {errors}", errors=str(len(result.errors))),
    ]
    if result.duplicates:
        shown = ", ".join(str(n) for n in result.duplicates[:SHOWN_ERRORS])
        lines.append(ctx.tr("Duplicate lines: {lines}", lines=shown))
    for line, key, params in result.errors[:SHOWN_ERRORS]:
        lines.append(
            [
                Span("• "),
                *ctx.tr("line {line}: {problem}", line=str(line), problem=ctx.tr.s(key, **params)),
            ]
        )
    if len(result.errors) > SHOWN_ERRORS:
        lines.append(ctx.tr("…and {more} more.", more=str(len(result.errors) - SHOWN_ERRORS)))
    if not result.errors:  # what the import guesses or keeps aside, said before it runs
        lines.extend(_guesses(ctx, result))
    view = View()
    draft = result.draft_id
    if result.errors:
        lines.append(ctx.tr("Nothing was imported. Fix these lines and send the file again."))
        view.row(Button(ctx.tr.s("Cancel"), f"im:x:{draft}"))
    elif not result.rows:
        lines.append(ctx.tr("There is nothing to import."))
    elif not result.duplicates:
        view.row(
            Button(ctx.tr.s("Import all ({n})", n=len(result.rows)), f"im:a:{draft}"),
            Button(ctx.tr.s("Cancel"), f"im:x:{draft}"),
        )
    else:
        lines.extend(_duplicate_choices(ctx, result, view))
    view.body = join_lines(lines)
    return view


def _duplicate_choices(ctx: Ctx, result: crm_import.Preview, view: View) -> list[Any]:
    """Buttons for a file with duplicates: new rows only, new rows with the matched
    records filled in, or everything as new records (said to make duplicates)."""
    draft, dups = result.draft_id, len(result.duplicates)
    if result.new:
        view.row(Button(ctx.tr.s("Import new only ({n})", n=result.new), f"im:n:{draft}"))
    if result.updatable and result.new:
        label = ctx.tr.s(
            "Import new ({new}), update existing ({n})", new=result.new, n=result.updatable
        )
        view.row(Button(label, f"im:u:{draft}"))
    elif result.updatable:
        view.row(Button(ctx.tr.s("Update existing ({n})", n=result.updatable), f"im:u:{draft}"))
    view.row(
        Button(ctx.tr.s("Import all, as new records ({n})", n=len(result.rows)), f"im:a:{draft}")
    )
    view.row(Button(ctx.tr.s("Cancel"), f"im:x:{draft}"))
    lines: list[Any] = []
    if result.updatable:
        lines.append(
            ctx.tr(
                "Updating fills in the empty fields of the matching records and adds the "
                "comments they lack; what they have stays."
            )
        )
    if result.updatable and result.updatable < dups:
        lines.append(
            ctx.tr.n(
                "{n} duplicate matches a record you may not change, or an earlier line "
                "of the file: updating leaves it out.",
                "{n} duplicates match records you may not change, or earlier lines "
                "of the file: updating leaves them out.",
                dups - result.updatable,
            )
        )
    return lines


def _guesses(ctx: Ctx, result: crm_import.Preview) -> list[Any]:
    lines: list[Any] = []
    if result.several:
        lines.append(
            ctx.tr.n(
                "{n} row has several phones or e-mails: the first goes into the field, "
                "the others into the record's history.",
                "{n} rows have several phones or e-mails: the first goes into the field, "
                "the others into the record's history.",
                result.several,
            )
        )
    if result.unknown_owners:
        lines.append(
            ctx.tr(
                "Responsible not found in the team: {names}. Those records will be yours.",
                names=", ".join(result.unknown_owners[:SHOWN_ERRORS]),
            )
        )
    if result.unknown_statuses:
        lines.append(
            ctx.tr(
                "Unknown status: {names}. Those leads will be new.",
                names=", ".join(result.unknown_statuses[:SHOWN_ERRORS]),
            )
        )
    if result.unknown_dates:
        lines.append(
            ctx.tr(
                "Creation date not understood: {values}. Those records are dated today.",
                values=", ".join(result.unknown_dates[:SHOWN_ERRORS]),
            )
        )
    if result.unknown_sources:
        lines.append(
            ctx.tr(
                "Unknown source: {names}. Set to {other}; the name is kept in the history.",
                names=", ".join(result.unknown_sources[:SHOWN_ERRORS]),
                other=ctx.tr.s(crm.SOURCE_NAMES["other"]),
            )
        )
    return lines


router.form(
    Form(
        name="crm_import",
        title=N_("Import"),
        fields=[
            Field(
                "file",
                N_("Send the CSV file (UTF-8 or Windows-1251)."),
                _parse_file,
                accepts_file=True,
            )
        ],
        submit=_submit,
    )
)


def _given_view(tr: Translator, person: str, entity: str, count: int) -> View:
    if entity == "lead":
        said = tr.n(
            "{person} imported {n} lead for you.",
            "{person} imported {n} leads for you.",
            count,
            person=bold(person),
        )
        return View(body=said).row(Button(tr.s("My leads"), "ld:l:m.-.-.0:1"))
    said = tr.n(
        "{person} imported {n} contact for you.",
        "{person} imported {n} contacts for you.",
        count,
        person=bold(person),
    )
    return View(body=said)


@router.action("im", personal=True)
async def import_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    draft_id = ctx.int_arg(1)
    if verb in ("a", "n", "u"):
        given: dict[int, int] = {}
        updated: list[int] | None = [] if verb == "u" else None
        entity, count = await crm_import.commit(
            ctx.session, ctx.me, draft_id, skip_duplicates=verb == "n", given=given, update=updated
        )
        for user_id, many in given.items():  # each person hears what is now theirs
            build = partial(_given_view, person=ctx.me.name, entity=entity, count=many)
            await ctx.notify(user_id, "crm", build)
        if entity == "lead" and updated is not None:
            body = ctx.tr(
                "Imported leads: {count}, updated: {updated}. See them: /leads",
                count=str(count),
                updated=str(len(updated)),
            )
        elif entity == "lead":
            body = ctx.tr("Imported leads: {count}. See them: /leads", count=str(count))
        elif updated is not None:
            body = ctx.tr(
                "Imported contacts: {count}, updated: {updated}. See them: /contacts",
                count=str(count),
                updated=str(len(updated)),
            )
        else:
            body = ctx.tr("Imported contacts: {count}. See them: /contacts", count=str(count))
        return View(body=body, edit=True)
    if verb == "x":
        await crm_import.drop(ctx.session, ctx.me, draft_id)
        return View(body=ctx.tr("Import cancelled. Nothing was saved."), edit=True)
    raise DomainError(_N("This button is out of date. Open the list again."))
