"""Slack's HTTP request mode: Slack posts to the app's request URL, and the HTTP response is the ack.

Served by the Bolt app's own aiohttp web app (`AsyncApp.web_app`): `POST /slack/events` takes everything Slack sends
(events, interactivity, the options of external selects, the /tfsync command) into the same listeners as Socket
Mode. Beside it:

- `GET /healthz`: liveness, the process answers;
- `GET /readyz`: readiness, the app is wired and every readiness check passes (the state tables answer); 503
  otherwise, and from the moment the process begins to stop, so a load balancer sends nothing new. The answers
  name the checks and their outcome, never a setting or an error's text (those are logged).

Every request on `/slack/events` must carry Slack's signature of its raw body (`X-Slack-Signature`, `v0=` and the
HMAC-SHA256 of `v0:{timestamp}:{body}` keyed with the signing secret) made less than five minutes ago
(`X-Slack-Request-Timestamp`). It is checked on the bytes received before anything parses them, and Bolt's own
middleware checks it again: a request that fails gets 401 and reaches no listener. (Bolt parses the body before its
check, and answers 500 to an unsigned body that is not valid JSON or UTF-8; the check in front refuses it first.)

The listeners ack first and do their work after the ack (handlers/flow.py). Bolt runs each listener as a task and
answers the HTTP request as soon as it calls ack(), because `process_before_response` is False: the response is
sent within Slack's three seconds while the work after the ack carries on in the process.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.app.async_app import AsyncApp

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
# Slack's replay window: a request whose signature was made longer ago (or that far ahead) is refused.
MAX_SIGNATURE_AGE_SECONDS = 5 * 60
# How long one readiness check may take before it counts as failed.
CHECK_SECONDS = 2.0
# How long a request in flight may still take when the server stops: an answer is an ack, due within three seconds.
STOP_SECONDS = 3.5

# A readiness check: returns when ready, raises when not.
ReadinessCheck = Callable[[], Awaitable[object]]


class SlackHttpServer:
    """The Bolt app served over HTTP: `await start()`, then `url`; `stopping()` turns readiness off; `close()`."""

    def __init__(
        self, app: AsyncApp, signing_secret: str, *, host: str, port: int,
        checks: Mapping[str, ReadinessCheck] = MappingProxyType({}),
    ) -> None:
        if not signing_secret:
            raise ValueError("HTTP mode needs the signing secret, to verify that requests come from Slack")
        if app.process_before_response:
            # Bolt would then answer only once a listener returned: after the work, not at the ack.
            raise ValueError("process_before_response must be False: the HTTP response is the ack")
        self.app = app
        self.host = host
        self.port = port
        self.checks = dict(checks)
        self._key = signing_secret.encode()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        # Each check's run in flight: a probe while one still runs (a state table slow to answer) waits for it rather
        # than starting another.
        self._checking: dict[str, asyncio.Future[object]] = {}
        self.web_app = app.web_app(path=EVENTS_PATH, port=port)
        self.web_app.middlewares.append(self._signed_only)
        self.web_app.router.add_get(HEALTH_PATH, self._healthz)
        self.web_app.router.add_get(READY_PATH, self._readyz)

    @property
    def url(self) -> str:
        """Where it listens (the port it got, when asked for 0)."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> SlackHttpServer:
        runner = web.AppRunner(self.web_app, access_log=None, shutdown_timeout=STOP_SECONDS)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]
        logger.info("taking Slack's requests on %s%s (HTTP mode)", self.url, EVENTS_PATH)
        return self

    def stopping(self) -> None:
        """From now on /readyz answers 503: the process is stopping."""
        self._stopping = True

    async def close(self) -> None:
        """Stop listening; requests in flight get up to STOP_SECONDS to be answered."""
        self._stopping = True
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        for running in self._checking.values():
            running.cancel()

    # --- the routes ----------------------------------------------------------------------------------------------

    @web.middleware
    async def _signed_only(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Slack's requests with a valid signature of their raw body go on to Bolt; anything else gets 401."""
        if request.path != EVENTS_PATH or request.method != "POST":
            return await handler(request)
        body = await request.read()  # kept by aiohttp: Bolt's adapter reads the same bytes
        if not self.signed(body, request.headers.get("X-Slack-Request-Timestamp", ""),
                           request.headers.get("X-Slack-Signature", "")):
            logger.warning("refused a request to %s: missing, stale or wrong Slack signature", EVENTS_PATH)
            return web.json_response({"error": "invalid request"}, status=401)
        return await handler(request)

    def signed(self, body: bytes, timestamp: str, signature: str) -> bool:
        """Whether `signature` is Slack's v0 signature of these very bytes, made within the replay window."""
        if not (timestamp.isascii() and timestamp.isdigit()):
            return False
        if abs(time.time() - int(timestamp)) > MAX_SIGNATURE_AGE_SECONDS:
            return False
        expected = hmac.new(self._key, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(("v0=" + expected).encode(), signature.encode("utf-8", "replace"))

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _readyz(self, request: web.Request) -> web.Response:
        if self._stopping or self._runner is None:
            return web.json_response({"ready": False, "checks": {"serving": "stopping"}}, status=503)
        names = list(self.checks)
        outcomes = await asyncio.gather(*(self._check(name) for name in names))
        results = {"serving": "ok", **dict(zip(names, outcomes, strict=True))}
        ready = all(outcome == "ok" for outcome in outcomes)
        return web.json_response({"ready": ready, "checks": results}, status=200 if ready else 503)

    async def _check(self, name: str) -> str:
        running = self._checking.get(name)
        if running is None or running.done():
            running = self._checking[name] = asyncio.ensure_future(self.checks[name]())
            # Its outcome is read by the probes waiting then; one that gave up leaves it to finish unread.
            running.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                await asyncio.shield(running)
        except TimeoutError:
            logger.warning("readiness: %s did not answer within %.0fs", name, CHECK_SECONDS)
            return "timed out"
        except Exception as exc:
            logger.warning("readiness: %s failed: %s", name, exc)
            return "failing"
        return "ok"
