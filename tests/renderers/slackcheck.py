"""Assertions every rendered Slack payload must pass: slack_sdk's models, Slack's limits, and no stray markup."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from renderers.slack import limits
from renderers.slack.ids import Action, Callback
from renderers.slack.ids import Block as BlockId

KNOWN_ACTIONS = {str(a) for a in Action}
KNOWN_CALLBACKS = {str(c) for c in Callback}
BLOCK_PREFIXES = tuple(f"{b}-" for b in (BlockId.RESOURCE_ACTIONS, BlockId.STEP_ACTIONS))
KNOWN_BLOCKS = {str(b) for b in BlockId}

# The only `<...>` constructs tfsync writes: mentions, channels, user groups, dates, links.
_ALLOWED_MARKUP = re.compile(
    r"<(?:@[UW][A-Z0-9]+|#[CDG][A-Z0-9]+|!subteam\^S[A-Z0-9]+"
    r"|!date\^\d+\^\{[a-z_]+\}(?: at \{time\}| \{time\})?\|\d{4}-\d\d-\d\d \d\d:\d\d UTC"
    r"|https?://[^\s|<>]+\|[^<>|]+)>"
)
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")
HOSTILE_MARKUP = ("<!channel>", "<!here>", "<!everyone>", "<@U0HOSTILE>", "<#C0HOSTILE>", "<!subteam^S0HOSTILE>")


def _round_trip(original: Any, parsed: Any, path: str) -> None:
    """slack_sdk drops fields it does not know: anything lost on the way through it would be lost at Slack too."""
    if isinstance(original, dict):
        assert isinstance(parsed, dict), path
        assert set(original) == set(parsed), f"{path}: {set(original) ^ set(parsed)}"
        for key, value in original.items():
            _round_trip(value, parsed[key], f"{path}/{key}")
    elif isinstance(original, list):
        assert isinstance(parsed, list) and len(parsed) == len(original), path
        for index, (a, b) in enumerate(zip(original, parsed, strict=True)):
            _round_trip(a, b, f"{path}/{index}")
    else:
        assert original == parsed, f"{path}: {original!r} != {parsed!r}"


def _sdk_blocks(blocks: list[dict[str, Any]]) -> None:
    for index, block in enumerate(blocks):
        parsed = Block.parse(block)
        assert parsed is not None, f"slack_sdk does not know block {block.get('type')}"
        parsed.validate_json()
        _round_trip(block, parsed.to_dict(), f"/blocks/{index}")


def _ids(payload: dict[str, Any]) -> None:
    for path, value in limits.strings(payload):
        key = path[-1] if path else None
        if key == "action_id":
            assert value in KNOWN_ACTIONS, f"action_id {value} is not a constant in renderers.slack.ids"
        elif key == "block_id":
            assert value in KNOWN_BLOCKS or value.startswith(BLOCK_PREFIXES), f"block_id {value}"
        elif key == "callback_id":
            assert value in KNOWN_CALLBACKS, f"callback_id {value}"


def _markup(payload: dict[str, Any], mentionable: Iterable[str]) -> None:
    """Every `<...>` in every text is one tfsync wrote; mentions only of the users the view names."""
    allowed_users = set(mentionable)
    dumped = json.dumps(payload, ensure_ascii=False)
    for hostile in HOSTILE_MARKUP:
        assert hostile not in dumped, f"{hostile} appears unescaped"
    for path, value in limits.strings(payload):
        if path and path[-1] in ("url", "private_metadata", "value", "initial_value"):
            assert "<" not in value and ">" not in value, f"{path}: markup in {path[-1]}"
            continue
        rest = _ALLOWED_MARKUP.sub("", value)
        assert "<" not in rest and ">" not in rest, f"{path}: stray markup in {value[:300]!r}"
        for user in _MENTION.findall(value):
            assert user in allowed_users, f"{path}: mentions {user}, who the view did not name"


def _verbatim(node: Any) -> None:
    """Every mrkdwn object is verbatim, so Slack does not turn a bare `@here` or `#channel` in a name into markup."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            assert node.get("verbatim") is True, node
        for value in node.values():
            _verbatim(value)
    elif isinstance(node, list):
        for item in node:
            _verbatim(item)


def _code_spans(payload: dict[str, Any]) -> None:
    """Backticks come in pairs and fences close: outside text cannot open or end code."""
    for path, value in limits.strings(payload):
        if path and path[-1] == "text" and len(path) >= 2:
            assert value.count("```") % 2 == 0, f"{path}: unclosed fence in {value[-200:]!r}"
            assert value.replace("```", "").count("`") % 2 == 0, f"{path}: unpaired backtick in {value[-300:]!r}"


def assert_message(payload: dict[str, Any], mentionable: Iterable[str] = ()) -> None:
    assert set(payload) == {"text", "blocks"}
    assert limits.problems(payload, "message") == []
    _sdk_blocks(payload["blocks"])
    _ids(payload)
    _markup(payload, mentionable)
    _verbatim(payload)
    _code_spans(payload)
    json.dumps(payload)  # JSON-serialisable as is


def assert_view(payload: dict[str, Any], surface: limits.Surface, mentionable: Iterable[str] = ()) -> None:
    assert limits.problems(payload, surface) == []
    view = View(**payload)
    view.validate_json()
    _round_trip(payload, view.to_dict(), "")
    _sdk_blocks(payload["blocks"])
    _ids(payload)
    _markup(payload, mentionable)
    _verbatim(payload)
    _code_spans(payload)
    json.dumps(payload)


def action_ids(payload: dict[str, Any]) -> list[str]:
    return [value for path, value in limits.strings(payload) if path and path[-1] == "action_id"]


def buttons(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons of a payload by action_id (the last one wins when an id repeats across blocks)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button":
                found[node["action_id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    return found
