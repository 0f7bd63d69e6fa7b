"""A slow or failing AWS for tests: an HTTP reverse proxy in front of the moto server that holds chosen requests
back, or answers them with an error of its own (a throttle, an access denial) without passing them on.

Point a service's endpoint at it (AWS_ENDPOINT_URL_DYNAMODB=proxy.url, say) and set `delay`: every request whose
`X-Amz-Target` header starts with `target_prefix` (`DynamoDB_` by default: every DynamoDB operation) waits that long
before it is forwarded; the rest pass at once. `release()` lets everything held through and stops delaying, so a
test can end without waiting out the requests it slowed down.

The proxy runs its own event loop in a thread: it keeps answering whatever the test's loop does, and it serves
synchronous clients (boto3, PynamoDB on their threads) and asynchronous tests alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

import aiohttp
from aiohttp import web

# Headers that belong to one hop, not to the request or answer (RFC 9110), and those aiohttp sets itself. Bodies
# pass as they are (not decompressed), so Content-Encoding passes with them.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "transfer-encoding", "upgrade", "host", "content-length"})


@dataclass
class Refusal:
    """Answer requests `match` accepts (method, path with query, body) with this error, `times` times (-1: always)."""

    match: Callable[[str, str, bytes], bool]
    status: int
    body: bytes
    content_type: str = "text/xml"
    times: int = 1
    answered: int = 0


@dataclass(frozen=True)
class Forwarded:
    """One request the proxy passed on: what it was, how long it was held, and what the upstream answered."""

    target: str  # the X-Amz-Target header, or "" when there was none
    held: float  # seconds it waited before it was forwarded; 0 when it was not held
    status: int


class DelayingProxy:
    """`with DelayingProxy(upstream) as proxy:` serves on `proxy.url` until the block ends."""

    def __init__(self, upstream: str, *, delay: float = 0.0, target_prefix: str = "DynamoDB_") -> None:
        self.upstream = upstream.rstrip("/")
        self.target_prefix = target_prefix
        self._delay = delay
        self.forwarded: list[Forwarded] = []
        self.refusals: list[Refusal] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="delaying-proxy", daemon=True)
        self._released: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    # --- the switch ------------------------------------------------------------------------------------------------

    @property
    def delay(self) -> float:
        return self._delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        """Hold matching requests this long from now on (0: pass them at once; requests already held stay held)."""
        self._delay = seconds
        if seconds > 0:
            self._call(self._hold)

    def refuse(self, match: Callable[[str, str, bytes], bool], status: int, body: str, *, times: int = 1,
               content_type: str = "text/xml") -> Refusal:
        """Answer the next `times` requests `match` accepts with `status` and `body` (-1: every one from now on)."""
        refusal = Refusal(match, status, body.encode(), content_type, times)
        self.refusals.append(refusal)
        return refusal

    def release(self) -> None:
        """Stop delaying and let every request held now go through at once."""
        self._delay = 0.0
        self._call(self._let_go)

    def held(self) -> list[Forwarded]:
        """The forwarded requests that were held back."""
        return [f for f in self.forwarded if f.held > 0]

    def _call(self, change: Callable[[], None]) -> None:
        """Apply a change on the proxy's loop and wait until it is applied, so the next request sees it."""
        if not self._thread.is_alive():
            return

        async def apply() -> None:
            change()

        asyncio.run_coroutine_threadsafe(apply(), self._loop).result(timeout=10)

    def _hold(self) -> None:
        assert self._released is not None
        self._released.clear()

    def _let_go(self) -> None:
        assert self._released is not None
        self._released.set()

    # --- lifecycle -------------------------------------------------------------------------------------------------

    def start(self) -> DelayingProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self.release()
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> DelayingProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    async def _start(self) -> None:
        self._released = asyncio.Event()
        if self._delay <= 0:
            self._released.set()
        self._session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    # --- forwarding ------------------------------------------------------------------------------------------------

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None and self._released is not None
        target = request.headers.get("X-Amz-Target", "")
        held = 0.0
        if self._delay > 0 and target.startswith(self.target_prefix):
            started = time.monotonic()
            with contextlib.suppress(TimeoutError):  # a timeout is the whole delay served
                await asyncio.wait_for(self._released.wait(), self._delay)
            held = time.monotonic() - started
        data = await request.read()
        for refusal in self.refusals:
            if refusal.times != 0 and refusal.match(request.method, request.path_qs, data):
                refusal.times -= 1 if refusal.times > 0 else 0
                refusal.answered += 1
                return web.Response(status=refusal.status, body=refusal.body, content_type=refusal.content_type)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with self._session.request(request.method, self.upstream + request.path_qs, headers=headers,
                                         data=data) as answer:
            body = await answer.read()
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
            self.forwarded.append(Forwarded(target, held, answer.status))
            return web.Response(status=answer.status, body=body, headers=kept)
