"""The Web API methods tfsync calls, answering with Slack's request and response shapes and Slack's errors."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from sandbox.slack.faults import Fault, Faults
from sandbox.slack.validation import MAX_MESSAGE_TEXT, message_block_problems, view_problems
from sandbox.slack.workspace import Channel, Ephemeral, Message, View, Workspace

logger = logging.getLogger(__name__)

BOT = "bot"
APP = "app"
MAX_MODAL_STACK = 3
# Slack's documented posting limit: about one message per second per channel, answered with HTTP 429.
RATE_LIMIT_WINDOW_SECONDS = 1.0


class ApiError(Exception):
    """A Slack error answer: `{"ok": false, "error": code}` plus optional response_metadata messages."""

    def __init__(
        self, code: str, messages: list[str] | None = None, *, status: int = 200, headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.messages = messages or []
        self.status = status
        self.headers = headers or {}


@dataclass(frozen=True)
class MethodSpec:
    name: str
    handler: str
    # Arguments Slack answers `invalid_arguments` for when absent (the spec's required ones, at least).
    required: tuple[str, ...]
    token: str = BOT


@dataclass
class ApiCall:
    """One request that reached the emulator, with what it was answered."""

    method: str
    args: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    # Set when an injected fault answered: "instead" (the call was not applied) or "applied" (it was, then failed).
    fault: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")


METHODS: dict[str, MethodSpec] = {
    spec.name: spec
    for spec in (
        MethodSpec("auth.test", "auth_test", ()),
        MethodSpec("apps.connections.open", "apps_connections_open", (), token=APP),
        MethodSpec("chat.postMessage", "chat_post_message", ("channel",)),
        MethodSpec("chat.update", "chat_update", ("channel", "ts")),
        MethodSpec("chat.delete", "chat_delete", ("channel", "ts")),
        MethodSpec("chat.postEphemeral", "chat_post_ephemeral", ("channel", "user")),
        MethodSpec("chat.getPermalink", "chat_get_permalink", ("channel", "message_ts")),
        MethodSpec("views.open", "views_open", ("trigger_id", "view")),
        MethodSpec("views.update", "views_update", ("view",)),
        MethodSpec("views.push", "views_push", ("trigger_id", "view")),
        MethodSpec("views.publish", "views_publish", ("user_id", "view")),
        MethodSpec("users.lookupByEmail", "users_lookup_by_email", ("email",)),
        MethodSpec("users.info", "users_info", ("user",)),
        MethodSpec("usergroups.users.list", "usergroups_users_list", ("usergroup",)),
        MethodSpec("conversations.info", "conversations_info", ("channel",)),
        MethodSpec("conversations.replies", "conversations_replies", ("channel", "ts")),
        MethodSpec("conversations.history", "conversations_history", ("channel",)),
    )
}


def _as_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _as_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes")


def _as_json(value: Any, *, error: str, kind: type) -> Any:
    """A structured argument: JSON bodies carry it as is, form bodies as a JSON string."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ApiError(error, [f"[ERROR] could not parse JSON: {value[:40]!r}"]) from None
    if not isinstance(value, kind):
        raise ApiError(error, [f"[ERROR] expected a JSON {kind.__name__}"])
    return value


def _parse_ts(value: str | None, error: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise ApiError(error) from None


class WebApi:
    """Slack's Web API over one workspace; `handle` is the aiohttp handler for /api/{method}."""

    def __init__(
        self, workspace: Workspace, *, bot_token: str, app_token: str, verification_token: str,
        open_socket_url: Callable[[], str], trigger_ttl: float, on_change: Callable[[str, dict[str, Any]], None],
    ) -> None:
        self.workspace = workspace
        self.bot_token = bot_token
        self.app_token = app_token
        self.verification_token = verification_token
        self.open_socket_url = open_socket_url
        self.trigger_ttl = trigger_ttl
        self.rate_limit = False
        self.faults = Faults()
        self.calls: list[ApiCall] = []
        self._on_change = on_change
        self._last_post: dict[str, float] = {}

    # --- HTTP -------------------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = {}
        status, headers = 200, {}
        injected: tuple[str, Fault] | None = None
        try:
            args, body_is_json = await self._read_args(request)
            if fault := self.faults.instead(method):
                injected = ("instead", fault)
            else:
                body = await self._dispatch(method, request, args, body_is_json)
                if fault := self.faults.after(method):
                    injected = ("applied", fault)
        except ApiError as exc:
            status, headers = exc.status, exc.headers
            body = {"ok": False, "error": exc.code}
            if exc.messages:
                body["response_metadata"] = {"messages": exc.messages}
            if exc.code == "unknown_method":
                body["req_method"] = method
        if injected is not None:
            status, headers, body = injected[1].status, injected[1].headers(), {"ok": False, "error": injected[1].error}
        safe_args = {key: value for key, value in args.items() if key != "token"}
        self.calls.append(ApiCall(method=method, args=safe_args, status=status, response=body,
                                  fault=injected[0] if injected else None))
        if not body.get("ok"):
            logger.debug("slack emulator: %s -> %s", method, body.get("error"))
        return web.json_response(body, status=status, headers=headers)

    async def _read_args(self, request: web.Request) -> tuple[dict[str, Any], bool]:
        args: dict[str, Any] = dict(request.query)
        if request.method != "POST":
            return args, False
        raw = await request.read()
        content_type = request.content_type
        if content_type == "application/json":
            try:
                data = json.loads(raw or b"null")
            except ValueError:
                raise ApiError("invalid_json") from None
            if not isinstance(data, dict):
                raise ApiError("json_not_object")
            args.update(data)
            return args, True
        if content_type in ("application/x-www-form-urlencoded", ""):
            args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            return args, False
        if content_type == "multipart/form-data":
            raise ApiError("invalid_form_data", ["[ERROR] multipart bodies are not supported by the emulator"])
        raise ApiError("invalid_post_type")

    async def _dispatch(
        self, method: str, request: web.Request, args: dict[str, Any], body_is_json: bool,
    ) -> dict[str, Any]:
        spec = METHODS.get(method)
        if spec is None:
            raise ApiError("unknown_method", status=404)
        self._authenticate(spec, request, args, body_is_json)
        missing = [name for name in spec.required if name not in args]
        if missing:
            raise ApiError("invalid_arguments", [f"[ERROR] missing required field: {name}" for name in missing])
        handler: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]] = getattr(self, spec.handler)
        result = await handler(args)
        return {"ok": True, **result}

    def _authenticate(self, spec: MethodSpec, request: web.Request, args: dict[str, Any], body_is_json: bool) -> None:
        header = request.headers.get("Authorization", "")
        token = header[len("Bearer "):].strip() if header.startswith("Bearer ") else ""
        if not token and not body_is_json:
            # Form and query tokens are accepted; a JSON body must use the header, as with Slack.
            token = _as_str(args.get("token")) or ""
        if not token:
            raise ApiError("not_authed")
        kind = {self.bot_token: BOT, self.app_token: APP}.get(token)
        if kind is None:
            raise ApiError("invalid_auth")
        if kind != spec.token:
            raise ApiError("not_allowed_token_type")

    def _changed(self, kind: str, **data: Any) -> None:
        try:
            self._on_change(kind, data)
        except Exception:
            logger.exception("slack emulator: change listener failed for %s", kind)

    # --- shared argument handling -----------------------------------------------------------------------------

    def _channel(self, args: dict[str, Any], name: str = "channel", *, by_name: bool = False) -> Channel:
        ref = _as_str(args.get(name)) or ""
        found = self.workspace.resolve_channel(ref) if by_name else self.workspace.channels.get(ref)
        if found is None:
            raise ApiError("channel_not_found")
        return found

    def _content(self, args: dict[str, Any], *, required: bool = True) -> tuple[str | None, list | None, list | None]:
        """text, blocks and attachments of a message, checked as Slack checks them."""
        text = _as_str(args.get("text"))
        blocks = None
        if args.get("blocks") not in (None, ""):
            blocks = _as_json(args["blocks"], error="invalid_blocks_format", kind=list)
            problems = message_block_problems(blocks)
            if problems:
                raise ApiError("invalid_blocks", problems)
            blocks = self.workspace.ids.fill_ids(blocks)
        attachments = None
        if args.get("attachments") not in (None, ""):
            attachments = _as_json(args["attachments"], error="invalid_attachments", kind=list)
            if len(attachments) > 100:
                raise ApiError("too_many_attachments")
        if required and not text and not blocks and not attachments:
            raise ApiError("no_text")
        if text is not None and len(text) > MAX_MESSAGE_TEXT:
            raise ApiError("msg_too_long")
        return text, blocks, attachments

    def _check_rate_limit(self, channel: Channel) -> None:
        if not self.rate_limit:
            return
        now = time.monotonic()
        last = self._last_post.get(channel.id)
        if last is not None and now - last < RATE_LIMIT_WINDOW_SECONDS:
            raise ApiError("ratelimited", status=429, headers={"Retry-After": "1"})
        self._last_post[channel.id] = now

    def _trigger(self, args: dict[str, Any]) -> tuple[str, str | None]:
        """Spend a trigger_id: its person, and the modal it came from."""
        trigger = self.workspace.triggers.get(_as_str(args.get("trigger_id")) or "")
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self.trigger_ttl:
            raise ApiError("expired_trigger_id")
        trigger.used = True
        return trigger.user, trigger.view_id

    def _view_arg(self, args: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
        view = _as_json(args.get("view"), error="invalid_arguments", kind=dict)
        problems = view_problems(view, allowed_types=allowed)
        if problems:
            raise ApiError("invalid_arguments", problems)
        return view

    # --- auth and Socket Mode ---------------------------------------------------------------------------------

    async def auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        team, bot = self.workspace.team, self.workspace.bot_user
        return {
            "url": team.url, "team": team.name, "user": bot.name, "team_id": team.id, "user_id": bot.id,
            "bot_id": self.workspace.bot_id, "is_enterprise_install": False,
        }

    async def apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.open_socket_url()}

    # --- chat -------------------------------------------------------------------------------------------------

    def _bot_message(self, channel: Channel, text: str | None, blocks: list | None, attachments: list | None,
                     thread_ts: str | None) -> Message:
        workspace = self.workspace
        return Message(
            channel=channel.id, ts=workspace.next_ts(), user=workspace.bot_user.id, text=text or "",
            blocks=blocks or [], attachments=attachments or [], thread_ts=thread_ts, bot_id=workspace.bot_id,
            app_id=workspace.app_id, team=workspace.team.id,
        )

    def _thread_parent_ts(self, channel: Channel, thread_ts: str | None) -> str | None:
        if thread_ts in (None, ""):
            return None
        parent = self.workspace.find_message(channel.id, thread_ts)
        if parent is None:
            raise ApiError("thread_not_found")
        # A reply to a reply lands in the parent's thread.
        return parent.thread_ts if parent.is_reply else parent.ts

    async def chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args, by_name=True)
        if self.workspace.bot_user.id not in channel.members:
            raise ApiError("not_in_channel")
        text, blocks, attachments = self._content(args)
        thread_ts = self._thread_parent_ts(channel, _as_str(args.get("thread_ts")))
        metadata = args.get("metadata")
        if metadata not in (None, ""):
            metadata = _as_json(metadata, error="invalid_metadata_format", kind=dict)
            if not isinstance(metadata.get("event_type"), str) or not isinstance(metadata.get("event_payload"), dict):
                raise ApiError("invalid_metadata_schema")
        self._check_rate_limit(channel)
        message = self._bot_message(channel, text, blocks, attachments, thread_ts)
        message.metadata = metadata or None
        message.unfurl_links = _as_bool(args.get("unfurl_links"))
        message.unfurl_media = _as_bool(args.get("unfurl_media"))
        message.reply_broadcast = bool(_as_bool(args.get("reply_broadcast"))) and thread_ts is not None
        self.workspace.add_message(message)
        self._changed("message", channel=channel.id, ts=message.ts, thread_ts=message.thread_ts)
        return {"channel": channel.id, "ts": message.ts, "message": message.to_api()}

    def _own_message(self, args: dict[str, Any], ts_name: str, forbidden: str) -> tuple[Channel, Message]:
        channel = self._channel(args)
        message = self.workspace.find_message(channel.id, _as_str(args.get(ts_name)) or "")
        if message is None:
            raise ApiError("message_not_found")
        if message.user != self.workspace.bot_user.id:
            raise ApiError(forbidden)
        return channel, message

    async def chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._own_message(args, "ts", "cant_update_message")
        text, blocks, attachments = self._content(args, required=False)
        if text is None and blocks is None and attachments is None:
            raise ApiError("no_text")
        if text is not None:
            message.text = text
        if blocks is not None:
            message.blocks = blocks
        if attachments is not None:
            message.attachments = attachments
        message.edited = {"user": self.workspace.bot_user.id, "ts": self.workspace.next_ts()}
        self._changed("message_changed", channel=channel.id, ts=message.ts, thread_ts=message.thread_ts)
        return {"channel": channel.id, "ts": message.ts, "text": message.text,
                "message": message.to_api(self.workspace.replies_of(message))}

    async def chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._own_message(args, "ts", "cant_delete_message")
        self.workspace.remove_message(message)
        self._changed("message_deleted", channel=channel.id, ts=message.ts, thread_ts=message.thread_ts)
        return {"channel": channel.id, "ts": message.ts}

    async def chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args, by_name=True)
        user = self.workspace.users.get(_as_str(args.get("user")) or "")
        if user is None or user.id not in channel.members:
            raise ApiError("user_not_in_channel")
        if self.workspace.bot_user.id not in channel.members:
            raise ApiError("not_in_channel")
        text, blocks, _ = self._content(args)
        thread_ts = self._thread_parent_ts(channel, _as_str(args.get("thread_ts")))
        ephemeral = Ephemeral(channel=channel.id, user=user.id, ts=self.workspace.next_ts(), text=text or "",
                              blocks=blocks or [], thread_ts=thread_ts)
        self.workspace.ephemerals.append(ephemeral)
        self._changed("ephemeral", channel=channel.id, user=user.id, ts=ephemeral.ts)
        return {"message_ts": ephemeral.ts}

    async def chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        message = self.workspace.find_message(channel.id, _as_str(args.get("message_ts")) or "")
        if message is None:
            raise ApiError("message_not_found")
        permalink = f"{self.workspace.team.url}archives/{channel.id}/p{message.ts.replace('.', '')}"
        if message.is_reply:
            permalink += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": permalink}

    # --- views ------------------------------------------------------------------------------------------------

    async def views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view_payload = self._view_arg(args, ("modal",))
        user, _ = self._trigger(args)
        workspace = self.workspace
        for old_id in workspace.modal_stacks.get(user, []):
            workspace.views[old_id].is_open = False
        view = workspace.new_view(user, view_payload)
        view.root_view_id = view.id
        workspace.modal_stacks[user] = [view.id]
        self._changed("view_opened", user=user, view_id=view.id)
        return {"view": view.to_api()}

    async def views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        view_payload = self._view_arg(args, ("modal",))
        user, from_view = self._trigger(args)
        stack = self.workspace.modal_stacks.get(user, [])
        if not stack or from_view not in stack:
            raise ApiError("not_found", ["[ERROR] views.push needs a trigger from an open modal"])
        if len(stack) >= MAX_MODAL_STACK:
            raise ApiError("push_limit_reached")
        view = self.workspace.new_view(user, view_payload)
        view.previous_view_id = stack[-1]
        view.root_view_id = stack[0]
        stack.append(view.id)
        self._changed("view_opened", user=user, view_id=view.id)
        return {"view": view.to_api()}

    async def views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = _as_str(args.get("view_id"))
        external_id = _as_str(args.get("external_id"))
        if not view_id and not external_id:
            raise ApiError("invalid_arguments", ["[ERROR] either view_id or external_id is required"])
        view: View | None
        if view_id:
            view = self.workspace.views.get(view_id)
        else:
            view = next((v for v in self.workspace.views.values() if v.external_id == external_id), None)
        if view is None or not view.is_open:
            raise ApiError("not_found")
        payload = self._view_arg(args, (view.type,))
        expected_hash = _as_str(args.get("hash"))
        if expected_hash and expected_hash != view.hash:
            raise ApiError("hash_conflict")
        view.apply(self.workspace.with_ids(payload), self.workspace.next_hash())
        self._changed("view_updated", user=view.user, view_id=view.id)
        return {"view": view.to_api()}

    async def views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.workspace.users.get(_as_str(args.get("user_id")) or "")
        if user is None:
            raise ApiError("user_not_found")
        payload = self._view_arg(args, ("home",))
        workspace = self.workspace
        existing = workspace.views.get(workspace.home_views.get(user.id, ""))
        expected_hash = _as_str(args.get("hash"))
        if existing is not None and expected_hash and expected_hash != existing.hash:
            raise ApiError("hash_conflict")
        if existing is None:
            existing = workspace.new_view(user.id, payload)
            existing.root_view_id = existing.id
            workspace.home_views[user.id] = existing.id
        else:
            existing.apply(workspace.with_ids(payload), workspace.next_hash())
        self._changed("home_published", user=user.id, view_id=existing.id)
        return {"view": existing.to_api()}

    # --- users and conversations ------------------------------------------------------------------------------

    async def users_lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.workspace.user_by_email(_as_str(args.get("email")) or "")
        if user is None:
            raise ApiError("users_not_found")
        return {"user": user.to_api(self.workspace.team.id)}

    async def users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.workspace.users.get(_as_str(args.get("user")) or "")
        if user is None:
            raise ApiError("user_not_found")
        return {"user": user.to_api(self.workspace.team.id)}

    async def usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        group = self.workspace.usergroups.get(_as_str(args.get("usergroup")) or "")
        if group is None:
            raise ApiError("no_such_subteam")
        return {"users": list(group.members)}

    async def conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        return {"channel": channel.to_api(self.workspace.bot_user.id)}

    def _page(self, messages: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
        try:
            limit = int(_as_str(args.get("limit")) or 100)
            start = int(_as_str(args.get("cursor")) or 0)
        except ValueError:
            raise ApiError("invalid_cursor") from None
        limit = max(1, min(limit, 1000))
        page = messages[start:start + limit]
        more = start + limit < len(messages)
        return {"messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _member_channel(self, args: dict[str, Any]) -> Channel:
        channel = self._channel(args)
        if channel.is_private and self.workspace.bot_user.id not in channel.members:
            raise ApiError("channel_not_found")
        if self.workspace.bot_user.id not in channel.members:
            raise ApiError("not_in_channel")
        return channel

    async def conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(args)
        message = self.workspace.find_message(channel.id, _as_str(args.get("ts")) or "")
        if message is None:
            raise ApiError("thread_not_found")
        if message.is_reply:
            message = self.workspace.find_message(channel.id, message.thread_ts or "") or message
        replies = self.workspace.replies_of(message)
        oldest = _parse_ts(_as_str(args.get("oldest")), "invalid_ts_oldest")
        latest = _parse_ts(_as_str(args.get("latest")), "invalid_ts_latest")
        inclusive = bool(_as_bool(args.get("inclusive")))
        chosen = [message] + [m for m in replies if _in_window(m.ts, oldest, latest, inclusive)]
        rendered = [chosen[0].to_api(replies)] + [m.to_api() for m in chosen[1:]]
        return self._page(rendered, args)

    async def conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(args)
        oldest = _parse_ts(_as_str(args.get("oldest")), "invalid_ts_oldest")
        latest = _parse_ts(_as_str(args.get("latest")), "invalid_ts_latest")
        inclusive = bool(_as_bool(args.get("inclusive")))
        shown = [m for m in self.workspace.top_level(channel.id) if _in_window(m.ts, oldest, latest, inclusive)]
        rendered = [m.to_api(self.workspace.replies_of(m)) for m in reversed(shown)]
        result = self._page(rendered, args)
        result["pin_count"] = 0
        return result


def _in_window(ts: str, oldest: float | None, latest: float | None, inclusive: bool) -> bool:
    value = float(ts)
    if oldest is not None and (value < oldest or (value == oldest and not inclusive)):
        return False
    return not (latest is not None and (value > latest or (value == latest and not inclusive)))
