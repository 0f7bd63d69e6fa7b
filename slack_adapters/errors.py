"""Typed errors of the Slack layer, and the one error router that shows any error on the surface it came from.

Every error a person sees carries an id (`E-` and eight characters) that is also in the log line, so "it said
E-7KQ2M9XA" finds the traceback. Conflicts (someone else decided first) are not errors to the person: they get the
polite note with what happened instead.

Listeners ack first and do their work after, so most errors happen after the ack. Those are caught inside the
listener (handlers/flow.py `after_ack`) and told here by `report_after_ack`: in the modal the listener opened
(`context["loading_view"]`, its view id and hash), in the submitted modal, or as an ephemeral message.
Only errors before the ack reach Bolt's error handler, `route_error`, which answers in the ack itself.

Why errors after the ack must not reach Bolt: its AsyncioListenerRunner runs the listener as a task and polls for
the ack every 10 ms; when the listener raises, it calls the error handler and then sets `ack.response` back to None
(it was acked, so there is "no response" to send). A listener that acked and failed before the next poll would
lose its ack, and Slack would show the person an error although the app answered at once. Caught inside the
listener, the error leaves the ack alone, with no need to wait for the poll.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from typing import Any

from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import TfsyncError, UserFacingError, new_error_id
from bot.state.errors import IllegalTransition, ResourceNotFound, TransitionConflict
from renderers.slack import (
    FormError,
    MetadataError,
    render_conflict,
    render_error_message,
    render_error_modal,
    render_not_found,
)
from renderers.slack.metadata import is_thread_ts
from renderers.slack.text import is_channel_id
from renderers.slack.viewdata import ErrorView

logger = logging.getLogger(__name__)

# Reports started from route_error, kept until done (the event loop holds tasks only weakly).
_REPORTS: set[asyncio.Task[None]] = set()


class NotAuthorized(UserFacingError):
    """The person may not do this (delete, or ignore broadly, without being a tfsync admin)."""

    title = "Not allowed"


def _json_response(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": ["application/json"]})


def _where(body: dict[str, Any], context: dict[str, Any]) -> tuple[str | None, str | None]:
    """The channel and thread an ephemeral note about this request belongs in."""
    modal = context.get("modal")
    if modal is not None and modal.channel_id:
        return modal.channel_id, modal.thread_ts
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or body.get("channel_id")
    thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    return (channel if is_channel_id(channel) else None), (thread if is_thread_ts(thread) else None)


def _user(body: dict[str, Any]) -> str | None:
    return (body.get("user") or {}).get("id") or body.get("user_id")


async def _ephemeral(client: AsyncWebClient, body: dict[str, Any], context: dict[str, Any],
                     payload: dict[str, Any]) -> bool:
    channel, thread = _where(body, context)
    user = _user(body)
    if not channel or not user:
        return False
    await client.chat_postEphemeral(channel=channel, user=user, text=payload["text"], blocks=payload["blocks"],
                                    thread_ts=thread)
    return True


async def _conflict_payload(context: dict[str, Any], resource_id: str) -> dict[str, Any]:
    deps = context["services"]
    record = await deps.repo.get(resource_id)
    if record is None:
        return render_not_found(resource_id)
    return render_conflict(await deps.view(record))


async def route_error(
    error: Exception, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """The app's one @app.error handler, for errors before the ack: the answer goes in the ack, at once.

    What needs a Slack call or a state read to tell (an ephemeral note, the polite note) is done after the ack, in
    the background. Bolt passes no response when the listener had acked already; that is told the same way.
    """
    if response is None:
        await report_after_ack(error, body, context, client)
        return None
    kind = _kind(body)
    conflict = isinstance(error, TransitionConflict | IllegalTransition)
    if kind == "view_submission" and isinstance(error, FormError):
        return _json_response({"response_action": "errors", "errors": error.errors})
    if kind == "block_suggestion":
        _error_view(error)  # logged with its id; the person sees an empty list
        return _json_response({"options": []})
    if kind in ("view_submission", "slash_command") and not conflict:
        shown = _error_view(error)
        if kind == "view_submission":
            return _json_response({"response_action": "update", "view": render_error_modal(shown)})
        return _json_response(render_error_message(shown))
    # A button, or a conflict: ack now (a submission's modal closes), tell the person right after.
    task = asyncio.create_task(report_after_ack(error, body, {**context, "closed_modal": True}, client))
    _REPORTS.add(task)
    task.add_done_callback(_REPORTS.discard)
    return BoltResponse(status=200, body="")


async def report_after_ack(
    error: Exception, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
) -> None:
    """Tell the person about an error after the request was acked; never raises (there is no one left to tell)."""
    try:
        where = _Surface(body, context, client)
        if isinstance(error, TransitionConflict | IllegalTransition):
            logger.info("lost a race or asked for an impossible step: %s", error)
            await where.conflict(await _conflict_payload(context, error.resource_id))
            return
        await where.error(_error_view(error))
    except Exception:
        logger.exception("could not tell the person about %r", error)


def _kind(body: dict[str, Any]) -> str:
    return str(body.get("type") or ("slash_command" if body.get("command") else ""))


def _error_view(error: Exception) -> ErrorView:
    """What the person reads: the error's own words for tfsync's typed errors, a general note for anything else."""
    error_id = new_error_id()
    if isinstance(error, UserFacingError | MetadataError | ResourceNotFound | TfsyncError):
        logger.warning("%s (error id %s): %s", type(error).__name__, error_id, error)
        title = getattr(error, "title", "That did not work")
        message = getattr(error, "message", None) or str(error)
    else:
        logger.exception("unexpected error (error id %s)", error_id, exc_info=error)
        title = "Something went wrong"
        message = "tfsync could not finish this. Nothing was changed unless the thread says so."
    return ErrorView(message=message, error_id=error_id, title=title)


class _Surface:
    """Where an acked request came from (modal, slash command, button), and how to tell the person there."""

    def __init__(self, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient) -> None:
        self.body = body
        self.context = context
        self.client = client
        self.kind = _kind(body)
        submitted = (body.get("view") or {}).get("id") if self.kind == "view_submission" else None
        # The submitted modal is still open (its ack updated it) unless the error answer closed it.
        self.view_id = None if context.get("closed_modal") else submitted
        self.loading: tuple[str, str | None] | None = context.get("loading_view")

    async def _replace_loading(self, view: dict[str, Any]) -> bool:
        """Show `view` in the modal the listener opened at once, in place of whatever it shows."""
        if self.loading is None:
            return False
        view_id, known_hash = self.loading
        return await _tried(self.client.views_update(view_id=view_id, hash=known_hash, view=view))

    async def _over_submitted(self, pushed: dict[str, Any], updated: dict[str, Any]) -> bool:
        """Show `view` over the submitted modal, which its ack turned into a "working" view.

        That ack travels over the websocket, this call over HTTP: a views.update could reach Slack first and be
        overwritten by the ack's view. So the view is pushed on top with the submission's trigger_id, which holds
        whichever arrives first (and closing it closes the working view under it, no longer true); when the trigger
        is spent or expired (seconds later, long after the ack), the submitted view is updated instead.
        """
        if not self.view_id:
            return False
        trigger = self.body.get("trigger_id")
        if trigger and await _tried(self.client.views_push(trigger_id=trigger, view=pushed)):
            return True
        return await _tried(self.client.views_update(view_id=self.view_id, view=updated))

    async def conflict(self, payload: dict[str, Any]) -> None:
        """The polite note: someone decided first."""
        if await self._replace_loading(_note_modal(payload)):
            return
        await self._over_submitted(_note_modal(payload, clear_on_close=True), _note_modal(payload))
        await _tried(_ephemeral(self.client, self.body, self.context, payload))

    async def error(self, error_view: ErrorView) -> None:
        modal = render_error_modal(error_view)
        over = render_error_modal(error_view, clear_on_close=True)
        if await self._replace_loading(modal) or await self._over_submitted(over, modal):
            return
        if await _tried(_ephemeral(self.client, self.body, self.context, render_error_message(error_view))):
            return
        trigger = self.body.get("trigger_id")
        if trigger and self.loading is None:  # the loading modal spent it otherwise
            await _tried(self.client.views_open(trigger_id=trigger, view=modal))


def _note_modal(payload: dict[str, Any], *, clear_on_close: bool = False) -> dict[str, Any]:
    from renderers.slack import blocks as bk
    from renderers.slack.ids import Callback

    return bk.modal("tfsync", payload["blocks"], Callback.ERROR_SHOW, close="Close", clear_on_close=clear_on_close)


async def _tried(call: Awaitable[Any]) -> bool:
    """Whether telling the person worked; telling them about an error must not raise another one over it."""
    try:
        return await call is not False
    except SlackApiError as exc:
        logger.warning("could not show the error to the person: %s", exc.response.get("error"))
        return False
