"""Slack's Socket Mode websocket: `hello` on connect, envelopes pushed to the app, acks recorded per envelope."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from sandbox.slack.delivery import AckHandler, Deliveries, Envelope

logger = logging.getLogger(__name__)

# Slack's own limit on concurrent Socket Mode connections per app.
MAX_CONNECTIONS = 10


class SocketMode(Deliveries):
    """The websocket side: tickets from apps.connections.open, live connections, envelopes and their acks."""

    def __init__(self, app_id: str, on_ack: AckHandler) -> None:
        super().__init__(on_ack)
        self.app_id = app_id
        self._tickets: set[str] = set()
        self._connections: list[web.WebSocketResponse] = []
        self._round_robin = itertools.count()
        self._connected = asyncio.Event()
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
        envelope = self.pending(str(data.get("envelope_id", ""))) if isinstance(data, dict) else None
        if envelope is None:
            self.stray_acks.append(data if isinstance(data, dict) else {"raw": raw})
            return
        payload = data.get("payload")
        self.acknowledge(envelope, payload if isinstance(payload, dict) else None)

    async def push(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool) -> Envelope:
        """Send one envelope to one of the app's connections (round robin, as Slack spreads them)."""
        if not self._connections:
            raise RuntimeError("no Socket Mode connection: is the app's handler started?")
        envelope = self.new_envelope(kind, payload, accepts_response_payload=accepts_response_payload)
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
