"""The Slack app manifests, Socket Mode (manifest.yml) and HTTP mode (manifest-http.yml): the same app, /tfsync, the
Home tab, interactivity, exactly the scopes tfsync needs, and exactly what the registered listeners handle."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from handlers import register_all
from slack_adapters.http_mode import EVENTS_PATH
from tests.conftest import ROOT
from tests.infra.hcl import INFRA
from tests.paths import SLACK_SPEC as SPEC

MANIFEST = INFRA / "slack" / "manifest.yml"
HTTP_MANIFEST = INFRA / "slack" / "manifest-http.yml"
MANIFESTS = {"socket": MANIFEST, "http": HTTP_MANIFEST}
# The Request URL in HTTP mode, until the deployed API Gateway endpoint (http_api's request_url) replaces its host.
REQUEST_URL = "https://<your-api-gateway-endpoint>" + EVENTS_PATH
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


def _manifest(path: Path = MANIFEST) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class _Registrations:
    """Stands in for the Bolt app in handlers.register_all: records what each listener is registered for."""

    KINDS = ("action", "options", "view", "command", "event", "shortcut", "message")

    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = defaultdict(set)

    def middleware(self, middleware: Any) -> Any:
        return middleware

    def __getattr__(self, kind: str) -> Callable[..., Callable[[Any], Any]]:
        if kind not in self.KINDS:
            raise AttributeError(kind)

        def register(constraint: Any, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
            self.seen[kind].add(constraint if isinstance(constraint, str) else repr(constraint))
            return lambda listener: listener

        return register


def _registered() -> dict[str, set[str]]:
    registrations = _Registrations()
    register_all(registrations, services=None)  # type: ignore[arg-type]
    return registrations.seen


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
    assert "message_menu_options_url" not in settings["interactivity"]
    assert "request_url" not in settings.get("event_subscriptions", {})
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    (command,) = features["slash_commands"]
    assert command["command"] == "/tfsync" and "url" not in command
    for subcommand in ("help", "list", "show", "adopt", "delete", "ignore", "rules", "unignore", "stats"):
        assert subcommand in command["usage_hint"]
    assert len(manifest["display_information"]["name"]) <= 35


def test_http_mode_sends_everything_to_the_one_request_url() -> None:
    manifest = _manifest(HTTP_MANIFEST)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["event_subscriptions"]["request_url"] == REQUEST_URL
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"] == REQUEST_URL
    assert settings["interactivity"]["message_menu_options_url"] == REQUEST_URL
    assert [command["url"] for command in manifest["features"]["slash_commands"]] == [REQUEST_URL]
    # The placeholder is the only host named, so nothing is left pointing elsewhere once it is replaced.
    hosts = set(re.findall(r"https://[^/\s]+", HTTP_MANIFEST.read_text(encoding="utf-8")))
    assert hosts <= {"https://<your-api-gateway-endpoint>", "https://api.slack.com"}


def _without_transport(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest without what differs by how Slack reaches the app: URLs and the Socket Mode switch."""
    settings = dict(manifest["settings"])
    settings.pop("socket_mode_enabled")
    settings["event_subscriptions"] = {k: v for k, v in settings["event_subscriptions"].items() if k != "request_url"}
    settings["interactivity"] = {k: v for k, v in settings["interactivity"].items()
                                 if k not in ("request_url", "message_menu_options_url")}
    features = dict(manifest["features"])
    features["slash_commands"] = [{k: v for k, v in c.items() if k != "url"} for c in features["slash_commands"]]
    return {**manifest, "settings": settings, "features": features}


def test_both_manifests_are_the_same_app() -> None:
    assert _without_transport(_manifest(HTTP_MANIFEST)) == _without_transport(_manifest())


@pytest.mark.parametrize("mode", MANIFESTS)
def test_the_manifest_declares_exactly_what_the_listeners_handle(mode: str) -> None:
    manifest = _manifest(MANIFESTS[mode])
    registered = _registered()
    assert set(registered) <= {"action", "options", "view", "command", "event"}, "a listener kind no test covers"
    # Slack sends the app only the commands and events its manifest declares; each has a listener, and back.
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == registered["command"]
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == registered["event"]
    # Buttons, modals and selects need interactivity; options need the options load URL over HTTP.
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"] is bool(registered["action"] | registered["view"] | registered["options"])
    if mode == "http":
        assert ("message_menu_options_url" in interactivity) is bool(registered["options"])
        assert interactivity.get("request_url") and manifest["settings"]["event_subscriptions"].get("request_url")


def test_the_registrations_are_found() -> None:
    """The stand-in sees the listeners register_all adds (a listener moved elsewhere would escape the checks)."""
    registered = _registered()
    assert registered["command"] == {"/tfsync"} and registered["event"] == {"app_home_opened"}
    assert "tfsync-resource-adopt" in registered["action"] and registered["options"] and registered["view"]


@pytest.mark.parametrize("mode", MANIFESTS)
def test_bot_scopes_are_exactly_what_the_called_methods_require(mode: str) -> None:
    spec = _spec_scopes()
    called = _called(spec)
    granted = set(_manifest(MANIFESTS[mode])["oauth_config"]["scopes"]["bot"])
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
    assert "user" not in _manifest(MANIFESTS[mode])["oauth_config"]["scopes"]
