"""Which channel a resource's thread goes to: the first routing rule that matches it, else the default channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.config import Settings
from bot.state.records import ResourceRecord
from renderers.slack.text import is_channel_id
from renderers.slack.viewdata import RoutingRuleView


@dataclass(frozen=True, slots=True)
class Route:
    """Resources matching every condition given go to `channel` (an id, or a name Slack resolves)."""

    channel: str
    account: str | None = None
    region: str | None = None
    tf_type: str | None = None
    tag: str | None = None  # "key" (present) or "key=value"

    @classmethod
    def from_setting(cls, rule: Mapping[str, str]) -> Route:
        return cls(rule["channel"], rule.get("account"), rule.get("region"), rule.get("type"), rule.get("tag"))

    def matches(self, record: ResourceRecord) -> bool:
        if self.account is not None and record.account_id != self.account:
            return False
        if self.region is not None and record.region != self.region:
            return False
        if self.tf_type is not None and record.tf_type != self.tf_type:
            return False
        if self.tag is not None:
            key, sep, value = self.tag.partition("=")
            if key not in record.tags or (sep and record.tags[key] != value):
                return False
        return True

    def view(self) -> RoutingRuleView:
        return RoutingRuleView(
            channel_id=self.channel if is_channel_id(self.channel) else "",
            account_id=self.account, region=self.region, tf_type=self.tf_type, tag=self.tag,
        )


class Router:
    """Routing rules in the order configured; the first match wins."""

    def __init__(self, routes: Sequence[Route], default_channel: str | None) -> None:
        self.routes = tuple(routes)
        self.default_channel = default_channel

    @classmethod
    def from_settings(cls, settings: Settings) -> Router:
        return cls([Route.from_setting(rule) for rule in settings.slack_routes], settings.slack_channel)

    def channel_for(self, record: ResourceRecord) -> str | None:
        """The channel for a new resource's thread; None when no rule matches and there is no default."""
        for route in self.routes:
            if route.matches(record):
                return route.channel
        return self.default_channel

    def views(self) -> list[RoutingRuleView]:
        out = [route.view() for route in self.routes]
        if self.default_channel:
            channel_id = self.default_channel if is_channel_id(self.default_channel) else ""
            out.append(RoutingRuleView(channel_id=channel_id, default=True))
        return out
