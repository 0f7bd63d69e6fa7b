"""Slack's Socket Mode websocket: `hello` on connect, envelopes pushed to the app, acks recorded per envelope."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

logger = logging.getLogger(__name__)

# Slack's own limit on concurrent Socket Mode connections per app.
MAX_CONNECTIONS = 10
# Slack shows the person an error when an interaction is not acknowledged within three seconds.
ACK_DEADLINE_SECONDS = 3.0


@dataclass
class Ack:
    """What the app answered an envelope with; `payload` is None for a bare `ack()`."""

    envelope_id: str
    payload: dict[str, Any] | None
    seconds: float
    # Set when the emulator could not apply the answer (a response_action Slack would refuse, for instance).
    problem: str | None = None


@dataclass
class Envelope:
    """One Socket Mode envelope sent to the app, and its ack once it arrives."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    sent_at: float = field(default_factory=time.monotonic)
    future: asyncio.Future[Ack] | None = None

    def to_wire(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "envelope_id": self.envelope_id,
            "payload": self.payload,
            "type": self.type,
            "accepts_response_payload": self.accepts_response_payload,
        }
        if self.type == "events_api":
            data["retry_attempt"] = 0
            data["retry_reason"] = ""
        return data

    @property
    def ack(self) -> Ack | None:
        if self.future is not None and self.future.done() and not self.future.cancelled():
            return self.future.result()
        return None

    async def wait_ack(self, seconds: float = ACK_DEADLINE_SECONDS) -> Ack:
        """The ack, waiting at most `seconds` (Slack's three by default); TimeoutError otherwise."""
        assert self.future is not None
        async with asyncio.timeout(seconds):
            return await asyncio.shield(self.future)


class SocketMode:
    """The websocket side: tickets from apps.connections.open, live connections, envelopes and their acks."""

    def __init__(self, app_id: str, on_ack: Callable[[Envelope, Ack], str | None]) -> None:
        self.app_id = app_id
        self._on_ack = on_ack
        self._tickets: set[str] = set()
        self._connections: list[web.WebSocketResponse] = []
        self._round_robin = itertools.count()
        self._connected = asyncio.Event()
        self.envelopes: dict[str, Envelope] = {}
        self.stray_acks: list[dict[str, Any]] = []
        self.connections_opened = 0

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    def issue_url(self, base_ws_url: str) -> str:
        """A one-use websocket URL, as apps.connections.open returns it."""
        ticket = secrets.token_hex(16)
        self._tickets.add(ticket)
        return f"{base_ws_url}?ticket={ticket}&app_id={self.app_id}"

    async def wait_connected(self, seconds: float = 10.0) -> None:
        async with asyncio.timeout(seconds):
            await self._connected.wait()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            raise web.HTTPUnauthorized(text="invalid or used ticket")
        if len(self._connections) >= MAX_CONNECTIONS:
            raise web.HTTPTooManyRequests(text="too_many_websockets")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._connections.append(ws)
        self.connections_opened += 1
        self._connected.set()
        await ws.send_json({
            "type": "hello",
            "num_connections": len(self._connections),
            "debug_info": {"host": "applink-emulator", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        })
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._receive(message.data)
                elif message.type == WSMsgType.ERROR:
                    logger.warning("slack emulator: websocket error %s", ws.exception())
        finally:
            with contextlib.suppress(ValueError):
                self._connections.remove(ws)
            if not self._connections:
                self._connected.clear()
        return ws

    def _receive(self, raw: str) -> None:
        try:
            data = json.loads(raw)
        except ValueError:
            logger.warning("slack emulator: the app sent a frame that is not JSON: %.80s", raw)
            return
        envelope = self.envelopes.get(data.get("envelope_id", "")) if isinstance(data, dict) else None
        if envelope is None or envelope.future is None or envelope.future.done():
            self.stray_acks.append(data if isinstance(data, dict) else {"raw": raw})
            return
        payload = data.get("payload")
        ack = Ack(envelope_id=envelope.envelope_id, payload=payload if isinstance(payload, dict) else None,
                  seconds=time.monotonic() - envelope.sent_at)
        ack.problem = self._on_ack(envelope, ack)
        envelope.future.set_result(ack)

    async def push(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool) -> Envelope:
        """Send one envelope to one of the app's connections (round robin, as Slack spreads them)."""
        if not self._connections:
            raise RuntimeError("no Socket Mode connection: is the app's handler started?")
        envelope = Envelope(envelope_id=str(uuid.uuid4()), type=kind, payload=payload,
                            accepts_response_payload=accepts_response_payload,
                            future=asyncio.get_running_loop().create_future())
        self.envelopes[envelope.envelope_id] = envelope
        ws = self._connections[next(self._round_robin) % len(self._connections)]
        await ws.send_json(envelope.to_wire())
        return envelope

    async def close_all(self) -> None:
        for ws in list(self._connections):
            await ws.close()

    async def request_reconnect(self, reason: str = "refresh_requested") -> None:
        """Send every connection Slack's `disconnect` message; the client is expected to reconnect by itself."""
        for ws in list(self._connections):
            await ws.send_json({"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-emulator"}})
