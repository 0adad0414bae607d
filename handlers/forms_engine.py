"""The forms engine: asks a form's fields one by one or takes them at once, and submits it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.core import Ctx, Reply, error_view
from handlers.forms import CANCEL_WORDS, SKIP_WORDS, Field, Filled, Form
from handlers.markup import Markup, Span
from handlers.views import Button, View
from services import dialogs
from services.errors import N_, DomainError

if TYPE_CHECKING:
    from handlers.routing import Registry


def _typed_word(text: str) -> str:
    return text.strip().rstrip(".!").strip().casefold()


async def _parsed(ctx: Ctx, fld: Field, raw: str, values: dict[str, Any]) -> Any:
    """An answer parsed, and checked against the answers before it."""
    value = await fld.parse(ctx, raw)
    if isinstance(value, Filled):
        for name, more in value.more.items():
            values.setdefault(name, more)
        value = value.value
    if fld.check is not None:
        await fld.check(ctx, value, values)
    return value


def _typed_in(shown: dict[str, str], token: str) -> str:
    """The field a name was typed in (the first one shown, if none has it)."""
    said = token.lstrip("@").casefold()
    return next((name for name, raw in shown.items() if said in raw.casefold()), next(iter(shown)))


def _user_key(ctx: Ctx) -> tuple[str, str, str]:
    ev = ctx.event
    return ev.platform, ev.chat.chat_id, ev.sender.external_id


def _start_key(ctx: Ctx) -> tuple[str, str, str]:
    """Where a form starts: a private one started in a shared chat is answered where
    the platform sends the person's private answers (Telegram: their private chat)."""
    ev = ctx.event
    if ctx.keep_private and not ev.chat.private and ev.chat.own_chat_id is not None:
        return ev.platform, ev.chat.own_chat_id, ev.sender.external_id
    return _user_key(ctx)


async def _save(
    ctx: Ctx,
    form: Form,
    step: int,
    data: dict[str, Any],
    key: tuple[str, str, str] | None = None,
) -> None:
    """The form's state, marked as the person's alone where it is (kept_private)."""
    if ctx.keep_private:
        data = {**data, "private": True}
    await dialogs.save(ctx.session, *(key or _user_key(ctx)), form=form.name, step=step, data=data)


class FormsEngine:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def get(self, name: str) -> Form:
        form = self.registry.forms.get(name)
        if form is None:
            raise KeyError(name)
        return form

    async def start(self, ctx: Ctx, name: str, data: dict[str, Any]) -> Reply:
        form = self.get(name)
        values = ctx.form_answers = dict(data)
        step = self._next_step(form, values, 0)
        if step >= len(form.fields):
            return await self._finish(ctx, form, values)
        await _save(ctx, form, step, {"values": values}, key=_start_key(ctx))
        view = await self._ask(ctx, form, step)
        view.form = await self.describe(ctx, form, values)
        return view

    async def kept_private(self, ctx: Ctx) -> bool:
        """Whether the open form was started as the person's alone (see Ctx.keep_private)."""
        state = await dialogs.get(ctx.session, *_user_key(ctx))
        return state is not None and bool(state.data.get("private"))

    def _next_step(self, form: Form, values: dict[str, Any], step: int) -> int:
        while step < len(form.fields) and form.skip_filled and form.fields[step].name in values:
            step += 1
        return step

    async def _ask(self, ctx: Ctx, form: Form, step: int, error: DomainError | None = None) -> View:
        fld = form.fields[step]
        body = []
        if error is not None:
            body.extend(ctx.tr(error.key, **{k: str(v) for k, v in error.params.items()}))
            body.extend(ctx.tr("\n"))
        body.extend(ctx.tr(fld.prompt))
        view = View(
            body=body, meta={"asks": fld.name}
        )  # a question: adapters may say how to answer
        if fld.choices is not None:
            options = await fld.choices(ctx)
            view.grid(
                [
                    Button(label, f"f:v:{step}:{index}")
                    for index, (label, _value) in enumerate(options)
                ],
                per_row=2,
            )
        controls = []
        if fld.optional:
            controls.append(Button(ctx.tr.s("Skip"), f"f:skip:{step}"))
        controls.append(Button(ctx.tr.s("Cancel"), "f:cancel"))
        view.buttons.append(controls)
        return view

    async def describe(self, ctx: Ctx, form: Form, values: dict[str, Any]) -> dict[str, Any]:
        """The whole form, for adapters that show it at once (a Slack modal)."""
        fields = []
        for fld in form.fields:
            if form.skip_filled and fld.name in values:
                continue
            options = await fld.choices(ctx) if fld.choices is not None else []
            fields.append(
                {
                    "name": fld.name,
                    "label": ctx.tr.s(fld.prompt),
                    "optional": fld.optional or fld.default is not None,
                    "multiline": fld.multiline,
                    "file": fld.accepts_file,
                    "person": fld.person,
                    "choices": [[label, value] for label, value in options],
                }
            )
        return {
            "name": form.name,
            "title": ctx.tr.s(form.title),
            "fields": fields,
            "values": values,
        }

    async def on_text(self, ctx: Ctx, text: str) -> Reply:
        state = await dialogs.get(ctx.session, *_user_key(ctx))
        if state is None:
            return None
        word = _typed_word(text)
        form = self.get(state.form)
        fld = form.fields[state.step]
        values = ctx.form_answers = dict(state.data.get("values", {}))
        if word in CANCEL_WORDS:  # the button's word: never kept without asking
            if fld.choices is not None:
                return await self.cancel(ctx)
            return await self._cancel_or_keep(ctx, form, state.step, values, text.strip())
        if word in SKIP_WORDS:
            if not fld.optional:
                err = DomainError(N_("This one cannot be skipped: type a value, or press Cancel."))
                return await self._ask(ctx, form, state.step, err)
            values[fld.name] = None
            return await self._advance(ctx, form, state.step, values)
        if fld.choices is not None:  # a quick pick's label typed: that pick
            for label, value in await fld.choices(ctx):
                if _typed_word(label) == word:
                    return await self._accept(ctx, form.name, state.step, values, value)
        return await self._accept(ctx, form.name, state.step, values, text)

    async def on_file(self, ctx: Ctx) -> Reply:
        state = await dialogs.get(ctx.session, *_user_key(ctx))
        if state is None or ctx.event.file is None:
            return None
        form = self.get(state.form)
        fld = form.fields[state.step]
        if not fld.accepts_file:
            return await self._ask(
                ctx, form, state.step, DomainError(N_("Please answer with text here."))
            )
        values = ctx.form_answers = dict(state.data.get("values", {}))
        try:
            values[fld.name] = await fld.parse(ctx, ctx.event.file.file_id)
        except DomainError as err:
            return await self._ask(ctx, form, state.step, err)
        return await self._advance(ctx, form, state.step, values)

    async def on_action(self, ctx: Ctx) -> Reply:
        verb = ctx.action_args[0] if ctx.action_args else ""
        state = await dialogs.get(ctx.session, *_user_key(ctx))
        if verb == "cancel":
            return await self.cancel(ctx)
        if state is None:
            return View(
                body=ctx.tr("This dialog is over. Start it again from the menu."), private=True
            )
        step = ctx.int_arg(1)
        if step != state.step:
            return View(
                body=ctx.tr("This button is out of date. Open the list again."), private=True
            )
        form = self.get(state.form)
        values = ctx.form_answers = dict(state.data.get("values", {}))
        if verb == "skip" and form.fields[step].optional:
            values[form.fields[step].name] = None
            return await self._advance(ctx, form, step, values)
        if verb == "keep" and isinstance(state.data.get("typed"), str):  # _cancel_or_keep
            return await self._accept(ctx, form.name, step, values, state.data["typed"])
        if verb == "v":
            fld = form.fields[step]
            options = await fld.choices(ctx) if fld.choices is not None else []
            index = ctx.int_arg(2)
            if index >= len(options):
                return View(
                    body=ctx.tr("This button is out of date. Open the list again."), private=True
                )
            return await self._accept(ctx, form.name, step, values, options[index][1])
        return None

    async def _cancel_or_keep(
        self, ctx: Ctx, form: Form, step: int, values: dict[str, Any], typed: str
    ) -> View:
        """The Cancel word typed where any text is an answer: cancel, or keep the word."""
        await _save(ctx, form, step, {"values": values, "typed": typed})
        view = View(body=ctx.tr("Cancel the form, or is “{text}” your answer?", text=typed))
        view.row(
            Button(ctx.tr.s("Cancel the form"), "f:cancel"),
            Button(ctx.tr.s("Keep “{text}”", text=typed)[:60], f"f:keep:{step}"),
        )
        return view

    async def _accept(
        self, ctx: Ctx, name: str, step: int, values: dict[str, Any], raw: str
    ) -> Reply:
        form = self.get(name)
        fld = form.fields[step]
        if len(raw) > fld.max_length:
            err = DomainError(
                N_("That is too long: at most {limit} characters."), limit=fld.max_length
            )
            return await self._ask(ctx, form, step, err)
        from handlers.people import Several
        from handlers.people_pick import ask_which

        try:
            values[fld.name] = await _parsed(ctx, fld, raw, values)
        except Several as several:  # asked which; the answer is taken again with the pick
            resume = {"form": name, "step": step, "values": values, "raw": raw}
            return await ask_which(ctx, several, resume)
        except DomainError as err:
            return await self._ask(ctx, form, step, err)
        return await self._advance(ctx, form, step, values)

    async def resume(self, ctx: Ctx, state: dict[str, Any]) -> Reply:
        """A form stopped by a name several people share (handlers.people_pick), where it
        stopped: the answer taken again, or the form submitted again."""
        form = self.get(state["form"])
        values = ctx.form_answers = dict(state["values"])
        if "raw" not in state:
            return await self._finish(ctx, form, values)
        step = int(state["step"])
        await _save(ctx, form, step, {"values": values})
        return await self._accept(ctx, form.name, step, values, str(state["raw"]))

    async def _advance(self, ctx: Ctx, form: Form, step: int, values: dict[str, Any]) -> Reply:
        step = self._next_step(form, values, step + 1)
        if step < len(form.fields):
            await _save(ctx, form, step, {"values": values})
            return await self._ask(ctx, form, step)
        return await self._finish(ctx, form, values)

    async def _finish(self, ctx: Ctx, form: Form, values: dict[str, Any]) -> Reply:
        """Submit a filled form. A refusal is said once, with nothing of the form kept:
        it asks again the field `submit` checks, or else ends the dialog; never the same
        error again at every later message."""
        from handlers.people import Several
        from handlers.people_pick import ask_which

        await dialogs.clear(ctx.session, *_user_key(ctx))
        try:
            async with ctx.session.begin_nested():
                return await form.submit(ctx, values)
        except Several as several:  # nothing of it kept: asked which, then submitted again
            return await ask_which(ctx, several, {"form": form.name, "values": values})
        except DomainError as err:
            names = [fld.name for fld in form.fields]
            if form.checked_on_submit in names:
                step = names.index(form.checked_on_submit)
                values.pop(form.checked_on_submit, None)
                await _save(ctx, form, step, {"values": values})
                return await self._ask(ctx, form, step, err)
            view = error_view(ctx.tr, err)
            view.body = [
                *view.body,
                *ctx.tr("\n"),
                *ctx.tr("The form is closed; nothing was saved."),
            ]
            return view

    async def submit_all(
        self, ctx: Ctx, name: str, raw_values: dict[str, str]
    ) -> tuple[Reply, dict[str, str]]:
        """A whole form at once; returns (reply, field errors)."""
        from handlers.people import Several
        from handlers.people_pick import which_typed

        form = self.get(name)
        state = await dialogs.get(ctx.session, *_user_key(ctx))
        values: dict[str, Any] = (
            dict(state.data.get("values", {})) if state and state.form == name else {}
        )
        ctx.form_answers = values  # answered in order: a later field's parser sees them
        errors: dict[str, str] = {}
        shown: dict[str, str] = {}  # field name -> what was typed in it
        for fld in form.fields:
            if form.skip_filled and fld.name in values:
                continue
            raw = shown[fld.name] = (raw_values.get(fld.name) or "").strip() or fld.default or ""
            if not raw:
                if fld.optional:
                    values[fld.name] = None
                    continue
                errors[fld.name] = ctx.tr.s("Please fill this in.")
                continue
            try:
                values[fld.name] = await _parsed(ctx, fld, raw, values)
            except Several as several:  # nothing kept: the field says whom it may mean
                errors[fld.name] = await which_typed(ctx, several)
            except DomainError as err:
                errors[fld.name] = ctx.tr.s(err.key, **{k: str(v) for k, v in err.params.items()})
        if errors:
            return None, errors
        await dialogs.clear(ctx.session, *_user_key(ctx))
        try:
            return await form.submit(ctx, values), {}
        except Several as several:  # a name in a text (an event's): said at its field
            if not shown:
                raise
            return None, {_typed_in(shown, several.token): await which_typed(ctx, several)}

    async def still_open(self, ctx: Ctx) -> View | None:
        """The open form's question again, after a command that did not leave it (/help)."""
        state = await dialogs.get(ctx.session, *_user_key(ctx))
        if state is None or state.form not in self.registry.forms:
            return None
        form = self.get(state.form)
        view = await self._ask(ctx, form, state.step)
        note = ctx.tr(
            "You are still filling in “{form}”; /cancel leaves it.", form=ctx.tr.s(form.title)
        )
        view.body = [*note, Span("\n"), *view.body]
        return view

    async def drop(self, ctx: Ctx) -> Markup | None:
        """Another command leaves the open form: what to tell the person, if one was open."""
        state = await dialogs.get(ctx.session, *_user_key(ctx))
        if state is None:
            return None
        await dialogs.clear(ctx.session, *_user_key(ctx))
        if state.form not in self.registry.forms:
            return None
        return ctx.tr(
            "Your unfinished “{form}” was dropped; nothing of it was saved.",
            form=ctx.tr.s(self.get(state.form).title),
        )

    async def cancel(self, ctx: Ctx) -> View:
        had = await dialogs.clear(ctx.session, *_user_key(ctx))
        if had:
            return View(body=ctx.tr("Cancelled. Nothing was saved."))
        return View(body=ctx.tr("There is nothing to cancel."))
