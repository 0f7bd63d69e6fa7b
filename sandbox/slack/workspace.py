"""The emulated Slack workspace: team, users, channels, messages, ephemeral messages and views, as plain data."""

from __future__ import annotations

import copy
import itertools
import random
import string
import time
from dataclasses import dataclass, field
from typing import Any

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The slash commands the app declares (infra/slack/manifest.yml): Slack sends the app these and no others.
APP_COMMANDS = ("/tfsync",)


def _base36(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits)).rjust(width, "0")


class IdFactory:
    """Slack-looking ids (C0000000001, U0000000002, ...), unique per workspace and stable from run to run."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        # Not for security: Slack's generated block and action ids only need to look alike and be repeatable.
        self._short = random.Random(5)  # noqa: S311

    def new(self, prefix: str) -> str:
        return prefix + _base36(next(self._counter), 10)

    def short(self) -> str:
        """A generated block_id or action_id, like the four or five letters Slack fills in."""
        return "".join(self._short.choice(string.ascii_letters) for _ in range(4))

    def fill_ids(self, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A copy of `blocks` with the block_id and action_id Slack generates wherever the app left them out."""
        filled = copy.deepcopy(blocks)
        for block in filled:
            block.setdefault("block_id", self.short())
            elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
            elements += [block[key] for key in ("element", "accessory") if isinstance(block.get(key), dict)]
            for element in elements:
                if isinstance(element, dict) and element.get("type") not in (None, "image"):
                    element.setdefault("action_id", self.short())
        return filled


@dataclass
class Team:
    id: str
    domain: str
    name: str

    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"


@dataclass
class User:
    id: str
    name: str
    real_name: str
    email: str | None = None
    is_bot: bool = False
    is_admin: bool = False
    bot_id: str | None = None
    tz: str = "Europe/London"
    deleted: bool = False

    def to_api(self, team_id: str) -> dict[str, Any]:
        """The user object as users.info returns it."""
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": self.name,
            "real_name_normalized": self.real_name,
            "display_name_normalized": self.name,
            "team": team_id,
        }
        if self.email:
            profile["email"] = self.email
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": "Greenwich Mean Time",
            "tz_offset": 0,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
        }


@dataclass
class Channel:
    id: str
    name: str
    created: int
    creator: str
    is_private: bool = False
    members: set[str] = field(default_factory=set)
    topic: str = ""
    purpose: str = ""

    def to_api(self, viewer: str | None = None) -> dict[str, Any]:
        """The conversation object as conversations.info returns it, seen by `viewer` (the caller)."""
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": viewer in self.members if viewer else False,
            "created": self.created,
            "creator": self.creator,
            "unlinked": 0,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
            "num_members": len(self.members),
        }


@dataclass
class UserGroup:
    """A user group (`@handle`, id S...): what usergroups.users.list answers for it."""

    id: str
    handle: str
    name: str
    members: list[str] = field(default_factory=list)


@dataclass
class Message:
    """A message in a channel, top level or in a thread (`thread_ts` set and different from `ts`)."""

    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    team: str | None = None
    metadata: dict[str, Any] | None = None
    unfurl_links: bool | None = None
    unfurl_media: bool | None = None
    reply_broadcast: bool = False
    edited: dict[str, str] | None = None
    replies: list[str] = field(default_factory=list)

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self, replies: list[Message] | None = None) -> dict[str, Any]:
        """The message object as chat.postMessage and conversations.history return it."""
        data: dict[str, Any] = {"type": "message", "text": self.text, "user": self.user, "ts": self.ts}
        if self.bot_id:
            data["bot_id"] = self.bot_id
            data["app_id"] = self.app_id
        if self.team:
            data["team"] = self.team
        if self.blocks:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments:
            data["attachments"] = copy.deepcopy(self.attachments)
        if self.metadata:
            data["metadata"] = copy.deepcopy(self.metadata)
        if self.edited:
            data["edited"] = dict(self.edited)
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        if self.reply_broadcast and self.is_reply:
            data["subtype"] = "thread_broadcast"
        if replies:
            data["reply_count"] = len(replies)
            data["reply_users"] = sorted({reply.user for reply in replies})
            data["reply_users_count"] = len(data["reply_users"])
            data["latest_reply"] = replies[-1].ts
            data["is_locked"] = False
            data["subscribed"] = False
        return data


@dataclass
class Ephemeral:
    """A message only `user` sees, in `channel` (optionally in a thread); Slack never stores these."""

    channel: str
    user: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    source: str = "chat.postEphemeral"


@dataclass
class View:
    """A modal or a published App Home tab, by its Slack view id."""

    id: str
    type: str
    user: str
    team_id: str
    app_id: str
    bot_id: str
    blocks: list[dict[str, Any]]
    hash: str
    title: dict[str, Any] | None = None
    submit: dict[str, Any] | None = None
    close: dict[str, Any] | None = None
    callback_id: str = ""
    private_metadata: str = ""
    external_id: str = ""
    clear_on_close: bool = False
    notify_on_close: bool = False
    state_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous_view_id: str | None = None
    root_view_id: str | None = None
    is_open: bool = True
    # The errors the app answered a submission with (response_action "errors"), shown under the inputs.
    errors: dict[str, str] = field(default_factory=dict)

    def apply(self, view: dict[str, Any], new_hash: str) -> None:
        """Replace the content with a validated view payload (views.update, response_action update)."""
        self.type = view.get("type", self.type)
        self.blocks = copy.deepcopy(view.get("blocks", []))

        self.title = copy.deepcopy(view.get("title"))
        self.submit = copy.deepcopy(view.get("submit"))
        self.close = copy.deepcopy(view.get("close"))
        self.callback_id = view.get("callback_id", "") or ""
        self.private_metadata = view.get("private_metadata", "") or ""
        self.external_id = view.get("external_id", "") or ""
        self.clear_on_close = bool(view.get("clear_on_close", False))
        self.notify_on_close = bool(view.get("notify_on_close", False))
        self.hash = new_hash
        self.errors = {}

    def to_api(self) -> dict[str, Any]:
        """The view object as views.open returns it and interaction payloads carry it."""
        data: dict[str, Any] = {
            "id": self.id,
            "team_id": self.team_id,
            "type": self.type,
            "blocks": copy.deepcopy(self.blocks),
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": copy.deepcopy(self.state_values)},
            "hash": self.hash,
            "clear_on_close": self.clear_on_close,
            "notify_on_close": self.notify_on_close,
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id,
            "app_id": self.app_id,
            "external_id": self.external_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if self.type == "modal":
            data["title"] = copy.deepcopy(self.title)
            data["close"] = copy.deepcopy(self.close)
            data["submit"] = copy.deepcopy(self.submit)
        return data


@dataclass
class Trigger:
    """A trigger_id Slack hands out with an interaction: good for one views.open/push within a few seconds."""

    id: str
    user: str
    issued_at: float
    # The modal the interaction happened in, if any: views.push stacks on top of it.
    view_id: str | None = None
    used: bool = False


@dataclass
class ResponseUrl:
    """A response_url for a slash command or a message button; posting to it answers the person."""

    token: str
    channel: str
    user: str
    message_ts: str | None = None
    thread_ts: str | None = None
    uses: int = 0


class Workspace:
    """Everything the emulated Slack knows; the Web API and the person simulator read and change it."""

    def __init__(
        self, *, team_domain: str = "tfsync-sandbox", team_name: str = "tfsync sandbox",
        commands: tuple[str, ...] = APP_COMMANDS,
    ) -> None:
        self.ids = IdFactory()
        self.team = Team(id=self.ids.new("T"), domain=team_domain, name=team_name)
        self.app_id = self.ids.new("A")
        self.bot_id = self.ids.new("B")
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        # Each person's open modals, bottom (root) first; Slack allows a stack of three.
        self.modal_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.usergroups: dict[str, UserGroup] = {}
        self.commands: set[str] = set(commands)
        self._last_ts = 0
        self._hash_counter = itertools.count(1)
        self.bot_user = self.add_user("tfsync", real_name="tfsync", is_bot=True)

    # --- building the workspace -------------------------------------------------------------------------------

    def add_user(
        self, name: str, *, email: str | None = None, real_name: str | None = None, is_bot: bool = False,
        is_admin: bool = False,
    ) -> User:
        """A new member; people join every existing public channel, as in a small workspace."""
        user = User(
            id=self.ids.new("U"), name=name, real_name=real_name or name, email=email, is_bot=is_bot,
            is_admin=is_admin, bot_id=self.bot_id if is_bot else None,
        )
        self.users[user.id] = user
        if not is_bot:
            for channel in self.channels.values():
                if not channel.is_private:
                    channel.members.add(user.id)
        return user

    def add_channel(
        self, name: str, *, is_private: bool = False, members: list[str] | None = None, bot_member: bool = True,
    ) -> Channel:
        """A new channel; members default to every person, and the bot is in it unless `bot_member` is False."""
        name = name.lstrip("#")
        if self.channel_by_name(name):
            raise ValueError(f"channel #{name} already exists")
        if members is None:
            members = [user.id for user in self.users.values() if not user.is_bot]
        channel = Channel(
            id=self.ids.new("C"), name=name, created=int(time.time()), creator=self.bot_user.id,
            is_private=is_private, members=set(members),
        )
        if bot_member:
            channel.members.add(self.bot_user.id)
        self.channels[channel.id] = channel
        self.messages[channel.id] = []
        return channel

    def add_usergroup(self, handle: str, members: list[str] | None = None, *, name: str | None = None) -> UserGroup:
        """A user group with these members (user ids or names), as an admin would make it in Slack."""
        handle = handle.lstrip("@")
        if any(group.handle == handle for group in self.usergroups.values()):
            raise ValueError(f"user group @{handle} already exists")
        group = UserGroup(id=self.ids.new("S"), handle=handle, name=name or handle,
                          members=[self.user(member).id for member in members or []])
        self.usergroups[group.id] = group
        return group

    # --- lookups ----------------------------------------------------------------------------------------------

    def channel_by_name(self, name: str) -> Channel | None:
        name = name.lstrip("#")
        return next((channel for channel in self.channels.values() if channel.name == name), None)

    def resolve_channel(self, ref: str) -> Channel | None:
        """A channel by id, or by name with or without `#`, as chat.postMessage accepts it."""
        return self.channels.get(ref) or self.channel_by_name(ref)

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email and u.email.lower() == wanted), None)

    def user(self, ref: str) -> User:
        """A user by id or name; raises KeyError when there is none."""
        if ref in self.users:
            return self.users[ref]
        found = next((u for u in self.users.values() if u.name == ref), None)
        if found is None:
            raise KeyError(f"no user {ref!r} in the workspace")
        return found

    def channel(self, ref: str) -> Channel:
        """A channel by id or name; raises KeyError when there is none."""
        found = self.resolve_channel(ref)
        if found is None:
            raise KeyError(f"no channel {ref!r} in the workspace")
        return found

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        return next((m for m in self.messages.get(channel_id, []) if m.ts == ts), None)

    def top_level(self, channel_id: str) -> list[Message]:
        """Messages shown in the channel itself, oldest first (thread replies only when broadcast)."""
        return [m for m in self.messages.get(channel_id, []) if not m.is_reply or m.reply_broadcast]

    def replies_of(self, parent: Message) -> list[Message]:
        by_ts = {m.ts: m for m in self.messages.get(parent.channel, [])}
        return [by_ts[ts] for ts in parent.replies if ts in by_ts]

    # --- changes ----------------------------------------------------------------------------------------------

    def next_ts(self) -> str:
        """A message timestamp, unique and increasing, in Slack's `seconds.micro` form."""
        now = int(time.time() * 1_000_000)
        self._last_ts = max(now, self._last_ts + 1)
        seconds, micros = divmod(self._last_ts, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def next_hash(self) -> str:
        return f"{int(time.time())}.{next(self._hash_counter):08d}"

    def add_message(self, message: Message) -> Message:
        self.messages[message.channel].append(message)
        if message.is_reply:
            parent = self.find_message(message.channel, message.thread_ts or "")
            if parent is not None:
                parent.replies.append(message.ts)
                # A parent becomes a thread parent: Slack reports thread_ts == ts on it from then on.
                parent.thread_ts = parent.ts
        return message

    def remove_message(self, message: Message) -> None:
        self.messages[message.channel].remove(message)
        if message.is_reply:
            parent = self.find_message(message.channel, message.thread_ts or "")
            if parent is not None and message.ts in parent.replies:
                parent.replies.remove(message.ts)

    def with_ids(self, view: dict[str, Any]) -> dict[str, Any]:
        """A view payload with Slack's generated block and action ids filled in."""
        return {**view, "blocks": self.ids.fill_ids(view.get("blocks", []))}

    def new_view(self, user: str, view: dict[str, Any]) -> View:
        stored = View(
            id=self.ids.new("V"), type=view.get("type", "modal"), user=user, team_id=self.team.id,
            app_id=self.app_id, bot_id=self.bot_id, blocks=[], hash="",
        )
        stored.apply(self.with_ids(view), self.next_hash())
        self.views[stored.id] = stored
        return stored
