"""Slack's size limits for messages, modals and the App Home, checked over a whole payload.

Renderers clip to these limits as they build; `check` is the independent second look that every renderer runs on its
result (and that the tests run on hostile input), so a payload Slack would refuse fails here, with a JSON pointer.
Lengths are Slack lengths (UTF-16 code units).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from renderers.slack.text import slack_len

Surface = Literal["message", "modal", "home"]

MESSAGE_TEXT = 40_000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3_000
SECTION_FIELDS = 10
FIELD_TEXT = 2_000
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 3_000
HEADER_TEXT = 150
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2_000
URL = 3_000
ID = 255
VIEW_TITLE = 24
VIEW_BUTTON = 24
PRIVATE_METADATA = 3_000
SELECT_OPTIONS = 100
RADIO_OPTIONS = 10
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTION_DESCRIPTION = 75
INPUT_LABEL = 2_000
INPUT_HINT = 2_000
PLACEHOLDER = 150
INPUT_VALUE = 3_000
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30

_TEXT_TYPES = ("plain_text", "mrkdwn")
_SELECTS = ("static_select", "external_select")
_INPUT_ELEMENTS = ("plain_text_input", "static_select", "external_select", "radio_buttons")


@dataclass(frozen=True, slots=True)
class Problem:
    pointer: str  # JSON pointer into the payload
    message: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}"


class LimitExceeded(ValueError):
    """A rendered payload breaks a Slack limit: a renderer bug, never a user error."""

    def __init__(self, surface: str, problems: list[Problem]) -> None:
        super().__init__(f"{surface} payload breaks Slack limits: " + "; ".join(map(str, problems[:10])))
        self.problems = problems


class _Walker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem("/" + "/".join(str(p) for p in path), message))

    def text(self, node: Any, path: tuple[str | int, ...], limit: int, *, plain_only: bool = False) -> None:
        if not isinstance(node, dict) or node.get("type") not in _TEXT_TYPES:
            self.fail(path, "expected a text object")
            return
        if plain_only and node["type"] != "plain_text":
            self.fail(path, "must be plain_text")
        value = node.get("text")
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "text must be a non-empty string")
            return
        if slack_len(value) > limit:
            self.fail(path, f"text is {slack_len(value)} long; the limit is {limit}")

    def string(self, value: Any, path: tuple[str | int, ...], limit: int, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.fail(path, "is required")
            return
        if not isinstance(value, str) or (required and not value):
            self.fail(path, "must be a non-empty string")
        elif slack_len(value) > limit:
            self.fail(path, f"is {slack_len(value)} long; the limit is {limit}")

    def blocks(self, blocks: Any, path: tuple[str | int, ...], limit: int) -> None:
        if not isinstance(blocks, list) or not blocks:
            self.fail(path, "blocks must be a non-empty list")
            return
        if len(blocks) > limit:
            self.fail(path, f"{len(blocks)} blocks; the limit is {limit}")
        seen: set[str] = set()
        for index, block in enumerate(blocks):
            where = (*path, index)
            if not isinstance(block, dict):
                self.fail(where, "expected a block object")
                continue
            block_id = block.get("block_id")
            if block_id is not None:
                self.string(block_id, (*where, "block_id"), ID, required=True)
                if block_id in seen:
                    self.fail((*where, "block_id"), f"duplicate block_id {block_id}")
                seen.add(block_id)
            self.block(block, where)

    def counted(self, items: Any, path: tuple[str | int, ...], limit: int, what: str) -> list[Any] | None:
        """`items` when it is a list of 1 to `limit` items; else None, and a problem."""
        if isinstance(items, list) and 0 < len(items) <= limit:
            return items
        self.fail(path, f"1 to {limit} {what}")
        return None

    def block(self, block: dict[str, Any], path: tuple[str | int, ...]) -> None:
        kind = block.get("type")
        if kind == "section":
            self.section(block, path)
        elif kind == "context":
            elements = self.counted(block.get("elements"), (*path, "elements"), CONTEXT_ELEMENTS, "elements")
            for i, item in enumerate(elements or ()):
                self.text(item, (*path, "elements", i), CONTEXT_TEXT)
        elif kind == "header":
            self.text(block.get("text"), (*path, "text"), HEADER_TEXT, plain_only=True)
        elif kind == "actions":
            elements = self.counted(block.get("elements"), (*path, "elements"), ACTIONS_ELEMENTS, "elements")
            self.elements(elements or [], (*path, "elements"))
        elif kind == "input":
            self.input_block(block, path)
        elif kind != "divider":
            self.fail(path, f"block type {kind!r} is not one tfsync renders")

    def section(self, block: dict[str, Any], path: tuple[str | int, ...]) -> None:
        if "text" not in block and "fields" not in block:
            self.fail(path, "a section needs text or fields")
        if "text" in block:
            self.text(block["text"], (*path, "text"), SECTION_TEXT)
        if block.get("fields") is not None:
            fields = self.counted(block["fields"], (*path, "fields"), SECTION_FIELDS, "fields")
            for i, item in enumerate(fields or ()):
                self.text(item, (*path, "fields", i), FIELD_TEXT)
        if "accessory" in block:
            self.interactive(block["accessory"], (*path, "accessory"))

    def input_block(self, block: dict[str, Any], path: tuple[str | int, ...]) -> None:
        self.text(block.get("label"), (*path, "label"), INPUT_LABEL, plain_only=True)
        if "hint" in block:
            self.text(block["hint"], (*path, "hint"), INPUT_HINT, plain_only=True)
        element = block.get("element")
        if not isinstance(element, dict) or element.get("type") not in _INPUT_ELEMENTS:
            self.fail((*path, "element"), "expected an input element")
        else:
            self.interactive(element, (*path, "element"))

    def elements(self, elements: list[Any], path: tuple[str | int, ...]) -> None:
        seen: set[str] = set()
        for index, element in enumerate(elements):
            self.interactive(element, (*path, index), seen)

    def interactive(self, element: Any, path: tuple[str | int, ...], seen: set[str] | None = None) -> None:
        if not isinstance(element, dict):
            self.fail(path, "expected an element object")
            return
        action_id = element.get("action_id")
        self.string(action_id, (*path, "action_id"), ID, required=True)
        if isinstance(action_id, str) and seen is not None:
            if action_id in seen:
                self.fail((*path, "action_id"), f"duplicate action_id {action_id} in one block")
            seen.add(action_id)
        self.element(element, path)

    def element(self, element: dict[str, Any], path: tuple[str | int, ...]) -> None:
        kind = element.get("type")
        if "placeholder" in element:
            self.text(element["placeholder"], (*path, "placeholder"), PLACEHOLDER, plain_only=True)
        if "confirm" in element:
            self.confirm(element["confirm"], (*path, "confirm"))
        if kind == "button":
            self.button(element, path)
        elif kind == "plain_text_input":
            max_length = element.get("max_length", INPUT_VALUE)
            if not isinstance(max_length, int) or not 0 < max_length <= INPUT_VALUE:
                self.fail((*path, "max_length"), f"max_length must be 1 to {INPUT_VALUE}")
                max_length = INPUT_VALUE
            self.string(element.get("initial_value"), (*path, "initial_value"), max_length)
        elif kind in _SELECTS or kind == "radio_buttons":
            self.choice(element, path, radio=kind == "radio_buttons")
        else:
            self.fail(path, f"element type {kind!r} is not one tfsync renders")

    def button(self, element: dict[str, Any], path: tuple[str | int, ...]) -> None:
        self.text(element.get("text"), (*path, "text"), BUTTON_TEXT, plain_only=True)
        self.string(element.get("value"), (*path, "value"), BUTTON_VALUE)
        self.string(element.get("url"), (*path, "url"), URL)
        if element.get("style") not in (None, "primary", "danger"):
            self.fail((*path, "style"), "style must be primary or danger")

    def choice(self, element: dict[str, Any], path: tuple[str | int, ...], *, radio: bool) -> None:
        """A select or a radio group: its options are listed in the element, or (external select) loaded."""
        if element.get("type") == "external_select":
            if element.get("options") is not None:
                self.fail((*path, "options"), "an external select loads its options")
            minimum = element.get("min_query_length", 3)
            if not isinstance(minimum, int) or minimum < 0:
                self.fail((*path, "min_query_length"), "must be a non-negative integer")
        else:
            limit = RADIO_OPTIONS if radio else SELECT_OPTIONS
            options = self.counted(element.get("options"), (*path, "options"), limit, "options")
            if options is not None:
                self.options(options, (*path, "options"), plain_only=not radio)
                initial = element.get("initial_option")
                if initial is not None and initial not in options:
                    self.fail((*path, "initial_option"), "initial_option must be one of the options")
        if "initial_option" in element:
            self.options([element["initial_option"]], (*path, "initial_option"), plain_only=not radio)

    def options(self, options: list[Any], path: tuple[str | int, ...], *, plain_only: bool) -> None:
        values: set[str] = set()
        for index, option in enumerate(options):
            where = (*path, index)
            if not isinstance(option, dict):
                self.fail(where, "expected an option object")
                continue
            self.text(option.get("text"), (*where, "text"), OPTION_TEXT, plain_only=plain_only)
            if "description" in option:
                self.text(option["description"], (*where, "description"), OPTION_DESCRIPTION, plain_only=plain_only)
            value = option.get("value")
            self.string(value, (*where, "value"), OPTION_VALUE, required=True)
            if value in values and path[-1] == "options":
                self.fail((*where, "value"), f"duplicate option value {value}")
            if isinstance(value, str):
                values.add(value)

    def confirm(self, node: Any, path: tuple[str | int, ...]) -> None:
        if not isinstance(node, dict):
            self.fail(path, "expected a confirm object")
            return
        self.text(node.get("title"), (*path, "title"), CONFIRM_TITLE, plain_only=True)
        self.text(node.get("text"), (*path, "text"), CONFIRM_TEXT)
        self.text(node.get("confirm"), (*path, "confirm"), CONFIRM_BUTTON, plain_only=True)
        self.text(node.get("deny"), (*path, "deny"), CONFIRM_BUTTON, plain_only=True)
        if node.get("style") not in (None, "primary", "danger"):
            self.fail((*path, "style"), "style must be primary or danger")


def problems(payload: Any, surface: Surface) -> list[Problem]:
    """Every limit `payload` breaks as a `surface`; empty when Slack would take it."""
    walker = _Walker()
    if not isinstance(payload, dict):
        walker.fail((), "expected an object")
        return walker.problems
    if surface == "message":
        walker.string(payload.get("text"), ("text",), MESSAGE_TEXT, required=True)
        walker.blocks(payload.get("blocks"), ("blocks",), MESSAGE_BLOCKS)
        return walker.problems
    if payload.get("type") != surface:
        walker.fail(("type",), f"expected a {surface} view")
    walker.blocks(payload.get("blocks"), ("blocks",), VIEW_BLOCKS)
    walker.string(payload.get("callback_id"), ("callback_id",), ID)
    walker.string(payload.get("private_metadata"), ("private_metadata",), PRIVATE_METADATA)
    if surface == "modal":
        walker.text(payload.get("title"), ("title",), VIEW_TITLE, plain_only=True)
        for key in ("submit", "close"):
            if key in payload:
                walker.text(payload[key], (key,), VIEW_BUTTON, plain_only=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in payload.get("blocks") or [])
        if has_input and "submit" not in payload:
            walker.fail(("submit",), "a modal with inputs needs a submit button")
    elif any(key in payload for key in ("title", "submit", "close")):
        walker.fail((), "a home view has no title, submit or close")
    return walker.problems


def check(payload: dict[str, Any], surface: Surface) -> dict[str, Any]:
    """`payload` unchanged when it is within Slack's limits; LimitExceeded otherwise."""
    found = problems(payload, surface)
    if found:
        raise LimitExceeded(surface, found)
    return payload


def strings(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string in a payload with its path, for checks that look at all text at once."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, (*path, index))
