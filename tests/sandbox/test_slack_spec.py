"""The emulator's Web API checked against Slack's published OpenAPI description of it."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import aiohttp
import pytest

from sandbox.slack import METHODS, SlackEmulator
from tests.paths import SLACK_SPEC as SPEC

# Methods Slack added after the October 2020 spec; each must be named here, so none slips past the check.
NEWER_THAN_SPEC = {"apps.connections.open"}


@cache
def spec_paths() -> dict[str, Any]:
    return json.loads(SPEC.read_text(encoding="utf-8"))["paths"]


def spec_required(method: str) -> set[str]:
    """The arguments the spec marks required, apart from the token (checked separately)."""
    [operation] = spec_paths()["/" + method].values()
    return {p["name"] for p in operation.get("parameters", []) if p.get("required") and p["name"] != "token"}


def test_every_implemented_method_is_in_the_spec() -> None:
    missing = {name for name in METHODS if "/" + name not in spec_paths()}
    assert missing == NEWER_THAN_SPEC


@pytest.mark.parametrize("method", sorted(set(METHODS) - NEWER_THAN_SPEC))
def test_the_emulator_requires_what_the_spec_requires(method: str) -> None:
    assert spec_required(method) <= set(METHODS[method].required)


async def call(session: aiohttp.ClientSession, emulator: SlackEmulator, method: str, args: dict[str, str], *,
               as_json: bool, token: str | None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if as_json:
        request = session.post(emulator.api_url + method, json=args, headers=headers)
    else:
        request = session.post(emulator.api_url + method, data=args, headers=headers)
    async with request as response:
        return await response.json()


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
async def test_each_required_argument_is_enforced(emulator: SlackEmulator, as_json: bool) -> None:
    checked = 0
    async with aiohttp.ClientSession() as session:
        for name, spec in METHODS.items():
            token = emulator.app_token if spec.token == "app" else emulator.bot_token
            required = set(spec.required) | (spec_required(name) if name not in NEWER_THAN_SPEC else set())
            for absent in sorted(required):
                args = {other: "placeholder" for other in required if other != absent}
                answer = await call(session, emulator, name, args, as_json=as_json, token=token)
                assert answer["ok"] is False, (name, absent)
                assert answer["error"] == "invalid_arguments", (name, absent, answer)
                assert f"[ERROR] missing required field: {absent}" in answer["response_metadata"]["messages"]
                checked += 1
            answer = await call(session, emulator, name, {p: "x" for p in required}, as_json=as_json, token=None)
            assert answer == {"ok": False, "error": "not_authed"}, name
    assert checked >= 20
