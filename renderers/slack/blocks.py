"""Block Kit builders that know each field's limit: text is clipped (never rejected), identifiers are checked.

Mrkdwn fields take only `Mrkdwn` (see renderers.slack.text), so outside text is escaped before it gets here; plain
text fields escape what they are given. Values that must come back unchanged (button values, option values,
private_metadata) are never clipped: a value that does not fit is a bug, raised as ValueError.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from renderers.slack import limits
from renderers.slack.ids import Action, Block, Callback
from renderers.slack.text import Mrkdwn, clip_mrkdwn, esc, slack_len

Payload = dict[str, Any]
_EMPTY = "—"


def _exact(value: str, limit: int, what: str) -> str:
    if not value or slack_len(value) > limit:
        raise ValueError(f"{what} must be 1 to {limit} characters, got {slack_len(value)}")
    return value


def md(text: Mrkdwn, limit: int = limits.SECTION_TEXT) -> Payload:
    """A mrkdwn text object. Verbatim: Slack does not turn bare names, `#channel` or `@here` into links or pings."""
    if not isinstance(text, Mrkdwn):
        raise TypeError("mrkdwn text must be Mrkdwn (escaped); got a plain str")
    clipped = clip_mrkdwn(text, limit) if text.strip() else Mrkdwn(_EMPTY)
    return {"type": "mrkdwn", "text": str(clipped), "verbatim": True}


def pt(text: str, limit: int) -> Payload:
    """A plain_text object, escaped and clipped."""
    if isinstance(text, Mrkdwn):
        raise TypeError("plain_text takes a plain str, not mrkdwn")
    value = str(esc(text, limit))
    return {"type": "plain_text", "text": value if value.strip() else _EMPTY}


def section(
    text: Mrkdwn | None = None,
    *,
    fields: Sequence[Mrkdwn] = (),
    accessory: Payload | None = None,
    block_id: str | None = None,
) -> Payload:
    block: Payload = {"type": "section"}
    if block_id:
        block["block_id"] = _exact(block_id, limits.ID, "block_id")
    if text is not None:
        block["text"] = md(text, limits.SECTION_TEXT)
    if fields:
        block["fields"] = [md(item, limits.FIELD_TEXT) for item in fields[: limits.SECTION_FIELDS]]
    if text is None and not fields:
        block["text"] = md(Mrkdwn(_EMPTY))
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(*items: Mrkdwn) -> Payload:
    kept = [item for item in items if item.strip()][: limits.CONTEXT_ELEMENTS] or [Mrkdwn(_EMPTY)]
    return {"type": "context", "elements": [md(item, limits.CONTEXT_TEXT) for item in kept]}


def header(text: str) -> Payload:
    return {"type": "header", "text": pt(text, limits.HEADER_TEXT)}


def divider() -> Payload:
    return {"type": "divider"}


def actions(elements: Sequence[Payload], block_id: str | None = None) -> Payload:
    if not elements:
        raise ValueError("an actions block needs at least one element")
    block: Payload = {"type": "actions", "elements": list(elements[: limits.ACTIONS_ELEMENTS])}
    if block_id:
        block["block_id"] = _exact(block_id, limits.ID, "block_id")
    return block


def confirm(title: str, text: Mrkdwn, ok: str, deny: str = "Cancel", style: str | None = None) -> Payload:
    dialog: Payload = {
        "title": pt(title, limits.CONFIRM_TITLE),
        "text": md(text, limits.CONFIRM_TEXT),
        "confirm": pt(ok, limits.CONFIRM_BUTTON),
        "deny": pt(deny, limits.CONFIRM_BUTTON),
    }
    if style:
        dialog["style"] = style
    return dialog


def button(
    text: str,
    action_id: Action,
    *,
    value: str | None = None,
    style: Literal["primary", "danger"] | None = None,
    url: str | None = None,
    confirm_dialog: Payload | None = None,
) -> Payload:
    element: Payload = {"type": "button", "text": pt(text, limits.BUTTON_TEXT), "action_id": str(action_id)}
    if value is not None:
        element["value"] = _exact(value, limits.BUTTON_VALUE, "button value")
    if style:
        element["style"] = style
    if url:
        element["url"] = _exact(url, limits.URL, "button url")
    if confirm_dialog:
        element["confirm"] = confirm_dialog
    return element


def option(text: str, value: str, description: str | None = None) -> Payload:
    """An option of a select: plain text only."""
    item: Payload = {"text": pt(text, limits.OPTION_TEXT), "value": _exact(value, limits.OPTION_VALUE, "option value")}
    if description:
        item["description"] = pt(description, limits.OPTION_DESCRIPTION)
    return item


def md_option(text: Mrkdwn, value: str, description: Mrkdwn | None = None) -> Payload:
    """An option of a radio button group, where mrkdwn is allowed."""
    item: Payload = {"text": md(text, limits.OPTION_TEXT), "value": _exact(value, limits.OPTION_VALUE, "option value")}
    if description is not None and description.strip():
        item["description"] = md(description, limits.OPTION_DESCRIPTION)
    return item


def plain_text_input(
    action_id: Action,
    *,
    initial_value: str | None = None,
    placeholder: str | None = None,
    max_length: int | None = None,
    min_length: int | None = None,
    multiline: bool = False,
) -> Payload:
    element: Payload = {"type": "plain_text_input", "action_id": str(action_id)}
    if max_length is not None:
        element["max_length"] = max_length
    if min_length is not None:
        element["min_length"] = min_length
    if multiline:
        element["multiline"] = True
    if initial_value:
        element["initial_value"] = _exact(initial_value, max_length or limits.INPUT_VALUE, "initial value")
    if placeholder:
        element["placeholder"] = pt(placeholder, limits.PLACEHOLDER)
    return element


def static_select(
    action_id: Action, options: Sequence[Payload], *, initial: Payload | None = None, placeholder: str
) -> Payload:
    if not 0 < len(options) <= limits.SELECT_OPTIONS:
        raise ValueError(f"a static select holds 1 to {limits.SELECT_OPTIONS} options, got {len(options)}")
    element: Payload = {
        "type": "static_select",
        "action_id": str(action_id),
        "options": list(options),
        "placeholder": pt(placeholder, limits.PLACEHOLDER),
    }
    if initial is not None:
        element["initial_option"] = initial
    return element


def external_select(
    action_id: Action, *, min_query_length: int, initial: Payload | None = None, placeholder: str
) -> Payload:
    element: Payload = {
        "type": "external_select",
        "action_id": str(action_id),
        "min_query_length": max(0, min_query_length),
        "placeholder": pt(placeholder, limits.PLACEHOLDER),
    }
    if initial is not None:
        element["initial_option"] = initial
    return element


def radio_buttons(action_id: Action, options: Sequence[Payload], *, initial: Payload | None = None) -> Payload:
    if not 0 < len(options) <= limits.RADIO_OPTIONS:
        raise ValueError(f"a radio group holds 1 to {limits.RADIO_OPTIONS} options, got {len(options)}")
    element: Payload = {"type": "radio_buttons", "action_id": str(action_id), "options": list(options)}
    if initial is not None:
        element["initial_option"] = initial
    return element


def input_block(
    label: str, element: Payload, block_id: Block, *, hint: str | None = None, optional: bool = False
) -> Payload:
    block: Payload = {
        "type": "input",
        "block_id": str(block_id),
        "label": pt(label, limits.INPUT_LABEL),
        "element": element,
    }
    if hint:
        block["hint"] = pt(hint, limits.INPUT_HINT)
    if optional:
        block["optional"] = True
    return block


def message(fallback: str, blocks: Sequence[Payload]) -> Payload:
    """A message payload (chat.postMessage / chat.update / chat.postEphemeral): notification text and blocks."""
    text = str(esc(fallback, limits.SECTION_TEXT)) or _EMPTY
    return limits.check({"text": text, "blocks": list(blocks)}, "message")


def modal(
    title: str,
    blocks: Sequence[Payload],
    callback_id: Callback,
    *,
    submit: str | None = None,
    close: str = "Cancel",
    private_metadata: str | None = None,
    notify_on_close: bool = False,
    clear_on_close: bool = False,
) -> Payload:
    view: Payload = {
        "type": "modal",
        "callback_id": str(callback_id),
        "title": pt(title, limits.VIEW_TITLE),
        "close": pt(close, limits.VIEW_BUTTON),
        "blocks": list(blocks),
    }
    if submit:
        view["submit"] = pt(submit, limits.VIEW_BUTTON)
    if private_metadata is not None:
        view["private_metadata"] = _exact(private_metadata, limits.PRIVATE_METADATA, "private_metadata")
    if notify_on_close:
        view["notify_on_close"] = True
    if clear_on_close:
        view["clear_on_close"] = True
    return limits.check(view, "modal")


def home(blocks: Sequence[Payload]) -> Payload:
    return limits.check({"type": "home", "callback_id": str(Callback.HOME_SHOW), "blocks": list(blocks)}, "home")
