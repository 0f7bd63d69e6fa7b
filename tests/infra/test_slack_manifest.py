"""The Slack app manifest: Socket Mode, /tfsync, the Home tab, interactivity, and exactly the scopes tfsync needs."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from tests.conftest import ROOT
from tests.infra.hcl import INFRA
from tests.paths import SLACK_SPEC as SPEC

MANIFEST = INFRA / "slack" / "manifest.yml"
# The Web API methods the Slack surfaces call; any other method found in the code is added to these.
CALLED = {
    "auth.test",
    "apps.connections.open",
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "chat.getPermalink",
    "views.open",
    "views.update",
    "views.publish",
    "users.info",
    "users.lookupByEmail",
    "usergroups.users.list",
}
# Methods the specification does not list, with the token that authorizes them instead of a bot scope.
OUTSIDE_SPEC = {"apps.connections.open": "app-level token with connections:write"}
# The specification predates granular bot permissions; these are the names a bot token's scope has now.
MODERN_SCOPE = {"chat:write:bot": "chat:write", "chat:write:user": "chat:write"}
CODE_DIRS = ("bot", "handlers", "renderers", "slack_adapters")


def _manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def _spec_scopes() -> dict[str, set[str]]:
    """Each Web API method's accepted scopes (any one suffices); empty for methods that need none."""
    paths = json.loads(SPEC.read_text(encoding="utf-8"))["paths"]
    out: dict[str, set[str]] = {}
    for path, operations in paths.items():
        scopes: set[str] = set()
        for operation in operations.values():
            for requirement in operation.get("security", []):
                scopes |= {MODERN_SCOPE.get(s, s) for s in requirement.get("slackAuth", []) if s != "none"}
        out[path.lstrip("/")] = scopes
    return out


def _called(spec: dict[str, set[str]]) -> set[str]:
    found = set(CALLED)
    sources = [
        p.read_text(encoding="utf-8")
        for d in CODE_DIRS
        for p in (ROOT / d).rglob("*.py")
    ]
    for method in spec:
        # slack_sdk's client methods: client.chat_postMessage(...), client.api_call("chat.postMessage", ...)
        pattern = re.compile(rf"\.{re.escape(method.replace('.', '_'))}\(|api_call\(\s*[\"']{re.escape(method)}[\"']")
        if any(pattern.search(source) for source in sources):
            found.add(method)
    return found


def test_socket_mode_command_home_tab_and_interactivity() -> None:
    manifest = _manifest()
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert "request_url" not in settings["interactivity"]
    assert "request_url" not in settings.get("event_subscriptions", {})
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    (command,) = features["slash_commands"]
    assert command["command"] == "/tfsync" and "url" not in command
    for subcommand in ("help", "list", "show", "adopt", "delete", "ignore", "rules", "unignore", "stats"):
        assert subcommand in command["usage_hint"]
    assert len(manifest["display_information"]["name"]) <= 35


def test_bot_scopes_are_exactly_what_the_called_methods_require() -> None:
    spec = _spec_scopes()
    called = _called(spec)
    granted = set(_manifest()["oauth_config"]["scopes"]["bot"])
    needed: set[str] = {"commands"}  # the /tfsync command
    for method in sorted(called):
        if method in OUTSIDE_SPEC:
            continue
        assert method in spec, f"{method} is neither in Slack's specification nor in OUTSIDE_SPEC"
        accepted = spec[method]
        if accepted:
            assert accepted & granted, f"{method} needs one of {sorted(accepted)}"
            needed |= accepted & granted
    # users:read.email is only granted together with users:read.
    if "users:read.email" in granted:
        needed.add("users:read")
    assert granted == needed, f"scopes no called method needs: {sorted(granted - needed)}"
    assert "user" not in _manifest()["oauth_config"]["scopes"]
