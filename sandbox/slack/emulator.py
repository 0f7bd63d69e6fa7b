"""SlackEmulator: one aiohttp server with Slack's Web API, Socket Mode and response URLs, plus a person to act.

What a person does reaches the app the way the app is set up to hear it: over its Socket Mode connection, or, once a
request URL is saved (`use_request_url`), as signed HTTP requests to it; either way the app's ack is applied alike.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from sandbox.slack import payloads
from sandbox.slack.delivery import Ack, Envelope
from sandbox.slack.faults import Fault, Faults
from sandbox.slack.request_url import RequestUrl
from sandbox.slack.socket_mode import SocketMode
from sandbox.slack.validation import message_block_problems, view_problems
from sandbox.slack.web_api import MAX_MODAL_STACK, ApiCall, WebApi
from sandbox.slack.workspace import Ephemeral, Message, ResponseUrl, Trigger, User, View, Workspace

logger = logging.getLogger(__name__)

ChangeListener = Callable[[str, dict[str, Any]], None]
MAX_RESPONSE_URL_USES = 5
# What Slack tells a person who types a command no app in the workspace declares (nothing is sent to any app).
INVALID_COMMAND = (
    "{command} is not a valid command. In Slack, all messages that start with the \"/\" character are interpreted "
    "as commands.\n\nIf you are trying to send a message and not run a command, try preceding the \"/\" with an "
    "empty space."
)
# The methods tfsync posts to channels with: where "apply then fail" hurts (a blind retry posts twice).
POSTING_METHODS = ("chat.postMessage", "chat.update")


class UnknownCommand(ValueError):
    """A slash command no app declares: Slack answers the person itself and sends nothing to the app."""

    def __init__(self, note: Ephemeral) -> None:
        super().__init__(note.text)
        self.note = note


class SlackEmulator:
    """Slack for tests and the sandbox: start it, point an AsyncWebClient at `api_url`, connect over Socket Mode or
    save the app's request URL (HTTP request mode, signed with `signing_secret`).

    Everything it stores is plain data on `workspace`; the helpers below read it and act as a person would.
    """

    def __init__(
        self, workspace: Workspace | None = None, *, host: str = "127.0.0.1", port: int = 0,
        trigger_ttl: float = 3.0, rate_limit: bool = False, fault_seed: int = 0,
    ) -> None:
        self.workspace = workspace or Workspace()
        self.host = host
        self.port = port
        self.bot_token = "xoxb-" + secrets.token_hex(12)
        self.app_token = "xapp-1-" + secrets.token_hex(12)
        # The legacy verification token every payload carries; Socket Mode apps ignore it, but Slack sends it.
        self.verification_token = secrets.token_hex(12)
        # The app's signing secret: Slack signs every request it sends to the app's request URL with it.
        self.signing_secret = secrets.token_hex(16)
        self._listeners: list[ChangeListener] = []
        self.socket = SocketMode(self.workspace.app_id, self._apply_ack)
        self.http = RequestUrl(self._apply_ack, signing_secret=self.signing_secret,
                               verification_token=self.verification_token)
        self.api = WebApi(
            self.workspace, bot_token=self.bot_token, app_token=self.app_token,
            verification_token=self.verification_token, open_socket_url=self._open_socket_url,
            trigger_ttl=trigger_ttl, on_change=self._notify,
        )
        self.api.rate_limit = rate_limit
        self.api.faults.seed(fault_seed)
        self._runner: web.AppRunner | None = None
        self._dm_channels: dict[str, str] = {}

    # --- lifecycle --------------------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """The aiohttp application; the sandbox can mount it or serve it as is."""
        app = web.Application()
        app.router.add_route("GET", "/api/{method}", self.api.handle)
        app.router.add_route("POST", "/api/{method}", self.api.handle)
        app.router.add_get("/link/", self.socket.handle)
        app.router.add_post("/response-url/{token}", self._handle_response_url)
        return app

    async def start(self) -> SlackEmulator:
        self._runner = web.AppRunner(self.build_app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        # Port 0 asks the OS for a free port; the runner knows which one it got.
        self.port = self._runner.addresses[0][1]
        logger.info("slack emulator listening on %s", self.url)
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.socket.close_all()
        await self.http.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> SlackEmulator:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The Web API base URL, for AsyncWebClient(base_url=...)."""
        return f"{self.url}/api/"

    def web_client(self, **kwargs: Any) -> AsyncWebClient:
        """An AsyncWebClient with the bot token, talking to this emulator."""
        return AsyncWebClient(token=self.bot_token, base_url=self.api_url, **kwargs)

    def _open_socket_url(self) -> str:
        return self.socket.issue_url(f"ws://{self.host}:{self.port}/link/")

    # --- switches and records ---------------------------------------------------------------------------------

    @property
    def rate_limit(self) -> bool:
        """When on, a second chat.postMessage to a channel within a second gets HTTP 429 with Retry-After."""
        return self.api.rate_limit

    @rate_limit.setter
    def rate_limit(self, on: bool) -> None:
        self.api.rate_limit = on

    @property
    def faults(self) -> Faults:
        """The fault switches in force (sandbox/slack/faults.py); `fail`, `apply_then_fail` and `outage` set them."""
        return self.api.faults

    def fail(
        self, methods: str | Iterable[str] | None = None, *, status: int = 429, times: int | None = 1,
        probability: float = 1.0, retry_after: int = 1,
    ) -> Fault:
        """Answer `methods` (None: every Web API method) with HTTP `status` (429 with Retry-After, or 500, 502, 503,
        504) instead of doing them: for the next `times` calls (None: until removed), each with `probability`
        (drawn from the emulator's seeded random). Returns the switch; `faults.remove(switch)` takes it away."""
        return self.api.faults.add(methods, status=status, times=times, probability=probability,
                                   retry_after=retry_after)

    def apply_then_fail(
        self, methods: str | Iterable[str] = POSTING_METHODS, *, status: int = 502, times: int | None = 1,
        probability: float = 1.0,
    ) -> Fault:
        """Do the call (the workspace changes) but answer HTTP `status`, as a gateway that lost Slack's answer."""
        return self.api.faults.add(methods, status=status, times=times, probability=probability, apply_first=True)

    @property
    def outage(self) -> bool:
        """When on, every Web API call is answered HTTP 503 and changes nothing, until switched off."""
        return self.api.faults.outage

    @outage.setter
    def outage(self, on: bool) -> None:
        self.api.faults.outage = on

    def clear_faults(self) -> None:
        """Every fault switch off, the outage too (the rate limit switch is separate)."""
        self.api.faults.clear()

    @property
    def calls(self) -> list[ApiCall]:
        """Every Web API request that reached the emulator, in order (tokens left out)."""
        return self.api.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.api.calls if call.method == method]

    @property
    def envelopes(self) -> list[Envelope]:
        """Everything sent to the app, over Socket Mode or to its request URL, oldest first."""
        sent = [*self.socket.envelopes.values(), *self.http.envelopes.values()]
        return sorted(sent, key=lambda envelope: envelope.sent_at)

    @property
    def request_url(self) -> str | None:
        """The app's request URL, when it has one saved: deliveries go there, signed, instead of over Socket Mode."""
        return self.http.url

    async def use_request_url(self, url: str | None, *, verify: bool = True) -> None:
        """Save the app's request URL (for events, interactivity, options and commands alike), or None to go back to
        Socket Mode. Slack first sends the URL a url_verification challenge (`verify`); ValueError if unanswered."""
        if url is not None and verify:
            await self.http.verify(url)
        self.http.url = url

    def on_change(self, listener: ChangeListener) -> None:
        """Call `listener(kind, data)` on every change people would see (messages, ephemerals, views)."""
        self._listeners.append(listener)

    def _notify(self, kind: str, data: dict[str, Any]) -> None:
        for listener in self._listeners:
            try:
                listener(kind, data)
            except Exception:
                logger.exception("slack emulator: change listener failed for %s", kind)

    async def request_reconnect(self) -> None:
        """Ask the app to reconnect, as Slack does every few hours (`disconnect`, reason refresh_requested)."""
        await self.socket.request_reconnect()

    async def wait_connected(self, seconds: float = 10.0) -> None:
        """Until the app holds at least one Socket Mode connection."""
        await self.socket.wait_connected(seconds)

    # --- what people see --------------------------------------------------------------------------------------

    def messages(self, channel: str) -> list[Message]:
        """The channel's own messages (thread parents, not replies), oldest first."""
        return self.workspace.top_level(self.workspace.channel(channel).id)

    def thread(self, channel: str, ts: str) -> list[Message]:
        """A thread: the parent then its replies, oldest first."""
        channel_id = self.workspace.channel(channel).id
        parent = self.message(channel_id, ts)
        return [parent, *self.workspace.replies_of(parent)]

    def message(self, channel: str, ts: str) -> Message:
        found = self.workspace.find_message(self.workspace.channel(channel).id, ts)
        if found is None:
            raise KeyError(f"no message {ts} in {channel}")
        return found

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[Ephemeral]:
        """Ephemeral messages, optionally only those in `channel` and/or shown to `user`."""
        channel_id = self.workspace.channel(channel).id if channel else None
        user_id = self.workspace.user(user).id if user else None
        return [e for e in self.workspace.ephemerals
                if (channel_id is None or e.channel == channel_id) and (user_id is None or e.user == user_id)]

    @property
    def views(self) -> dict[str, View]:
        """Every view by id: modals (open or closed) and home tabs."""
        return self.workspace.views

    def modal_stack(self, user: str) -> list[View]:
        """The person's open modals, root first; empty when none is open."""
        ids = self.workspace.modal_stacks.get(self.workspace.user(user).id, [])
        return [self.workspace.views[view_id] for view_id in ids]

    def modal(self, user: str) -> View | None:
        """The modal the person is looking at (top of the stack), if any."""
        stack = self.modal_stack(user)
        return stack[-1] if stack else None

    def home(self, user: str) -> View | None:
        """The App Home tab published for the person, if any."""
        view_id = self.workspace.home_views.get(self.workspace.user(user).id)
        return self.workspace.views.get(view_id) if view_id else None

    # --- acting as a person -----------------------------------------------------------------------------------

    async def push(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False) -> Envelope:
        """Send any envelope (events_api, interactive, slash_commands) to the app: to its request URL when it has one,
        else over Socket Mode."""
        transport = self.http if self.http.url is not None else self.socket
        return await transport.push(kind, payload, accepts_response_payload=accepts_response_payload)

    def _new_trigger(self, user: User, view_id: str | None = None) -> str:
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        self.workspace.triggers[trigger_id] = Trigger(id=trigger_id, user=user.id, issued_at=time.monotonic(),
                                                      view_id=view_id)
        return trigger_id

    def _new_response_url(self, channel: str, user: User, message: Message | None = None) -> str:
        token = secrets.token_urlsafe(18)
        self.workspace.response_urls[token] = ResponseUrl(
            token=token, channel=channel, user=user.id, message_ts=message.ts if message else None,
            thread_ts=message.thread_ts if message else None,
        )
        return f"{self.url}/response-url/{token}"

    async def slash_command(self, user: str, channel: str, command: str, text: str = "") -> Envelope:
        """The person types `command text` in `channel`; the ack's text or blocks show as an ephemeral message.

        A command the app does not declare (`workspace.commands`) never reaches it: Slack tells the person it is not
        a valid command, and this raises UnknownCommand carrying that note.
        """
        person, where = self.workspace.user(user), self.workspace.channel(channel)
        if command not in self.workspace.commands:
            note = Ephemeral(channel=where.id, user=person.id, ts=self.workspace.next_ts(),
                             text=INVALID_COMMAND.format(command=command), source="slackbot")
            self.workspace.ephemerals.append(note)
            self._notify("ephemeral", {"channel": where.id, "user": person.id, "ts": note.ts})
            raise UnknownCommand(note)
        payload = payloads.slash_command(
            self.workspace, person, where, command, text, token=self.verification_token,
            response_url=self._new_response_url(where.id, person), trigger_id=self._new_trigger(person),
        )
        return await self.push("slash_commands", payload, accepts_response_payload=True)

    async def click(
        self, user: str, channel: str, message_ts: str, action_id: str, *, value: Any = None,
        block_id: str | None = None,
    ) -> Envelope:
        """The person uses a button (or select, with `value`) in a stored channel message."""
        person, where = self.workspace.user(user), self.workspace.channel(channel)
        message = self.message(where.id, message_ts)
        if person.id not in where.members:
            raise ValueError(f"{person.name} is not in #{where.name} and cannot see the message")
        block, element = payloads.find_element(message.blocks, action_id, block_id)
        action = payloads.build_action(block, element, value)
        payload = payloads.message_block_actions(
            self.workspace, person, where, message, action, token=self.verification_token,
            response_url=self._new_response_url(where.id, person, message), trigger_id=self._new_trigger(person),
        )
        return await self.push("interactive", payload)

    async def click_ephemeral(
        self, user: str, channel: str, ts: str, action_id: str, *, value: Any = None, block_id: str | None = None,
    ) -> Envelope:
        """The person uses a button in an ephemeral message shown to them (a preview's confirm button, say)."""
        person, where = self.workspace.user(user), self.workspace.channel(channel)
        note = next((e for e in self.workspace.ephemerals
                     if e.channel == where.id and e.user == person.id and e.ts == ts), None)
        if note is None:
            raise ValueError(f"{person.name} has no ephemeral message {ts} in #{where.name}")
        block, element = payloads.find_element(note.blocks, action_id, block_id)
        action = payloads.build_action(block, element, value)
        payload = payloads.ephemeral_block_actions(
            self.workspace, person, where, note, action, token=self.verification_token,
            response_url=self._new_response_url(where.id, person), trigger_id=self._new_trigger(person),
        )
        return await self.push("interactive", payload)

    def _open_view(self, user: User, view_id: str) -> View:
        view = self.workspace.views.get(view_id)
        if view is None or not view.is_open or view.user != user.id:
            raise ValueError(f"{user.name} has no open view {view_id}")
        if view.type == "modal" and self.workspace.modal_stacks.get(user.id, [])[-1:] != [view_id]:
            raise ValueError(f"view {view_id} is not the modal on top; the person cannot reach it")
        return view

    async def click_in_view(
        self, user: str, view_id: str, action_id: str, *, value: Any = None, block_id: str | None = None,
    ) -> Envelope:
        """The person uses an element in a modal or their App Home tab."""
        person = self.workspace.user(user)
        view = self._open_view(person, view_id)
        block, element = payloads.find_element(view.blocks, action_id, block_id)
        action = payloads.build_action(block, element, value)
        payload = payloads.view_block_actions(self.workspace, person, view, action, token=self.verification_token,
                                              trigger_id=self._new_trigger(person, view.id))
        return await self.push("interactive", payload)

    async def submit_view(self, user: str, view_id: str, values: dict[str, dict[str, Any]] | None = None) -> Envelope:
        """The person fills inputs ({block_id: {action_id: text or option value}}) and presses Submit.

        The ack's response_action is applied: errors stay on the view, update/push/clear change the stack,
        no response_action closes the modal.
        """
        person = self.workspace.user(user)
        view = self._open_view(person, view_id)
        if view.type != "modal" or view.submit is None:
            raise ValueError(f"view {view_id} has no Submit button")
        view.state_values = payloads.state_values(view, values or {}, submitting=True)
        payload = payloads.view_submission(self.workspace, person, view, token=self.verification_token,
                                           trigger_id=self._new_trigger(person, view.id))
        return await self.push("interactive", payload, accepts_response_payload=True)

    async def close_view(self, user: str, view_id: str) -> Envelope | None:
        """The person presses Cancel; the app hears of it (view_closed) only if the view asked to be notified."""
        person = self.workspace.user(user)
        view = self._open_view(person, view_id)
        stack = self.workspace.modal_stacks.get(person.id, [])
        closing = stack[:] if view.clear_on_close else [view_id]
        for closed in closing:
            self.workspace.views[closed].is_open = False
            stack.remove(closed)
        self._notify("view_closed", {"user": person.id, "view_id": view_id})
        if not view.notify_on_close:
            return None
        payload = payloads.view_closed(self.workspace, person, view, token=self.verification_token,
                                       is_cleared=view.clear_on_close)
        return await self.push("interactive", payload)

    async def load_options(
        self, user: str, view_id: str, action_id: str, query: str = "", *, block_id: str | None = None,
    ) -> Envelope:
        """The person types `query` into an external select; the ack carries the options shown."""
        person = self.workspace.user(user)
        view = self._open_view(person, view_id)
        block, element = payloads.find_element(view.blocks, action_id, block_id)
        if not element.get("type", "").endswith("external_select"):
            raise ValueError(f"{action_id!r} is a {element.get('type')}, not an external select")
        payload = payloads.block_suggestion(self.workspace, person, view, block, element, query,
                                            token=self.verification_token)
        return await self.push("interactive", payload, accepts_response_payload=True)

    async def push_event(self, event: dict[str, Any]) -> Envelope:
        """Deliver one Events API event (its `event` object) as an events_api envelope."""
        payload = payloads.event_callback(self.workspace, event, token=self.verification_token,
                                          event_id="Ev" + uuid.uuid4().hex[:10].upper())
        return await self.push("events_api", payload)

    async def open_home(self, user: str) -> Envelope:
        """The person opens the app's Home tab (app_home_opened)."""
        person = self.workspace.user(user)
        dm = self._dm_channels.setdefault(person.id, self.workspace.ids.new("D"))
        return await self.push_event(payloads.app_home_opened(self.workspace, person, dm))

    # --- applying answers -------------------------------------------------------------------------------------

    def _apply_ack(self, envelope: Envelope, ack: Ack) -> str | None:
        """Do what Slack does with an ack's payload; returns why it could not, if it could not."""
        if envelope.type == "slash_commands" and ack.payload:
            return self._show_response(self._slash_response_url(envelope), ack.payload)
        if envelope.type == "interactive" and envelope.payload.get("type") == "view_submission":
            return self._apply_response_action(envelope, ack.payload or {})
        return None

    def _slash_response_url(self, envelope: Envelope) -> ResponseUrl:
        token = envelope.payload["response_url"].rsplit("/", 1)[-1]
        return self.workspace.response_urls[token]

    def _show_response(self, target: ResponseUrl, body: dict[str, Any]) -> str | None:
        """A reply to a slash command or a message action: ephemeral by default, or in the channel."""
        blocks = body.get("blocks")
        if blocks is not None:
            problems = message_block_problems(blocks)
            if problems:
                return "invalid_blocks: " + "; ".join(problems)
            blocks = self.workspace.ids.fill_ids(blocks)
        text = body.get("text") or ""
        if not text and not blocks:
            return "no_text"
        workspace = self.workspace
        if body.get("response_type") == "in_channel":
            thread_ts = body.get("thread_ts") or None
            message = Message(channel=target.channel, ts=workspace.next_ts(), user=workspace.bot_user.id,
                              text=text, blocks=blocks or [], thread_ts=thread_ts, bot_id=workspace.bot_id,
                              app_id=workspace.app_id, team=workspace.team.id)
            workspace.add_message(message)
            self._notify("message", {"channel": target.channel, "ts": message.ts, "thread_ts": thread_ts})
        else:
            ephemeral = Ephemeral(channel=target.channel, user=target.user, ts=workspace.next_ts(), text=text,
                                  blocks=blocks or [], thread_ts=target.thread_ts, source="response_url")
            workspace.ephemerals.append(ephemeral)
            self._notify("ephemeral", {"channel": target.channel, "user": target.user, "ts": ephemeral.ts})
        return None

    def _apply_response_action(self, envelope: Envelope, answer: dict[str, Any]) -> str | None:
        workspace = self.workspace
        view = workspace.views[envelope.payload["view"]["id"]]
        stack = workspace.modal_stacks.get(view.user, [])
        action = answer.get("response_action")
        if action == "errors":
            errors = answer.get("errors")
            inputs = {str(b.get("block_id")) for b in view.blocks if b.get("type") == "input"}
            if not isinstance(errors, dict) or not errors or not set(errors) <= inputs:
                return f"errors must name input blocks of the view: {sorted(inputs)}"
            view.errors = {key: str(value) for key, value in errors.items()}
            self._notify("view_updated", {"user": view.user, "view_id": view.id})
            return None
        if action in ("update", "push"):
            new_view = answer.get("view")
            problems = view_problems(new_view, allowed_types=("modal",))
            if problems:
                return "invalid view: " + "; ".join(problems)
            assert isinstance(new_view, dict)
            if action == "update":
                view.apply(workspace.with_ids(new_view), workspace.next_hash())
                view.state_values = {}
                self._notify("view_updated", {"user": view.user, "view_id": view.id})
                return None
            if len(stack) >= MAX_MODAL_STACK:
                return "push_limit_reached"
            pushed = workspace.new_view(view.user, new_view)
            pushed.previous_view_id, pushed.root_view_id = stack[-1], stack[0]
            stack.append(pushed.id)
            self._notify("view_opened", {"user": view.user, "view_id": pushed.id})
            return None
        if action not in (None, "clear"):
            return f"unknown response_action {action!r}"
        closing = stack[:] if action == "clear" else [view.id]
        for view_id in closing:
            workspace.views[view_id].is_open = False
            if view_id in stack:
                stack.remove(view_id)
        self._notify("view_closed", {"user": view.user, "view_id": view.id})
        return None

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        target = self.workspace.response_urls.get(request.match_info["token"])
        if target is None:
            return web.Response(status=404, text="no_service")
        if target.uses >= MAX_RESPONSE_URL_USES:
            return web.Response(status=404, text="used_url")
        try:
            body = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400, text="invalid_payload")
        if not isinstance(body, dict):
            return web.Response(status=400, text="invalid_payload")
        target.uses += 1
        problem = self._answer_response_url(target, body)
        if problem:
            return web.Response(status=400 if problem != "message_not_found" else 404, text=problem.split(":")[0])
        return web.Response(text="ok")

    def _answer_response_url(self, target: ResponseUrl, body: dict[str, Any]) -> str | None:
        workspace = self.workspace
        original = workspace.find_message(target.channel, target.message_ts) if target.message_ts else None
        if body.get("delete_original") in (True, "true"):
            if original is None:
                return "message_not_found"
            workspace.remove_message(original)
            self._notify("message_deleted", {"channel": original.channel, "ts": original.ts})
            return None
        if body.get("replace_original") in (True, "true"):
            if original is None:
                return "message_not_found"
            blocks = body.get("blocks")
            if blocks is not None:
                problems = message_block_problems(blocks)
                if problems:
                    return "invalid_blocks: " + "; ".join(problems)
                original.blocks = workspace.ids.fill_ids(blocks)
            if "text" in body:
                original.text = body["text"]
            original.edited = {"user": workspace.bot_user.id, "ts": workspace.next_ts()}
            self._notify("message_changed", {"channel": original.channel, "ts": original.ts})
            return None
        return self._show_response(target, body)
