"""Neutral forms (handlers.forms_engine.FormsEngine.describe) as Slack modals, and back."""

from __future__ import annotations

import json
from typing import Any

CALLBACK_ID = "planerka_form"
VALUE_ID = "v"
TYPED = "__typed"  # the block_id suffix of the text input under a field's choices
TITLE_LIMIT = 24
LABEL_LIMIT = 2000
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150
OPTIONS_LIMIT = 100
INPUT_LIMIT = 3000
METADATA_LIMIT = 3000
NOTE_ID = "__note"  # the block above the fields that says what to correct
# what a submission's state says -> how a shown view is filled in with it
INITIAL = {
    "value": "initial_value",
    "selected_option": "initial_option",
    "selected_user": "initial_user",
}


def _cut(text: str, limit: int) -> str:
    text = text.strip() or "·"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def can_show(form: dict[str, Any] | None) -> bool:
    """A modal can hold the form: it has fields and none of them asks for a file."""
    if not form or not form.get("name") or not form.get("fields"):
        return False
    return not any(fld.get("file") for fld in form["fields"])


def _select(fld: dict[str, Any]) -> dict[str, Any] | None:
    if fld.get("person"):  # the workspace's people, as Slack lists them
        return {"type": "users_select", "action_id": VALUE_ID}
    choices = fld.get("choices") or []
    if not choices or len(choices) > OPTIONS_LIMIT:
        return None
    if any(len(str(value)) > OPTION_VALUE_LIMIT for _label, value in choices):
        return None
    return {
        "type": "static_select",
        "action_id": VALUE_ID,
        "options": [
            {
                "text": {"type": "plain_text", "text": _cut(str(label), OPTION_TEXT_LIMIT)},
                "value": str(value),
            }
            for label, value in choices
        ],
    }


def _text(fld: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "plain_text_input",
        "action_id": VALUE_ID,
        "multiline": bool(fld.get("multiline")),
        "max_length": INPUT_LIMIT,
    }


def _input(block_id: str, label: str, optional: bool, element: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": _cut(label, LABEL_LIMIT)},
        "element": element,
    }


def modal(
    form: dict[str, Any],
    metadata: dict[str, str],
    submit: str,
    close: str,
    typed_label: str = "…or type it",
) -> dict[str, Any]:
    """views.open payload; each field is an input block whose block_id is the field name.

    A field's choices are quick picks, not a closed list (the engine parses typed answers
    too), so a field with choices gets a select and, under it, a text input that wins
    when filled; both are optional to Slack and the engine asks for what is missing.
    A person field picks among the workspace's people (users_select) instead, and is
    given as the person's mention (see `picked`).
    """
    blocks = []
    for fld in form["fields"]:
        label = str(fld.get("label", ""))
        select = _select(fld)
        if select is None:
            blocks.append(_input(fld["name"], label, bool(fld.get("optional")), _text(fld)))
            continue
        blocks.append(_input(fld["name"], label, True, select))
        blocks.append(_input(fld["name"] + TYPED, typed_label, True, _text(fld)))
    meta = json.dumps({"f": form["name"], **metadata}, separators=(",", ":"))
    if len(meta) > METADATA_LIMIT:
        meta = json.dumps({"f": form["name"], "c": metadata.get("c", "")}, separators=(",", ":"))
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": _cut(form.get("title", ""), TITLE_LIMIT)},
        "submit": {"type": "plain_text", "text": _cut(submit, TITLE_LIMIT)},
        "close": {"type": "plain_text", "text": _cut(close, TITLE_LIMIT)},
        "private_metadata": meta,
        "notify_on_close": True,  # a closed modal leaves its dialog (view_closed)
        "blocks": blocks,
    }


def metadata_of(view: dict[str, Any]) -> dict[str, str]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """Field name -> raw text from a view_submission's state."""
    out: dict[str, str] = {}
    typed: dict[str, str] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, actions in state.items():
        element = (actions or {}).get(VALUE_ID) or {}
        kind = element.get("type")
        if kind == "static_select":
            option = element.get("selected_option") or {}
            out[block_id] = str(option.get("value") or "")
        elif kind == "users_select":
            user = element.get("selected_user")
            out[block_id] = f"<@{user}>" if user else ""
        elif block_id.endswith(TYPED):
            typed[block_id.removesuffix(TYPED)] = str(element.get("value") or "")
        else:
            out[block_id] = str(element.get("value") or "")
    for name, value in typed.items():
        if value.strip() or name not in out:
            out[name] = value
    return out


def picked(view: dict[str, Any]) -> dict[str, str]:
    """Field name -> the Slack user picked in it (a users_select)."""
    state = (view.get("state") or {}).get("values") or {}
    out = {}
    for block_id, actions in state.items():
        element = (actions or {}).get(VALUE_ID) or {}
        if element.get("type") == "users_select" and element.get("selected_user"):
            out[block_id] = str(element["selected_user"])
    return out


# what of a submitted view may be sent back to Slack (views.update, response_action update)
VIEW_KEYS = ("type", "title", "submit", "close", "blocks", "private_metadata", "callback_id")


def resubmittable(view: dict[str, Any], note: str = "") -> dict[str, Any]:
    """A submitted modal as it was filled in, to show again (kept open while its answer is
    worked out, or with what to correct in `note`, shown above the fields)."""
    state = (view.get("state") or {}).get("values") or {}
    blocks = []
    for block in view.get("blocks") or []:
        if block.get("block_id") == NOTE_ID:
            continue
        block = dict(block)
        if block.get("type") == "input":
            element = dict(block.get("element") or {})
            typed = (state.get(block.get("block_id")) or {}).get(VALUE_ID) or {}
            for given, initial in INITIAL.items():
                value = typed.get(given)
                if value and given == "selected_option":
                    value = {"text": value.get("text"), "value": value.get("value")}
                if value:
                    element[initial] = value
            block["element"] = element
        blocks.append(block)
    if note:
        text = {"type": "plain_text", "text": _cut(note, INPUT_LIMIT), "emoji": True}
        blocks.insert(0, {"type": "section", "block_id": NOTE_ID, "text": text})
    out = {key: view[key] for key in VIEW_KEYS if key in view}
    out["blocks"] = blocks
    out["notify_on_close"] = True
    return out


def finished(view: dict[str, Any], text: str, close: str) -> dict[str, Any]:
    """A submitted modal whose answer came after the ack: it says so, with a Close button."""
    return {
        "type": "modal",
        "title": view.get("title") or {"type": "plain_text", "text": "·"},
        "close": {"type": "plain_text", "text": _cut(close, TITLE_LIMIT)},
        "blocks": [
            {"type": "section", "text": {"type": "plain_text", "text": _cut(text, INPUT_LIMIT)}}
        ],
    }


def labels_of(view: dict[str, Any]) -> dict[str, str]:
    """Field name -> its label, from a modal's input blocks."""
    return {
        str(block.get("block_id")): str((block.get("label") or {}).get("text") or "")
        for block in view.get("blocks") or []
        if block.get("type") == "input"
    }
