"""The limits checker catches every limit it claims to, with a pointer to the field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from renderers.slack import limits
from renderers.slack.limits import LimitExceeded, check, problems


def _md(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _pt(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _button(**extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": _pt("Go"), "action_id": "tfsync-resource-adopt", **extra}


MESSAGE: dict[str, Any] = {
    "text": "hello",
    "blocks": [
        {"type": "section", "text": _md("hi"), "fields": [_md("a"), _md("b")]},
        {"type": "context", "elements": [_md("c")]},
        {"type": "header", "text": _pt("Head")},
        {"type": "divider"},
        {"type": "actions", "block_id": "tfsync-resource-actions", "elements": [_button(value="r-1")]},
    ],
}

MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "tfsync-adoption-submit",
    "title": _pt("Adopt resource"),
    "submit": _pt("Adopt"),
    "close": _pt("Cancel"),
    "private_metadata": "{}",
    "blocks": [
        {
            "type": "input",
            "block_id": "tfsync-module-input",
            "label": _pt("Module"),
            "element": {
                "type": "static_select",
                "action_id": "tfsync-module-select",
                "placeholder": _pt("Choose"),
                "options": [{"text": _pt("a"), "value": "a"}],
            },
        },
        {
            "type": "input",
            "block_id": "tfsync-tf-name-input",
            "label": _pt("Name"),
            "element": {"type": "plain_text_input", "action_id": "tfsync-tf-name-set", "max_length": 64},
        },
    ],
}


def test_the_reference_payloads_pass() -> None:
    assert problems(MESSAGE, "message") == []
    assert problems(MODAL, "modal") == []
    assert check(MESSAGE, "message") is MESSAGE


Mutation = Callable[[dict[str, Any]], None]

MESSAGE_CASES: list[tuple[str, Mutation, str]] = [
    ("message text", lambda p: p.update(text="x" * 40_001), "/text"),
    ("empty message text", lambda p: p.update(text=""), "/text"),
    ("51 blocks", lambda p: p.update(blocks=[{"type": "divider"}] * 51), "/blocks"),
    ("section text", lambda p: p["blocks"][0]["text"].update(text="x" * 3001), "/blocks/0/text"),
    ("section text in UTF-16", lambda p: p["blocks"][0]["text"].update(text="😀" * 1501), "/blocks/0/text"),
    ("empty section text", lambda p: p["blocks"][0]["text"].update(text=" "), "/blocks/0/text"),
    ("11 fields", lambda p: p["blocks"][0].update(fields=[_md("f")] * 11), "/blocks/0/fields"),
    ("field text", lambda p: p["blocks"][0]["fields"][1].update(text="x" * 2001), "/blocks/0/fields/1"),
    ("context text", lambda p: p["blocks"][1]["elements"][0].update(text="x" * 3001), "/blocks/1/elements/0"),
    ("11 context elements", lambda p: p["blocks"][1].update(elements=[_md("c")] * 11), "/blocks/1/elements"),
    ("header text", lambda p: p["blocks"][2]["text"].update(text="x" * 151), "/blocks/2/text"),
    ("mrkdwn header", lambda p: p["blocks"][2].update(text=_md("x")), "/blocks/2/text"),
    ("button text", lambda p: p["blocks"][4]["elements"][0]["text"].update(text="x" * 76), "/blocks/4/elements/0/text"),
    ("button value", lambda p: p["blocks"][4]["elements"][0].update(value="x" * 2001), "/blocks/4/elements/0/value"),
    ("button style", lambda p: p["blocks"][4]["elements"][0].update(style="blue"), "/blocks/4/elements/0/style"),
    ("action_id", lambda p: p["blocks"][4]["elements"][0].update(action_id="a" * 256), "/action_id"),
    ("block_id", lambda p: p["blocks"][4].update(block_id="b" * 256), "/blocks/4/block_id"),
    (
        "duplicate block_id",
        lambda p: p["blocks"][3].update(block_id="tfsync-resource-actions"),
        "/blocks/4/block_id",
    ),
    (
        "duplicate action_id",
        lambda p: p["blocks"][4]["elements"].append(_button(value="r-2")),
        "/blocks/4/elements/1/action_id",
    ),
    ("26 actions", lambda p: p["blocks"][4].update(elements=[_button()] * 26), "/blocks/4/elements"),
    (
        "confirm text",
        lambda p: p["blocks"][4]["elements"][0].update(
            confirm={"title": _pt("t"), "text": _md("x" * 301), "confirm": _pt("ok"), "deny": _pt("no")}
        ),
        "/confirm/text",
    ),
    ("unknown block", lambda p: p["blocks"].append({"type": "video"}), "/blocks/5"),
]

MODAL_CASES: list[tuple[str, Mutation, str]] = [
    ("title", lambda p: p["title"].update(text="x" * 25), "/title"),
    ("submit", lambda p: p["submit"].update(text="x" * 25), "/submit"),
    ("no submit with inputs", lambda p: p.pop("submit"), "/submit"),
    ("private_metadata", lambda p: p.update(private_metadata="x" * 3001), "/private_metadata"),
    ("101 blocks", lambda p: p.update(blocks=[{"type": "divider"}] * 101), "/blocks"),
    ("callback_id", lambda p: p.update(callback_id="c" * 256), "/callback_id"),
    ("input label", lambda p: p["blocks"][0]["label"].update(text="x" * 2001), "/blocks/0/label"),
    (
        "placeholder",
        lambda p: p["blocks"][0]["element"]["placeholder"].update(text="x" * 151),
        "/blocks/0/element/placeholder",
    ),
    (
        "101 options",
        lambda p: p["blocks"][0]["element"].update(
            options=[{"text": _pt(f"o{i}"), "value": f"v{i}"} for i in range(101)]
        ),
        "/blocks/0/element/options",
    ),
    (
        "option text",
        lambda p: p["blocks"][0]["element"]["options"][0]["text"].update(text="x" * 76),
        "/blocks/0/element/options/0/text",
    ),
    (
        "option value",
        lambda p: p["blocks"][0]["element"]["options"][0].update(value="x" * 151),
        "/blocks/0/element/options/0/value",
    ),
    (
        "initial option not offered",
        lambda p: p["blocks"][0]["element"].update(initial_option={"text": _pt("z"), "value": "z"}),
        "/blocks/0/element/initial_option",
    ),
    (
        "11 radio options",
        lambda p: p["blocks"][0].update(
            element={
                "type": "radio_buttons",
                "action_id": "tfsync-scope-choose",
                "options": [{"text": _md(f"o{i}"), "value": f"v{i}"} for i in range(11)],
            }
        ),
        "/blocks/0/element/options",
    ),
    (
        "initial value longer than max_length",
        lambda p: p["blocks"][1]["element"].update(initial_value="x" * 65),
        "/blocks/1/element/initial_value",
    ),
    (
        "external select with options",
        lambda p: p["blocks"][0]["element"].update(type="external_select"),
        "/blocks/0/element/options",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "pointer"), MESSAGE_CASES, ids=[c[0] for c in MESSAGE_CASES])
def test_message_limits(name: str, mutate: Mutation, pointer: str) -> None:
    payload = copy.deepcopy(MESSAGE)
    mutate(payload)
    found = problems(payload, "message")
    assert any(pointer in p.pointer for p in found), (name, found)
    with pytest.raises(LimitExceeded):
        check(payload, "message")


@pytest.mark.parametrize(("name", "mutate", "pointer"), MODAL_CASES, ids=[c[0] for c in MODAL_CASES])
def test_modal_limits(name: str, mutate: Mutation, pointer: str) -> None:
    payload = copy.deepcopy(MODAL)
    mutate(payload)
    found = problems(payload, "modal")
    assert any(pointer in p.pointer for p in found), (name, found)


def test_home_has_no_title_and_allows_100_blocks() -> None:
    home = {"type": "home", "blocks": [{"type": "divider"}] * 100}
    assert problems(home, "home") == []
    assert problems({**home, "title": _pt("x")}, "home")
    assert problems({**home, "blocks": [{"type": "divider"}] * 101}, "home")
    assert problems({**home, "type": "modal"}, "home")


def test_limits_match_slack_sdk_where_it_has_them() -> None:
    from slack_sdk.models.blocks import ButtonElement, HeaderBlock, InputBlock, Option, SectionBlock
    from slack_sdk.models.views import View

    assert SectionBlock.text_max_length == limits.SECTION_TEXT
    assert HeaderBlock.text_max_length == limits.HEADER_TEXT
    assert ButtonElement.text_max_length == limits.BUTTON_TEXT
    assert ButtonElement.value_max_length == limits.BUTTON_VALUE
    assert Option.label_max_length == limits.OPTION_TEXT
    assert Option.value_max_length == limits.OPTION_VALUE
    assert InputBlock.label_max_length == limits.INPUT_LABEL
    assert View.title_max_length == limits.VIEW_TITLE
    assert View.blocks_max_length == limits.VIEW_BLOCKS
    assert View.private_metadata_max_length == limits.PRIVATE_METADATA


def test_ids_are_kebab_case_constants_and_distinct() -> None:
    import re

    from renderers.slack.ids import Action, Block, Callback, scoped

    values = [str(v) for enum in (Action, Block, Callback) for v in enum]
    pattern = re.compile(r"tfsync(-[a-z]+){2,}\Z")
    assert all(pattern.match(v) and len(v) <= limits.ID for v in values), values
    assert len({str(v) for v in Action}) == len(Action) and len({str(v) for v in Block}) == len(Block)
    assert scoped(Block.RESOURCE_ACTIONS, "r-k3v9q2mzt7ab") == "tfsync-resource-actions-r-k3v9q2mzt7ab"
    odd = [scoped(Block.RESOURCE_ACTIONS, k) for k in ("<!channel>", "R-K3V9", "r-k3v9", "x" * 300, "")]
    assert len(set(odd)) == 5 and all(len(b) <= limits.ID and re.fullmatch(r"[a-z0-9-]+", b) for b in odd)
