"""Interaction and event payloads in Slack's exact shapes, built from what the workspace stores."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

from sandbox.slack.workspace import Channel, Ephemeral, Message, User, View, Workspace

TEXT_INPUTS = ("plain_text_input", "email_text_input", "url_text_input", "number_input")
SINGLE_SELECTS = ("static_select", "external_select", "radio_buttons")
MULTI_SELECTS = ("multi_static_select", "multi_external_select", "checkboxes")
# Element types whose state Slack reports by a named field holding one id or date.
PICKERS = {
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
}


def action_ts() -> str:
    return f"{time.time():.6f}"


def user_ref(workspace: Workspace, user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": workspace.team.id}


def team_ref(workspace: Workspace) -> dict[str, Any]:
    return {"id": workspace.team.id, "domain": workspace.team.domain}


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(block, element) for every interactive element: actions elements, section accessories, input elements."""
    for block in blocks:
        if block.get("type") == "actions":
            for element in block.get("elements") or []:
                yield block, element
        for key in ("accessory", "element"):
            element = block.get(key)
            if isinstance(element, dict) and "action_id" in element:
                yield block, element


def find_element(blocks: list[dict[str, Any]], action_id: str, block_id: str | None = None) -> tuple[dict, dict]:
    """The block and element with this action_id (and block_id when given); ValueError if there is none."""
    found = [(block, element) for block, element in iter_elements(blocks)
             if element.get("action_id") == action_id and (block_id is None or block.get("block_id") == block_id)]
    if not found:
        raise ValueError(f"no element with action_id {action_id!r} on this surface")
    if len(found) > 1:
        raise ValueError(f"several elements have action_id {action_id!r}: pass block_id")
    return found[0]


def _all_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def choose_option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The option a person picks by value; external selects take any value (or a whole option dict)."""
    if isinstance(value, dict):
        if "value" not in value or "text" not in value:
            raise ValueError("an option needs `text` and `value`")
        option = value
    elif element.get("type", "").endswith("external_select"):
        option = {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": str(value)}
    else:
        matching = [o for o in _all_options(element) if o.get("value") == value]
        if not matching:
            choices = [o.get("value") for o in _all_options(element)]
            raise ValueError(f"{element.get('action_id')!r} has no option {value!r}; choices: {choices}")
        option = matching[0]
    return copy.deepcopy(option)


def build_action(block: dict[str, Any], element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The `actions[0]` entry of a block_actions payload for a person using `element`."""
    kind = element.get("type")
    action: dict[str, Any] = {"action_id": element["action_id"], "block_id": block["block_id"]}
    if kind == "button":
        action["text"] = copy.deepcopy(element["text"])
        if "value" in element:
            action["value"] = element["value"]
        if "style" in element:
            action["style"] = element["style"]
        action["type"] = "button"
    elif kind in (*SINGLE_SELECTS, "overflow"):
        action["type"] = kind
        action["selected_option"] = choose_option(element, value)
        if "placeholder" in element:
            action["placeholder"] = copy.deepcopy(element["placeholder"])
    elif kind in MULTI_SELECTS:
        action["type"] = kind
        action["selected_options"] = [choose_option(element, v) for v in (value or [])]
    elif kind in PICKERS:
        action["type"] = kind
        action[PICKERS[kind][0]] = value
    elif kind in TEXT_INPUTS:
        action["type"] = kind
        action["value"] = value
    else:
        raise ValueError(f"the emulator cannot operate a {kind!r} element")
    action["action_ts"] = action_ts()
    return action


def _element_state(element: dict[str, Any], given: Any, has_value: bool) -> tuple[dict[str, Any], bool]:
    """An element's entry in state.values and whether it holds a value; initial values count as typed."""
    kind = element.get("type")
    state: dict[str, Any] = {"type": kind}
    if kind in TEXT_INPUTS:
        value = given if has_value else element.get("initial_value")
        state["value"] = None if value in (None, "") else str(value)
        return state, state["value"] is not None
    if kind in SINGLE_SELECTS:
        option = choose_option(element, given) if has_value and given is not None else element.get("initial_option")
        state["selected_option"] = copy.deepcopy(option)
        return state, option is not None
    if kind in MULTI_SELECTS:
        options = [choose_option(element, v) for v in given] if has_value else element.get("initial_options") or []
        state["selected_options"] = copy.deepcopy(options)
        return state, bool(options)
    if kind in PICKERS:
        field_name, initial = PICKERS[kind]
        state[field_name] = given if has_value else element.get(initial)
        return state, state[field_name] is not None
    raise ValueError(f"the emulator cannot fill a {kind!r} element")


def state_values(view: View, values: dict[str, dict[str, Any]], *, submitting: bool) -> dict[str, dict[str, Any]]:
    """state.values for a view, from {block_id: {action_id: value}}; refuses what Slack's client would refuse."""
    inputs = {block["block_id"]: block for block in view.blocks if block.get("type") == "input"}
    for block_id, by_action in values.items():
        block = inputs.get(block_id)
        if block is None:
            raise ValueError(f"view {view.id} has no input block {block_id!r}")
        unknown = set(by_action) - {block["element"].get("action_id")}
        if unknown:
            raise ValueError(f"input block {block_id!r} has no element {sorted(unknown)}")
    result: dict[str, dict[str, Any]] = {}
    for block_id, block in inputs.items():
        element = block["element"]
        given = values.get(block_id, {})
        has_value = element["action_id"] in given
        state, filled = _element_state(element, given.get(element["action_id"]), has_value)
        if submitting and not filled and not block.get("optional", False):
            raise ValueError(f"input block {block_id!r} is required; Slack would not let the person submit")
        result[block_id] = {element["action_id"]: state}
    return result


def slash_command(
    workspace: Workspace, user: User, channel: Channel, command: str, text: str, *, token: str, response_url: str,
    trigger_id: str,
) -> dict[str, Any]:
    """A slash command as Socket Mode delivers it: the form fields of Slack's HTTP request, all strings."""
    return {
        "token": token,
        "team_id": workspace.team.id,
        "team_domain": workspace.team.domain,
        "channel_id": channel.id,
        "channel_name": channel.name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": workspace.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def message_block_actions(
    workspace: Workspace, user: User, channel: Channel, message: Message, action: dict[str, Any], *, token: str,
    response_url: str, trigger_id: str,
) -> dict[str, Any]:
    """A block_actions payload for an element in a channel message."""
    return _message_actions(workspace, user, channel, message.ts, message.thread_ts if message.is_reply else None,
                            action, token=token, response_url=response_url, trigger_id=trigger_id,
                            message=message.to_api(workspace.replies_of(message)))


def ephemeral_block_actions(
    workspace: Workspace, user: User, channel: Channel, note: Ephemeral, action: dict[str, Any], *, token: str,
    response_url: str, trigger_id: str,
) -> dict[str, Any]:
    """A block_actions payload for an element in an ephemeral message: Slack sends no `message` (it never stored
    one), only the container marked ephemeral; the app answers through the response URL."""
    return _message_actions(workspace, user, channel, note.ts, note.thread_ts, action, token=token,
                            response_url=response_url, trigger_id=trigger_id, message=None)


def _message_actions(
    workspace: Workspace, user: User, channel: Channel, ts: str, thread_ts: str | None, action: dict[str, Any], *,
    token: str, response_url: str, trigger_id: str, message: dict[str, Any] | None,
) -> dict[str, Any]:
    container: dict[str, Any] = {"type": "message", "message_ts": ts, "channel_id": channel.id,
                                 "is_ephemeral": message is None}
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user_ref(workspace, user),
        "api_app_id": workspace.app_id,
        "token": token,
        "container": container,
        "trigger_id": trigger_id,
        "team": team_ref(workspace),
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel.id, "name": channel.name},
    }
    if message is not None:
        payload["message"] = message
    payload.update({"state": {"values": {}}, "response_url": response_url, "actions": [action]})
    return payload


def view_block_actions(
    workspace: Workspace, user: User, view: View, action: dict[str, Any], *, token: str, trigger_id: str,
) -> dict[str, Any]:
    """A block_actions payload for an element in a modal or the App Home tab."""
    return {
        "type": "block_actions",
        "user": user_ref(workspace, user),
        "api_app_id": workspace.app_id,
        "token": token,
        "container": {"type": "view", "view_id": view.id},
        "trigger_id": trigger_id,
        "team": team_ref(workspace),
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view.to_api(),
        "actions": [action],
    }


def view_submission(
    workspace: Workspace, user: User, view: View, *, token: str, trigger_id: str,
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": team_ref(workspace),
        "user": user_ref(workspace, user),
        "api_app_id": workspace.app_id,
        "token": token,
        "trigger_id": trigger_id,
        "view": view.to_api(),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(workspace: Workspace, user: User, view: View, *, token: str, is_cleared: bool) -> dict[str, Any]:
    return {
        "type": "view_closed",
        "team": team_ref(workspace),
        "user": user_ref(workspace, user),
        "api_app_id": workspace.app_id,
        "token": token,
        "view": view.to_api(),
        "is_cleared": is_cleared,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_suggestion(
    workspace: Workspace, user: User, view: View, block: dict[str, Any], element: dict[str, Any], query: str, *,
    token: str,
) -> dict[str, Any]:
    """The options request an external select sends while the person types."""
    return {
        "type": "block_suggestion",
        "user": user_ref(workspace, user),
        "container": {"type": "view", "view_id": view.id},
        "api_app_id": workspace.app_id,
        "token": token,
        "action_id": element["action_id"],
        "block_id": block["block_id"],
        "value": query,
        "team": team_ref(workspace),
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view.to_api(),
    }


def event_callback(workspace: Workspace, event: dict[str, Any], *, token: str, event_id: str) -> dict[str, Any]:
    """The Events API wrapper around one event, as Socket Mode's events_api envelope carries it."""
    now = int(time.time())
    return {
        "token": token,
        "team_id": workspace.team.id,
        "api_app_id": workspace.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": now,
        "authorizations": [{
            "enterprise_id": None, "team_id": workspace.team.id, "user_id": workspace.bot_user.id,
            "is_bot": True, "is_enterprise_install": False,
        }],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event.get('type', 'event')}-{workspace.team.id}",
    }


def app_home_opened(workspace: Workspace, user: User, dm_channel: str) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "app_home_opened", "user": user.id, "channel": dm_channel, "tab": "home",
                             "event_ts": action_ts()}
    home = workspace.views.get(workspace.home_views.get(user.id, ""))
    if home is not None:
        event["view"] = home.to_api()
    return event
