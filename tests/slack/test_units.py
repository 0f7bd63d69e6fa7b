"""The pure parts of the Slack layer: settings, routing, principals, rule scopes, admins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.config import Settings
from bot.decisions import IgnoreChoice, rule_for
from bot.errors import ConfigError
from bot.state.records import ResourceRecord
from renderers.slack.viewdata import Expiry, IgnoreScope
from slack_adapters.routing import Router
from slack_adapters.users import UserDirectory, principal_email, slack_actor, user_of_actor

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def record(**changes: object) -> ResourceRecord:
    values: dict[str, object] = {
        "resource_id": "r-aaaaaaaaaaaa", "account_id": "111111111111", "region": "eu-west-1",
        "tf_type": "aws_s3_bucket", "import_id": "logs[1]", "status": "detected", "version": 1, "detected_at": NOW,
        "status_changed_at": NOW, "created_at": NOW, "name": "logs[1]", "actor": "arn:aws:iam::1:user/ci",
        "tags": {"team": "data", "env": "prod"},
    }
    values.update(changes)
    return ResourceRecord(**values)  # type: ignore[arg-type]


def test_slack_settings_from_the_environment() -> None:
    settings = Settings.from_env({
        "SLACK_API_URL": "http://127.0.0.1:9/api", "TFSYNC_SLACK_CHANNEL": "C0DEFAULT",
        "TFSYNC_SLACK_ROUTES": '[{"channel": "C0PROD", "tag": "env=prod", "region": "eu-west-1"}]',
        "TFSYNC_SLACK_ADMINS": "U01, U02", "TFSYNC_TARGET_MODULES": '["module.net", "."]',
        "TFSYNC_BURST_THRESHOLD": "5", "TFSYNC_SLACK_POST_INTERVAL_MS": "0",
    })
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert [dict(r) for r in settings.slack_routes] == [{"channel": "C0PROD", "tag": "env=prod",
                                                        "region": "eu-west-1"}]
    assert settings.slack_admins == ("U01", "U02") and settings.target_modules == ("module.net", ".")
    assert (settings.burst_threshold, settings.burst_window_seconds, settings.slack_post_interval_ms) == (5, 60, 0)
    assert Settings.from_env({"TFSYNC_TARGET_MODULES": "module.a, module.b"}).target_modules == ("module.a", "module.b")
    defaults = Settings.from_env({})
    assert (defaults.slack_api_url, defaults.burst_threshold, defaults.slack_post_interval_ms) == (
        "https://slack.com/api/", 10, 1000)


@pytest.mark.parametrize("routes", ['{"channel": "C1"}', '[{"type": "aws_s3_bucket"}]', '[{"channel": "C1", "x": "y"}]',
                                    "[{", '[{"channel": "C1", "tag": 3}]'])
def test_bad_routing_rules_are_refused(routes: str) -> None:
    with pytest.raises(ConfigError, match="TFSYNC_SLACK_ROUTES"):
        Settings.from_env({"TFSYNC_SLACK_ROUTES": routes})


def test_first_matching_route_wins_then_the_default() -> None:
    settings = Settings.from_env({
        "TFSYNC_SLACK_CHANNEL": "C0DEFAULT",
        "TFSYNC_SLACK_ROUTES": '[{"channel": "C0STAGE", "tag": "env=stage"}, {"channel": "C0PROD", "tag": "env"},'
                               ' {"channel": "C0EU", "region": "eu-west-1", "type": "aws_s3_bucket"}]',
    })
    router = Router.from_settings(settings)
    assert router.channel_for(record()) == "C0PROD"
    assert router.channel_for(record(tags={})) == "C0EU"
    assert router.channel_for(record(tags={}, region="us-east-1")) == "C0DEFAULT"
    assert [v.default for v in router.views()] == [False, False, False, True]
    assert Router([], None).channel_for(record()) is None


@pytest.mark.parametrize(("actor", "email"), [
    ("arn:aws:iam::1:user/Alice@Example.com", "alice@example.com"),
    ("arn:aws:sts::1:assumed-role/Admin/bob@example.org", "bob@example.org"),
    ("arn:aws:sts::1:assumed-role/Admin/i-0123456789", None),
    ("arn:aws:iam::1:user/ci-robot", None),
    ("carol@example.com", "carol@example.com"),
    ("", None),
])
def test_principal_email(actor: str, email: str | None) -> None:
    assert principal_email(actor) == email


def test_slack_actor_round_trip() -> None:
    assert user_of_actor(slack_actor("U0ABC123")) == "U0ABC123"
    assert user_of_actor("arn:aws:iam::1:user/slack:U0ABC123") is None and user_of_actor(None) is None


def _rate_limited(headers: dict[str, object], status: int = 429) -> SlackApiError:
    response = AsyncSlackResponse(client=None, http_verb="POST", api_url="x", req_args={},  # type: ignore[arg-type]
                                  data={"ok": False, "error": "ratelimited"}, headers=headers, status_code=status)
    return SlackApiError("ratelimited", response)


def test_ignore_rules_by_scope() -> None:
    r = record()
    by_resource = rule_for(r, IgnoreChoice(IgnoreScope.RESOURCE, Expiry.DAY.duration), "slack:U1", NOW, None)
    assert (by_resource.tf_type, by_resource.account_id, by_resource.name_pattern) == (
        "aws_s3_bucket", "111111111111", "logs[[]1]")
    assert rule_for(r, IgnoreChoice(IgnoreScope.TYPE, Expiry.DAY.duration), "u", NOW, None).tf_type == "aws_s3_bucket"
    by_actor = rule_for(r, IgnoreChoice(IgnoreScope.ACTOR, Expiry.DAY.duration), "u", NOW, None)
    assert (by_actor.actor, by_actor.tf_type) == ("arn:aws:iam::1:user/ci", None)
    by_name = rule_for(r, IgnoreChoice(IgnoreScope.NAME, Expiry.FOREVER.duration, "tmp-*"), "u", NOW, None)
    assert (by_name.name_pattern, by_name.expires_at, by_name.tf_type) == ("tmp-*", None, None)
    # The stored rule is the detection filters' rule too.
    assert by_name.to_rule().name_pattern == "tmp-*"


class GroupClient:
    """Answers usergroups.users.list as Slack does, or fails; counts the calls."""

    def __init__(self, members: list[str] | None) -> None:
        self.members = members
        self.calls: list[str] = []

    async def usergroups_users_list(self, usergroup: str) -> dict[str, object]:
        self.calls.append(usergroup)
        if self.members is None:
            raise SlackApiError("no_such_subteam", _rate_limited({}, status=200).response)
        return {"ok": True, "users": self.members}


async def test_admins_by_id_or_by_user_group_membership() -> None:
    client = GroupClient(["U0MEMBER"])
    users = UserDirectory(client, admins=["U0LISTED"], admin_group="S0ADMINS")  # type: ignore[arg-type]
    assert await users.is_admin("U0LISTED") and client.calls == []
    assert await users.is_admin("U0MEMBER") and not await users.is_admin("U0OTHER")
    assert client.calls == ["S0ADMINS"]  # the members are cached
    failing = UserDirectory(GroupClient(None), admin_group="S0ADMINS")  # type: ignore[arg-type]
    assert not await failing.is_admin("U0MEMBER")
    assert not await UserDirectory(client, admins=[]).is_admin("U0MEMBER")  # type: ignore[arg-type]
