"""Block Kit validation as strict as Slack's: slack_sdk's models and limits, plus the limits slack_sdk leaves out."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

logger = logging.getLogger(__name__)

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_BUTTON_VALUE = 2_000
MAX_PRIVATE_METADATA = 3_000
MAX_OPTIONS = 100
MAX_RADIO_OR_CHECKBOX_OPTIONS = 10
MAX_ID_LENGTH = 255
VIEW_TYPES = ("modal", "home")


def _pointer(path: tuple[str | int, ...]) -> str:
    return "/" + "/".join(str(part) for part in path)


def _error(problem: str, path: tuple[str | int, ...]) -> str:
    return f"[ERROR] {problem} [json-pointer:{_pointer(path)}]"


def _round_trip_problems(original: Any, parsed: Any, path: tuple[str | int, ...]) -> list[str]:
    """Where slack_sdk dropped or reshaped a field: Slack rejects the same input instead of guessing."""
    if isinstance(original, dict):
        return _object_round_trip_problems(original, parsed, path)
    if isinstance(original, list):
        if not isinstance(parsed, list) or len(parsed) != len(original):
            return [_error("invalid array", path)]
        problems = []
        for index, (item, parsed_item) in enumerate(zip(original, parsed, strict=True)):
            problems.extend(_round_trip_problems(item, parsed_item, (*path, index)))
        return problems
    if isinstance(original, str) and isinstance(parsed, dict):
        return [_error("expected an object, got a string", path)]
    if original != parsed:
        return [_error("invalid value", path)]
    return []


def _object_round_trip_problems(original: dict[str, Any], parsed: Any, path: tuple[str | int, ...]) -> list[str]:
    if not isinstance(parsed, dict):
        return [_error("expected an object", path)]
    problems = []
    for key, value in original.items():
        if key not in parsed:
            if value in ("", [], {}):
                problems.append(_error(f"must not be empty: {key}", (*path, key)))
            else:
                problems.append(_error(f"unsupported property: {key}", (*path, key)))
            continue
        problems.extend(_round_trip_problems(value, parsed[key], (*path, key)))
    return problems


def _limit_problems(node: Any, path: tuple[str | int, ...]) -> list[str]:
    """Limits slack_sdk does not check: empty text, button values, option counts."""
    problems: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            problems.extend(_limit_problems(item, (*path, index)))
        return problems
    if not isinstance(node, dict):
        return problems
    kind = node.get("type")
    if kind in ("plain_text", "mrkdwn"):
        problems.extend(_text_problems(node, path))
    if kind == "button" and isinstance(node.get("value"), str) and len(node["value"]) > MAX_BUTTON_VALUE:
        problems.append(_error(f"must be less than {MAX_BUTTON_VALUE + 1} characters", (*path, "value")))
    options = node.get("options")
    if isinstance(options, list):
        problems.extend(_option_count_problems(kind, options, path))
    for key, value in node.items():
        if isinstance(value, dict | list):
            problems.extend(_limit_problems(value, (*path, key)))
    return problems


def _text_problems(node: dict[str, Any], path: tuple[str | int, ...]) -> list[str]:
    """A text object's text: present and not empty."""
    if isinstance(node.get("text"), str) and not node["text"]:
        return [_error("must be more than 0 characters", (*path, "text"))]
    if "text" not in node:
        return [_error("missing required field: text", path)]
    return []


def _option_count_problems(kind: Any, options: list[Any], path: tuple[str | int, ...]) -> list[str]:
    problems = []
    limit = MAX_RADIO_OR_CHECKBOX_OPTIONS if kind in ("radio_buttons", "checkboxes") else MAX_OPTIONS
    if len(options) > limit:
        problems.append(_error(f"must provide at most {limit} items", (*path, "options")))
    if kind in ("static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow") and not options:
        problems.append(_error("must provide at least 1 item", (*path, "options")))
    return problems


def _id_problems(blocks: list[Any], path: tuple[str | int, ...]) -> list[str]:
    """Duplicate block_ids in one surface, and duplicate action_ids in one block, are rejected by Slack."""
    problems = []
    seen_blocks: set[str] = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in seen_blocks:
                problems.append(_error(f"duplicate block_id: {block_id}", (*path, index, "block_id")))
            seen_blocks.add(block_id)
        elements = list(block.get("elements") or [])
        for key in ("element", "accessory"):
            if isinstance(block.get(key), dict):
                elements.append(block[key])
        seen_actions: set[str] = set()
        for element in elements:
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if isinstance(action_id, str):
                if action_id in seen_actions:
                    problems.append(_error(f"duplicate action_id: {action_id}", (*path, index)))
                seen_actions.add(action_id)
    return problems


def block_problems(blocks: Any, *, max_blocks: int, path: tuple[str | int, ...] = ()) -> list[str]:
    """Everything wrong with a list of blocks, in Slack's error message style; empty when valid."""
    if not isinstance(blocks, list):
        return [_error("expected an array of blocks", path)]
    problems = []
    if len(blocks) > max_blocks:
        problems.append(_error(f"no more than {max_blocks} items allowed", path))
    for index, block in enumerate(blocks):
        where = (*path, index)
        if not isinstance(block, dict):
            problems.append(_error("expected an object", where))
            continue
        try:
            parsed = Block.parse(block)
            if parsed is None:
                problems.append(_error(f"unsupported block type: {block.get('type')}", where))
                continue
            parsed.validate_json()
            problems.extend(_round_trip_problems(block, parsed.to_dict(), where))
        except SlackObjectFormationError as exc:
            problems.append(_error(str(exc), where))
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            # slack_sdk's constructors raise these on wrongly typed fields (a list where a dict belongs).
            problems.append(_error(f"invalid block: {exc}", where))
    problems.extend(_limit_problems(blocks, path))
    problems.extend(_id_problems(blocks, path))
    return problems


def message_block_problems(blocks: Any) -> list[str]:
    return block_problems(blocks, max_blocks=MAX_MESSAGE_BLOCKS, path=("blocks",))


def view_problems(view: Any, *, allowed_types: tuple[str, ...] = VIEW_TYPES) -> list[str]:
    """Everything wrong with a view payload (modal or home tab); empty when valid."""
    if not isinstance(view, dict):
        return [_error("expected an object", ("view",))]
    kind = view.get("type")
    if kind not in allowed_types:
        return [_error(f"must be one of {', '.join(allowed_types)}", ("view", "type"))]
    problems = []
    if kind == "modal" and "title" not in view:
        problems.append(_error("missing required field: title", ("view",)))
    if "blocks" not in view:
        problems.append(_error("missing required field: blocks", ("view",)))
        return problems
    problems.extend(block_problems(view["blocks"], max_blocks=MAX_VIEW_BLOCKS, path=("view", "blocks")))
    problems.extend(_view_field_problems(view, kind))
    problems.extend(_view_shell_problems(view))
    if not view["blocks"] and isinstance(view["blocks"], list):
        problems.append(_error("must provide at least 1 item", ("view", "blocks")))
    for key in ("title", "submit", "close"):
        problems.extend(_limit_problems(view.get(key), ("view", key)))
    return problems


def _view_field_problems(view: dict[str, Any], kind: Any) -> list[str]:
    """The private metadata's size, and the submit button a modal with inputs needs."""
    problems = []
    metadata = view.get("private_metadata")
    if metadata is not None and (not isinstance(metadata, str) or len(metadata) > MAX_PRIVATE_METADATA):
        problems.append(_error(f"must be a string of at most {MAX_PRIVATE_METADATA} characters",
                               ("view", "private_metadata")))
    has_inputs = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
    if kind == "modal" and has_inputs and "submit" not in view:
        problems.append(_error("submit is required when a modal has input blocks", ("view", "submit")))
    return problems


def _view_shell_problems(view: dict[str, Any]) -> list[str]:
    """What slack_sdk's View model rejects or reshapes in the view's fields other than its blocks."""
    shell = {key: value for key, value in view.items() if key != "blocks"}
    try:
        parsed = View(**shell, blocks=[{"type": "divider"}])
        parsed.validate_json()
        parsed_dict = parsed.to_dict()
        parsed_dict.pop("blocks", None)
        return _round_trip_problems(shell, parsed_dict, ("view",))
    except SlackObjectFormationError as exc:
        return [_error(str(exc), ("view",))]
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        return [_error(f"invalid view: {exc}", ("view",))]
