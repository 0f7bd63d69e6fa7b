"""The sandbox's JSON API, which the page uses too: ClickOps, what the Slack workspace shows, and acting in it.

Acting goes through the Slack emulator's person helpers, so every click and submission reaches tfsync as the
Socket Mode envelope Slack would send, and what tfsync answers is read back from the emulated workspace.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from renderers.slack.ids import Callback
from sandbox import repo as git_repo
from sandbox.aws import ACCOUNT_ID
from sandbox.clickops import CONSOLE, ClickOps, ClickOpsError, Created
from sandbox.slack import SlackEmulator, UnknownCommand
from sandbox.slack.workspace import Ephemeral, Message, User, View

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
# How long to wait for what tfsync does after acking: a modal opened, an ephemeral answer, a home published.
FOLLOW_UP_SECONDS = 3.0
POLL_SECONDS = 0.02
MAX_BODY = 256 * 1024
CLOSE: dict[str, Any] = {"kind": "__close__"}


class ApiProblem(Exception):
    """A request the API cannot do, answered with status 400 (or the given one) and the reason."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Hub:
    """Fans changes out to the page's event streams (server-sent events)."""

    subscribers: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set)

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        event = {"kind": kind, **data}
        for queue in list(self.subscribers):
            if queue.qsize() < 1000:
                queue.put_nowait(event)

    def close(self) -> None:
        """End every open stream, so shutting the server down does not wait for browsers to leave."""
        for queue in list(self.subscribers):
            queue.put_nowait(CLOSE)


@dataclass
class SandboxContext:
    """What the API works with."""

    emulator: SlackEmulator
    clickops: ClickOps
    repository: Path
    default_channel: str
    default_user: str
    hub: Hub = field(default_factory=Hub)
    # The latest ClickOps creations, oldest first, so a page opened later still lists them.
    created: deque[dict[str, str]] = field(default_factory=lambda: deque(maxlen=40))

    def record(self, made: Created) -> None:
        entry = made.as_dict()
        self.created.append(entry)
        self.hub.publish("clickops", entry)


# --- shapes -------------------------------------------------------------------------------------------------------


def _user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "real_name": user.real_name, "email": user.email,
            "is_bot": user.is_bot, "is_admin": user.is_admin}


def message_json(emulator: SlackEmulator, message: Message, *, with_replies: bool = True) -> dict[str, Any]:
    workspace = emulator.workspace
    channel = workspace.channels.get(message.channel)
    data: dict[str, Any] = {
        "channel": message.channel,
        "channel_name": channel.name if channel else "",
        "ts": message.ts,
        "thread_ts": message.thread_ts,
        "text": message.text,
        "blocks": message.blocks,
        "user": message.user,
        "bot": bool(message.bot_id),
        "edited": bool(message.edited),
    }
    if with_replies:
        data["replies"] = [message_json(emulator, reply, with_replies=False)
                           for reply in workspace.replies_of(message)]
    return data


def ephemeral_json(ephemeral: Ephemeral) -> dict[str, Any]:
    return {"channel": ephemeral.channel, "user": ephemeral.user, "ts": ephemeral.ts, "text": ephemeral.text,
            "blocks": ephemeral.blocks, "thread_ts": ephemeral.thread_ts}


def view_json(view: View | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {**view.to_api(), "errors": dict(view.errors), "is_open": view.is_open}


# --- helpers --------------------------------------------------------------------------------------------------------


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise ApiProblem("request body too large", 413)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise ApiProblem("the body is not JSON") from None
    if not isinstance(body, dict):
        raise ApiProblem("the body must be a JSON object")
    return body


def _text(body: dict[str, Any], key: str, default: str | None = None) -> str:
    value = body.get(key, default)
    if not isinstance(value, str) or (default is None and not value):
        raise ApiProblem(f"'{key}' must be a non-empty string")
    return value


async def _until(check: Callable[[], Any], seconds: float = FOLLOW_UP_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() >= deadline:
            return result
        await asyncio.sleep(POLL_SECONDS)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda value: json.dumps(value, ensure_ascii=False))


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiProblem as exc:
        return _json({"ok": False, "error": str(exc)}, exc.status)
    except (KeyError, ValueError) as exc:
        # The emulator's person helpers refuse what a person could not do (no such user, required input empty).
        message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
        return _json({"ok": False, "error": message}, 400)
    except ClickOpsError as exc:
        return _json({"ok": False, "error": str(exc)}, 400)


class SandboxApi:
    """Route handlers over one SandboxContext."""

    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx
        self.emu = ctx.emulator

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC, show_index=False, append_version=False)
        app.router.add_get("/sandbox/workspace", self.workspace)
        app.router.add_get("/sandbox/types", self.types)
        app.router.add_post("/sandbox/clickops", self.clickops)
        app.router.add_get("/sandbox/clickops", self.created)
        app.router.add_post("/sandbox/clickops/burst", self.burst)
        app.router.add_get("/sandbox/messages", self.messages)
        app.router.add_get("/sandbox/ephemerals", self.ephemerals)
        app.router.add_post("/sandbox/interact", self.interact)
        app.router.add_post("/sandbox/views/submit", self.submit)
        app.router.add_post("/sandbox/views/close", self.close)
        app.router.add_post("/sandbox/views/options", self.options)
        app.router.add_get("/sandbox/views/{view_id}", self.view)
        app.router.add_post("/sandbox/command", self.command)
        app.router.add_get("/sandbox/home", self.home)
        app.router.add_get("/sandbox/git/log", self.git_log)
        app.router.add_get("/sandbox/git/show", self.git_show)
        app.router.add_get("/sandbox/events", self.events)

    # --- page -------------------------------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def workspace(self, request: web.Request) -> web.Response:
        workspace = self.emu.workspace
        return _json({
            "team": {"id": workspace.team.id, "name": workspace.team.name, "domain": workspace.team.domain},
            "bot_user": workspace.bot_user.id,
            "users": [_user_json(user) for user in workspace.users.values()],
            "channels": [{"id": c.id, "name": c.name, "topic": c.topic, "purpose": c.purpose,
                          "members": len(c.members)} for c in workspace.channels.values()],
            "default_channel": workspace.channel(self.ctx.default_channel).id,
            "default_user": workspace.user(self.ctx.default_user).id,
            "repository": str(self.ctx.repository),
        })

    async def types(self, request: web.Request) -> web.Response:
        return _json({"types": self.ctx.clickops.types()})

    # --- ClickOps ---------------------------------------------------------------------------------------------------

    def _clickops_args(self, body: dict[str, Any]) -> dict[str, Any]:
        tags = body.get("tags") or {}
        if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
            raise ApiProblem("'tags' must be an object of strings")
        origin = body.get("as", CONSOLE)
        return {"tf_type": _text(body, "tf_type"), "name": _text(body, "name", ""), "tags": tags,
                "actor": _text(body, "actor", "alice@example.com") or "alice@example.com",
                "origin": origin if isinstance(origin, str) else "",
                "account": _text(body, "account", ACCOUNT_ID) or ACCOUNT_ID}

    async def clickops(self, request: web.Request) -> web.Response:
        body = await _body(request)
        args = self._clickops_args(body)
        missed = body.get("missed", False)
        if not isinstance(missed, bool):
            raise ApiProblem("'missed' must be true or false")
        made = await asyncio.to_thread(self.ctx.clickops.create, **args, send_event=not missed)
        if not missed:
            self.ctx.record(made)
        return _json({"event_id": made.event_id, "import_id": made.import_id, "tf_type": made.tf_type,
                      "name": made.name, "as": made.origin, "account": made.account, "missed": missed})

    async def created(self, request: web.Request) -> web.Response:
        return _json({"created": list(self.ctx.created)})

    async def burst(self, request: web.Request) -> web.Response:
        args = self._clickops_args(await _body(request))
        made = await asyncio.to_thread(self.ctx.clickops.burst, **args)
        for item in made:
            self.ctx.record(item)
        return _json({"created": [{"event_id": m.event_id, "import_id": m.import_id} for m in made]})

    # --- what people see --------------------------------------------------------------------------------------------

    async def messages(self, request: web.Request) -> web.Response:
        workspace = self.emu.workspace
        wanted = request.query.get("channel")
        channels = [workspace.channel(wanted)] if wanted else list(workspace.channels.values())
        out = [message_json(self.emu, message) for channel in channels for message in workspace.top_level(channel.id)]
        return _json({"messages": out})

    async def ephemerals(self, request: web.Request) -> web.Response:
        user = request.query.get("user") or self.ctx.default_user
        channel = request.query.get("channel")
        return _json({"ephemerals": [ephemeral_json(e) for e in self.emu.ephemerals(channel, user)]})

    async def view(self, request: web.Request) -> web.Response:
        found = self.emu.views.get(request.match_info["view_id"])
        if found is None:
            raise ApiProblem("no such view", 404)
        return _json({"view": view_json(found)})

    async def home(self, request: web.Request) -> web.Response:
        user = self.emu.workspace.user(request.query.get("user") or self.ctx.default_user)
        published = len(self.emu.calls_to("views.publish"))
        envelope = await self.emu.open_home(user.id)
        await envelope.wait_ack()
        # The app publishes the tab after acking app_home_opened; answer with what it published.
        await _until(lambda: len(self.emu.calls_to("views.publish")) > published and self.emu.home(user.id))
        return _json({"view": view_json(self.emu.home(user.id))})

    # --- acting -----------------------------------------------------------------------------------------------------

    async def _opened_by(self, trigger_id: str, user: str) -> View | None:
        """The modal an interaction opened, once tfsync has replaced its "loading" view with the real one."""
        trigger = self.emu.workspace.triggers.get(trigger_id)
        if trigger is None:
            return None
        used = await _until(lambda: trigger.used)
        if not used:
            return None
        await _until(lambda: (modal := self.emu.modal(user)) is None or modal.callback_id != Callback.LOADING_SHOW)
        return self.emu.modal(user)

    async def interact(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.emu.workspace.user(_text(body, "user", self.ctx.default_user) or self.ctx.default_user)
        action_id = _text(body, "action_id")
        block_id = body.get("block_id") if isinstance(body.get("block_id"), str) else None
        view_id = body.get("view_id")
        if isinstance(view_id, str) and view_id:
            envelope = await self.emu.click_in_view(user.id, view_id, action_id, value=body.get("value"),
                                                    block_id=block_id)
        elif body.get("ephemeral") is True:
            try:
                envelope = await self.emu.click_ephemeral(user.id, _text(body, "channel"), _text(body, "message_ts"),
                                                          action_id, value=body.get("value"), block_id=block_id)
            except ValueError as exc:
                raise ApiProblem(str(exc)) from None
        else:
            envelope = await self.emu.click(user.id, _text(body, "channel"), _text(body, "message_ts"), action_id,
                                            value=body.get("value"), block_id=block_id)
        ack = await envelope.wait_ack()
        opened = await self._opened_by(envelope.payload["trigger_id"], user.id)
        return _json({"ok": ack.problem is None, "problem": ack.problem, "view": view_json(opened)})

    async def submit(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.emu.workspace.user(_text(body, "user", self.ctx.default_user) or self.ctx.default_user)
        view_id = _text(body, "view_id")
        values = body.get("values") or {}
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise ApiProblem("'values' must be {block_id: {action_id: value}}")
        envelope = await self.emu.submit_view(user.id, view_id, values)
        ack = await envelope.wait_ack()
        submitted = self.emu.views[view_id]
        answer = ack.payload or {}
        top = self.emu.modal(user.id)
        return _json({
            "ok": ack.problem is None,
            "problem": ack.problem,
            "response_action": answer.get("response_action"),
            "errors": dict(submitted.errors),
            "closed": not submitted.is_open,
            "view": view_json(top),
        })

    async def close(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.emu.workspace.user(_text(body, "user", self.ctx.default_user) or self.ctx.default_user)
        envelope = await self.emu.close_view(user.id, _text(body, "view_id"))
        if envelope is not None:
            await envelope.wait_ack()
        return _json({"ok": True, "view": view_json(self.emu.modal(user.id))})

    async def options(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.emu.workspace.user(_text(body, "user", self.ctx.default_user) or self.ctx.default_user)
        envelope = await self.emu.load_options(user.id, _text(body, "view_id"), _text(body, "action_id"),
                                               _text(body, "query", ""))
        ack = await envelope.wait_ack()
        answer = ack.payload or {}
        return _json({"options": answer.get("options") or [], "option_groups": answer.get("option_groups") or []})

    async def command(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.emu.workspace.user(_text(body, "user", self.ctx.default_user) or self.ctx.default_user)
        channel = self.emu.workspace.channel(_text(body, "channel", self.ctx.default_channel)
                                             or self.ctx.default_channel)
        line = _text(body, "text").strip()
        if not line.startswith("/"):
            raise ApiProblem("a command starts with /, e.g. /tfsync help")
        command, _, text = line.partition(" ")
        before = len(self.emu.workspace.ephemerals)
        try:
            envelope = await self.emu.slash_command(user.id, channel.id, command, text.strip())
        except UnknownCommand as unknown:
            # Slack itself answers a command no app declares; tfsync never hears of it.
            return _json({"ok": False, "problem": str(unknown), "ephemerals": [ephemeral_json(unknown.note)],
                          "view": None})
        ack = await envelope.wait_ack()
        trigger_id = envelope.payload["trigger_id"]
        trigger = self.emu.workspace.triggers.get(trigger_id)

        def answered() -> bool:
            mine = [e for e in self.emu.workspace.ephemerals[before:] if e.user == user.id]
            return bool(mine) or bool(trigger and trigger.used)

        await _until(answered)
        new = [e for e in self.emu.workspace.ephemerals[before:] if e.user == user.id]
        opened = await self._opened_by(trigger_id, user.id) if trigger and trigger.used else None
        return _json({"ok": ack.problem is None, "problem": ack.problem,
                      "ephemerals": [ephemeral_json(e) for e in new], "view": view_json(opened)})

    # --- the repository ---------------------------------------------------------------------------------------------

    async def git_log(self, request: web.Request) -> web.Response:
        commits = await asyncio.to_thread(git_repo.log, self.ctx.repository)
        return _json({"commits": [commit.as_dict() for commit in commits]})

    async def git_show(self, request: web.Request) -> web.Response:
        sha = request.query.get("sha", "")
        file = request.query.get("file", "")
        if not sha or not all(c in "0123456789abcdef" for c in sha) or not file or file.startswith(("-", "/")):
            raise ApiProblem("'sha' (hex) and 'file' (a path in the repository) are required")
        try:
            content = await asyncio.to_thread(git_repo.show_file, self.ctx.repository, sha, file)
        except RuntimeError:
            raise ApiProblem("no such file at that commit", 404) from None
        return _json({"sha": sha, "file": file, "content": content})

    # --- live updates -----------------------------------------------------------------------------------------------

    async def events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.ctx.hub.subscribers.add(queue)
        try:
            await response.write(b"retry: 1000\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=15)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if event is CLOSE:
                    break
                await response.write(f"data: {json.dumps(event)}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.ctx.hub.subscribers.discard(queue)
        return response


def build_web_app(ctx: SandboxContext) -> web.Application:
    """The page and the JSON API, with the emulator's changes streamed to the page."""
    app = web.Application(middlewares=[_errors], client_max_size=MAX_BODY)
    SandboxApi(ctx).routes(app)
    ctx.emulator.on_change(ctx.hub.publish)
    return app
