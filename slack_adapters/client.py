"""The Web API client tfsync talks to Slack with: retries built in, and views updated with the hash Slack gave.

Every Slack method the listeners call (views.open, views.update, views.publish, chat.postEphemeral,
users.lookupByEmail, usergroups.users.list) is retried by the client itself: after an HTTP 429 as Retry-After says,
after a 5xx with backoff, and after a dropped connection. A modal that fails to open because Slack was busy for a
second is a modal the person never sees; the trigger_id is good for three seconds, room for a retry. The posts into
channels are the exception: a post answered with a 5xx may have been applied, so the publisher's own client
(`slack_adapters.publisher.posting_client`) retries only 429s, and the publisher looks for the post by its token
before posting again.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import Any

from aiohttp import ClientOSError, ServerConnectionError, ServerDisconnectedError
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot import metrics
from bot.config import Settings
from bot.errors import ConfigError
from renderers.slack.viewdata import HomeFilters

logger = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 4
SERVER_ERROR_RETRIES = 3
CONNECTION_RETRIES = 3
SERVER_ERRORS = frozenset({500, 502, 503, 504})
# What slack_sdk's own connection handler retries: refused, reset, or closed before the answer.
CONNECTION_ERRORS = (ServerConnectionError, ServerDisconnectedError, ClientOSError)


def method_of(request: HttpRequest) -> str:
    """The Web API method a request calls: the last part of its URL's path."""
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class _Retries(AsyncRetryHandler):
    """A retry policy that logs each retry; subclasses say which answers are worth another try."""

    def retryable(self, response: HttpResponse | None, error: Exception | None) -> bool:
        raise NotImplementedError

    async def _can_retry_async(
        self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not self.retryable(response, error):
            return False
        answer = response.status_code if response is not None else type(error).__name__
        logger.info("slack %s answered %s; trying again (retry %d of %d)", method_of(request), answer,
                    state.current_attempt + 1, self.max_retry_count)
        return True


class RateLimitRetries(_Retries, AsyncRateLimitErrorRetryHandler):
    """HTTP 429: wait as Retry-After says (slack_sdk's handler does the waiting), then again."""

    def retryable(self, response: HttpResponse | None, error: Exception | None) -> bool:
        return response is not None and response.status_code == 429


class ServerErrorRetries(_Retries):
    """HTTP 500, 502, 503, 504 (slack_sdk's own handler knows 500 and 503 only): back off, then again."""

    def retryable(self, response: HttpResponse | None, error: Exception | None) -> bool:
        return response is not None and response.status_code in SERVER_ERRORS


class ConnectionRetries(_Retries):
    """A connection refused, reset or dropped before the answer: back off, then again."""

    def retryable(self, response: HttpResponse | None, error: Exception | None) -> bool:
        return isinstance(error, CONNECTION_ERRORS)


# Answers their callers take as a result, not a failure: a person not in Slack, a view changed or closed meanwhile.
EXPECTED_ANSWERS = frozenset({
    ("users.lookupByEmail", "users_not_found"), ("views.publish", "hash_conflict"), ("views.update", "not_found"),
})  # fmt: skip


class ErrorCounter(AsyncRetryHandler):
    """Retries nothing: counts every error answer, retried or not, in tfsync's SlackErrors metric, except the
    EXPECTED_ANSWERS. First in a client's list, it is asked about every answer before the handlers that retry."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=sys.maxsize)

    async def _can_retry_async(
        self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        code = error_code(response, error)
        if code is not None and (method_of(request), code) not in EXPECTED_ANSWERS:
            metrics.count(metrics.SLACK_ERRORS, Error=code)
        return False


def error_code(response: HttpResponse | None, error: Exception | None) -> str | None:
    """What went wrong with an answer, as Slack names it (`ratelimited`, `channel_not_found`), `http_<status>` for a
    failed answer without a name, the exception's name for a call that got none; None for a good answer."""
    if error is not None:
        return type(error).__name__
    if response is None:
        return None
    body = response.body if isinstance(response.body, dict) else {}
    if response.status_code == 200 and body.get("ok", True) is not False:
        return None
    named = body.get("error")
    if isinstance(named, str) and named:
        return named
    return "ratelimited" if response.status_code == 429 else f"http_{response.status_code}"


def retry_handlers() -> list[AsyncRetryHandler]:
    return [
        ErrorCounter(),
        RateLimitRetries(max_retry_count=RATE_LIMIT_RETRIES),
        ServerErrorRetries(max_retry_count=SERVER_ERROR_RETRIES),
        ConnectionRetries(max_retry_count=CONNECTION_RETRIES),
    ]


def slack_client(settings: Settings) -> AsyncWebClient:
    """The app's one Web API client: the bot token, the settings' API URL, and the retries above."""
    if not settings.slack_bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: the Slack app needs the bot token")
    return AsyncWebClient(token=settings.slack_bot_token.reveal(), base_url=settings.slack_api_url,
                          retry_handlers=retry_handlers())


class HomeTabs:
    """Publishes App Home tabs with the hash of the last one published to each person, and keeps each person's
    filters and page of the open resources.

    With the hash, Slack refuses a publish made from an older state than the one shown (`hash_conflict`) instead
    of letting it overwrite a newer one; this one then publishes once more without it, as its content is fresh.
    The filters live in memory only: after a restart everyone sees every open resource from page 1 again.
    """

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}
        self._filters: dict[str, HomeFilters] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def hash_for(self, user_id: str) -> str | None:
        return self._hashes.get(user_id)

    def filters_for(self, user_id: str) -> HomeFilters:
        """The person's filters and page; none and page 1 for someone not seen since the start."""
        return self._filters.get(user_id) or HomeFilters()

    def change_filters(self, user_id: str, change: Callable[[HomeFilters], HomeFilters]) -> HomeFilters:
        """Apply `change` to the person's filters at once (before any await), so the last click always wins."""
        changed = change(self.filters_for(user_id))
        self._filters[user_id] = changed
        return changed

    def settle_filters(self, user_id: str, rendered: HomeFilters, shown: HomeFilters) -> None:
        """Keep what was shown (a page past the end is the last page) unless the person changed the filters since
        `rendered` was read."""
        if self.filters_for(user_id) == rendered:
            self._filters[user_id] = shown

    def lock(self, user_id: str) -> asyncio.Lock:
        """One render-and-publish at a time per person: the last publish then shows the latest filters."""
        return self._locks.setdefault(user_id, asyncio.Lock())

    async def publish(self, client: AsyncWebClient, user_id: str, view: dict[str, Any]) -> None:
        known = self._hashes.get(user_id)
        try:
            response = await client.views_publish(user_id=user_id, view=view, hash=known)
        except SlackApiError as exc:
            if known is None or exc.response.get("error") != "hash_conflict":
                raise
            logger.info("home tab of %s changed since it was last published; publishing it again", user_id)
            response = await client.views_publish(user_id=user_id, view=view)
        new_hash = (response.get("view") or {}).get("hash")
        if isinstance(new_hash, str) and new_hash:
            self._hashes[user_id] = new_hash
