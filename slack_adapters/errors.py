"""Typed errors of the Slack layer, and the one error router that shows any error on the surface it came from.

Every error a person sees carries an id (`E-` and eight characters) that is also in the log line, so "it said
E-7KQ2M9XA" finds the traceback. Conflicts (someone else decided first) are not errors to the person: they get the
polite note with what happened instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
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

ACK_SETTLE_SECONDS = 0.05


class NotAuthorized(UserFacingError):
    """The person may not do this (delete without being a tfsync admin)."""

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
    from slack_adapters.presenters import resource_view

    deps = context["services"]
    record = await deps.repo.get(resource_id)
    if record is None:
        return render_not_found(resource_id)
    return render_conflict(await resource_view(record, deps.users))


async def route_error(
    error: Exception, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """The app's one @app.error handler: the error, told on the surface it came from."""
    where = _Surface(body, context, client, acked=response is None)
    if where.acked:
        # Bolt resets the ack to None once this handler returns; its dispatcher polls for the ack every 10 ms, so a
        # listener failing right after ack() would lose the ack unless the poll (an earlier timer) runs first.
        await asyncio.sleep(ACK_SETTLE_SECONDS)
    if isinstance(error, FormError) and where.kind == "view_submission" and not where.acked:
        return _json_response({"response_action": "errors", "errors": error.errors})
    if isinstance(error, TransitionConflict | IllegalTransition):
        logger.info("lost a race or asked for an impossible step: %s", error)
        return await where.conflict(await _conflict_payload(context, error.resource_id))
    return await where.error(_error_view(error))


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
    """Where a failed request came from (modal, slash command, button, options), and how to answer there."""

    def __init__(self, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, *, acked: bool) -> None:
        self.body = body
        self.context = context
        self.client = client
        self.acked = acked
        self.kind = body.get("type") or ("slash_command" if body.get("command") else "")
        self.view_id = (body.get("view") or {}).get("id")

    async def conflict(self, payload: dict[str, Any]) -> BoltResponse | None:
        """The polite note: someone decided first."""
        answer = None
        if self.kind == "view_submission" and not self.acked:
            answer = BoltResponse(status=200, body="")  # closes the modal; the note says why
        elif self.kind == "view_submission" and self.view_id:
            await _safe(self.client.views_update(view_id=self.view_id, view=_note_modal(payload)))
        if self.kind == "slash_command" and not self.acked:
            return _json_response(payload)
        await _safe(_ephemeral(self.client, self.body, self.context, payload))
        return answer

    async def error(self, error_view: ErrorView) -> BoltResponse | None:
        if self.kind == "view_submission":
            modal = render_error_modal(error_view)
            if not self.acked:
                return _json_response({"response_action": "update", "view": modal})
            if self.view_id:
                await _safe(self.client.views_update(view_id=self.view_id, view=modal))
            return None
        payload = render_error_message(error_view)
        if not self.acked and self.kind == "slash_command":
            return _json_response(payload)
        if not self.acked and self.kind == "block_suggestion":
            return _json_response({"options": []})
        if not await _safe(_ephemeral(self.client, self.body, self.context, payload)) and self.body.get("trigger_id"):
            await _safe(self.client.views_open(trigger_id=self.body["trigger_id"],
                                               view=render_error_modal(error_view)))
        return BoltResponse(status=200, body="") if not self.acked and self.kind else None


def _note_modal(payload: dict[str, Any]) -> dict[str, Any]:
    from renderers.slack import blocks as bk
    from renderers.slack.ids import Callback

    return bk.modal("tfsync", payload["blocks"], Callback.ERROR_SHOW, close="Close")


async def _safe(call: Any) -> Any:
    """Telling the person about an error must not raise another one over it."""
    try:
        return await call
    except SlackApiError as exc:
        logger.warning("could not show the error to the person: %s", exc.response.get("error"))
        return None
