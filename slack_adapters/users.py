"""People: AWS principals to Slack users by email, Slack actor strings, and who may delete."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from renderers.slack.text import is_user_id

logger = logging.getLogger(__name__)

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\Z")
SLACK_ACTOR_PREFIX = "slack:"
CACHE_SECONDS = 600.0


def principal_email(actor: str) -> str | None:
    """The email an IAM user name or an assumed-role session name carries, e.g. `.../alice@example.com`."""
    if not actor:
        return None
    tail = actor.rsplit("/", 1)[-1] if actor.startswith("arn:") else actor
    return tail.lower() if _EMAIL.match(tail) else None


def slack_actor(user_id: str) -> str:
    """How a Slack person is recorded as the actor of a transition."""
    return SLACK_ACTOR_PREFIX + user_id


def user_of_actor(actor: str | None) -> str | None:
    """The Slack user id a recorded actor stands for, if it is one."""
    if actor and actor.startswith(SLACK_ACTOR_PREFIX) and is_user_id(actor[len(SLACK_ACTOR_PREFIX):]):
        return actor[len(SLACK_ACTOR_PREFIX):]
    return None


class UserDirectory:
    """Slack lookups tfsync repeats often, cached: principal -> user by email, and the admin group's members."""

    def __init__(
        self, client: AsyncWebClient, *, admins: Iterable[str] = (), admin_group: str | None = None,
        cache_seconds: float = CACHE_SECONDS,
    ) -> None:
        self.client = client
        self.admins = frozenset(admins)
        self.admin_group = admin_group
        self.cache_seconds = cache_seconds
        self._by_email: dict[str, tuple[float, str | None]] = {}
        self._group: tuple[float, frozenset[str]] | None = None

    async def user_for_principal(self, actor: str) -> str | None:
        """The Slack user whose email the principal carries, or None; misses are cached like hits."""
        email = principal_email(actor)
        if email is None:
            return None
        cached = self._by_email.get(email)
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        try:
            response = await self.client.users_lookupByEmail(email=email)
            user_id: str | None = response["user"]["id"]
        except SlackApiError as exc:
            if exc.response.get("error") != "users_not_found":
                logger.warning("users.lookupByEmail failed: %s", exc.response.get("error"))
                return None  # not cached: a passing failure should not hide the person for ten minutes
            user_id = None
        self._by_email[email] = (time.monotonic(), user_id)
        return user_id

    async def is_admin(self, user_id: str) -> bool:
        """Whether the person may delete: listed by id, or a member of the admin user group."""
        if user_id in self.admins:
            return True
        if not self.admin_group:
            return False
        return user_id in await self._group_members(self.admin_group)

    async def _group_members(self, group: str) -> frozenset[str]:
        if self._group is not None and time.monotonic() - self._group[0] < self.cache_seconds:
            return self._group[1]
        try:
            response = await self.client.usergroups_users_list(usergroup=group)
        except SlackApiError as exc:
            # Deny rather than guess; the next check asks again.
            logger.warning("usergroups.users.list for %s failed: %s", group, exc.response.get("error"))
            return frozenset()
        members = frozenset(response.get("users") or ())
        self._group = (time.monotonic(), members)
        return members

    def admin_views(self) -> tuple[tuple[str, ...], str | None]:
        """The admin ids and group to name in a refusal."""
        return tuple(sorted(self.admins)), self.admin_group
