"""Slack's HTTP request mode: each delivery POSTed to the request URL, signed as Slack signs; the answer is its ack.

What Slack sends to the request URL:

- Events API: the `event_callback` as JSON (`application/json`); `url_verification` the same way, once, when the
  URL is saved in the app's settings, and the app must answer with the challenge;
- interactions (block_actions, view_submission, view_closed, block_suggestion): `payload=<the JSON>`, form-encoded;
- slash commands: the command's fields, form-encoded.

Every request carries `X-Slack-Request-Timestamp` (seconds since the epoch) and `X-Slack-Signature`: `v0=` and the
hex HMAC-SHA256, keyed with the app's signing secret, of `v0:{timestamp}:{body}`, the body's bytes exactly as sent.

The response is the ack, read as the Socket Mode ack frame's payload is: HTTP 200 with an empty body is a bare ack,
a JSON object is the payload (a view submission's response_action, a command's message, the options of an external
select), and a command's plain-text body is its message. Any other status is a failed delivery (`Ack.problem`) and
nothing is applied. Slack retries Events API deliveries that fail; the emulator does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from sandbox.slack.delivery import AckHandler, Deliveries, Envelope

SIGNATURE_VERSION = "v0"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
# How long the emulator waits for an answer at all. Slack shows the person an error after three seconds; the
# envelope's wait_ack keeps that deadline, and an answer after it is still recorded (with its `seconds`), as a late
# Socket Mode ack is.
REQUEST_TIMEOUT_SECONDS = 30.0
# Interactions whose answer Slack reads: anything but an empty body or a JSON object is an error there.
ANSWERED_INTERACTIONS = ("view_submission", "block_suggestion")


def _json(payload: dict[str, Any]) -> str:
    """JSON as Slack writes it: compact, UTF-8."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature of `body` sent at `timestamp`."""
    base = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    return f"{SIGNATURE_VERSION}=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(signing_secret: str, body: bytes, *, timestamp: float | None = None) -> dict[str, str]:
    """The two headers that sign a request: its timestamp (now, unless given) and its signature."""
    stamp = str(int(time.time() if timestamp is None else timestamp))
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(signing_secret, stamp, body)}


def encode(kind: str, payload: dict[str, Any]) -> tuple[bytes, str]:
    """The body and content type Slack sends a delivery of this kind (as Socket Mode names kinds) with."""
    if kind == "events_api":
        return _json(payload).encode(), JSON
    if kind == "interactive":
        return urlencode({"payload": _json(payload)}).encode(), FORM
    if kind == "slash_commands":
        return urlencode({key: str(value) for key, value in payload.items()}).encode(), FORM
    raise ValueError(f"Slack sends no {kind!r} deliveries")


def read_answer(envelope: Envelope, status: int, text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The ack payload an HTTP answer stands for, and the problem with it, if any."""
    if status != 200:
        return None, f"HTTP {status}"
    if not text.strip():
        return None, None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        return data, None
    if envelope.type == "slash_commands":
        return {"text": text}, None  # Slack shows a command's plain-text answer as its message
    if envelope.type == "interactive" and envelope.payload.get("type") in ANSWERED_INTERACTIONS:
        return None, "the answer is neither empty nor a JSON object"
    return None, None  # an event's or a button's answer body is not read


class RequestUrl(Deliveries):
    """Deliveries to the app's request URL: `url` None until one is saved (`verify` first, as Slack does)."""

    def __init__(self, on_ack: AckHandler, *, signing_secret: str, verification_token: str) -> None:
        super().__init__(on_ack)
        self.url: str | None = None
        self.signing_secret = signing_secret
        self.verification_token = verification_token
        # Seconds added to the timestamp a request is signed with: negative sends it as if signed that long ago.
        self.clock_skew = 0.0
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def push(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool) -> Envelope:
        """POST one delivery to the request URL; its envelope is acked by the answer, in the background."""
        if self.url is None:
            raise RuntimeError("no request URL: the app has none saved (use_request_url)")
        envelope = self.new_envelope(kind, payload, accepts_response_payload=accepts_response_payload)
        body, content_type = encode(kind, payload)
        task = asyncio.create_task(self._deliver(envelope, self.url, body, content_type))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return envelope

    async def _deliver(self, envelope: Envelope, url: str, body: bytes, content_type: str) -> None:
        try:
            status, text = await self.post(url, body, content_type)
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.acknowledge(envelope, None, problem=f"the request URL did not answer: {exc!r}")
            return
        payload, problem = read_answer(envelope, status, text)
        self.acknowledge(envelope, payload, status=status, problem=problem)

    async def post(self, url: str, body: bytes, content_type: str) -> tuple[int, str]:
        """One signed POST, as Slack sends it; the status and body of the answer."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS))
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            **signed_headers(self.signing_secret, body, timestamp=time.time() + self.clock_skew),
        }
        async with self._session.post(url, data=body, headers=headers) as response:
            return response.status, await response.text()

    async def verify(self, url: str) -> None:
        """Slack's check of a request URL being saved: a url_verification the app must answer with its challenge;
        ValueError when it does not."""
        challenge = secrets.token_urlsafe(32)
        body = _json({"token": self.verification_token, "challenge": challenge, "type": "url_verification"})
        status, text = await self.post(url, body.encode(), JSON)
        answered: object = text.strip()
        with contextlib.suppress(ValueError):
            data = json.loads(text)
            if isinstance(data, dict):
                answered = data.get("challenge")
        if status != 200 or answered != challenge:
            raise ValueError(f"{url} did not answer Slack's url_verification challenge (HTTP {status})")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
