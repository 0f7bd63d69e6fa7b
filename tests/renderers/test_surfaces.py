"""/tfsync responses, the App Home tab and burst digests, for ordinary and hostile input."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renderers.slack import (
    group_burst,
    render_burst_digest,
    render_burst_group,
    render_conflict,
    render_error_message,
    render_help,
    render_home,
    render_list,
    render_not_found,
    render_rules,
    render_show,
    render_stats,
    render_unignored,
)
from renderers.slack.ids import Action, Block
from renderers.slack.viewdata import (
    ActivityView,
    BurstGroup,
    BurstView,
    ErrorView,
    HomeView,
    IgnoreRuleView,
    ResourceView,
    RoutingRuleView,
    StatsView,
    Status,
)
from tests.renderers.slackcheck import action_ids, assert_message, assert_view, buttons
from tests.renderers.strategies import USER_IDS, hostile_text, moments, resources
from tests.renderers.test_resource import WHEN, bucket


def many(count: int, status: Status = Status.DETECTED, tf_type: str = "aws_s3_bucket") -> list[ResourceView]:
    return [
        bucket(short_id=f"r-{tf_type[-4:]}{i:08d}", name=f"bucket-{i}", tf_type=tf_type, status=status,
               event_time=WHEN - timedelta(minutes=i))
        for i in range(count)
    ]


# /tfsync


def test_help_lists_every_subcommand_and_echoes_unknown_input_safely() -> None:
    text = json.dumps(render_help())
    for sub in ("help", "list [status]", "show &lt;resource&gt;", "adopt", "delete", "ignore", "rules", "unignore",
                "stats"):
        assert sub in text
    unknown = render_help("<!channel> `rm -rf`")
    assert_message(unknown)
    assert "I did not understand" in json.dumps(unknown)


def test_list_is_oldest_first_and_says_what_it_left_out() -> None:
    resources = many(400)
    message = render_list(resources, total=450)
    assert_message(message)
    text = json.dumps(message)
    assert "(450)" in text and "and 350 more resources" in text and "The oldest 100 are listed" in text
    oldest, newest = text.index("r-cket00000399"), text.index("r-cket00000300")
    assert oldest < newest and "r-cket00000299" not in text
    assert_message(render_list([], Status.ADOPTED))
    assert "Resources adopted" in json.dumps(render_list(many(2, Status.ADOPTED), Status.ADOPTED))


def test_show_has_the_buttons_and_the_thread() -> None:
    r = bucket(thread_url="https://acme.slack.com/archives/C0123ABCD/p1700000000000100")
    message = render_show(r)
    assert_message(message)
    assert {Action.RESOURCE_ADOPT, Action.RESOURCE_DELETE, Action.RESOURCE_IGNORE} <= set(buttons(message))
    assert "|its thread>" in json.dumps(message)


def test_notices() -> None:
    assert_message(render_not_found("<!here>"))
    assert_message(render_unignored("rule-1", "U01ALICE"), USER_IDS)
    conflict = render_conflict(bucket(status=Status.ADOPTING, status_by_user_id="U02BOB", status_at=WHEN))
    assert_message(conflict, USER_IDS)
    assert "Someone got there first" in json.dumps(conflict) and "<@U02BOB>" in json.dumps(conflict)
    error = render_error_message(ErrorView("AWS said <AccessDenied>", "E-7F3A"))
    assert_message(error)
    assert "E-7F3A" in json.dumps(error)


ROUTING = [
    RoutingRuleView("C0PROD", account_id="123456789012"),
    RoutingRuleView("C0DATA", tf_type="aws_db_instance", tag="team=data"),
    RoutingRuleView("C0ALL", default=True),
]
IGNORES = [
    IgnoreRuleView("rule-1", "type", "every aws_s3_bucket", "U01ALICE", expires_at=WHEN + timedelta(days=7)),
    IgnoreRuleView("rule-2", "name", "names matching tmp-*", None, "bob"),
]


def test_rules() -> None:
    message = render_rules(ROUTING, IGNORES)
    assert_message(message, USER_IDS)
    text = json.dumps(message)
    assert "<#C0PROD> \u2190 account `123456789012`" in json.dumps(message, ensure_ascii=False)
    assert "default" in text and "rule-1" in text and "forever" in text and "until <!date^" in text
    assert_message(render_rules([], []))


def test_stats() -> None:
    stats = StatsView(
        counts={Status.DETECTED: 3, Status.ADOPTED: 10},
        by_type={f"aws_type_{i}": i for i in range(20)},
        by_actor={"<!channel>": 2},
        since=WHEN,
    )
    message = render_stats(stats)
    assert_message(message)
    text = json.dumps(message)
    assert "*13 resources*" in text and "aws_type_19" in text and "aws_type_0`" not in text and "10 more" in text


# App Home


def test_home_shows_counts_open_resources_oldest_first_activity_and_rules() -> None:
    open_ = many(5)
    home = render_home(
        HomeView(
            counts={Status.DETECTED: 5, Status.ADOPTED: 2},
            open_resources=list(reversed(open_)),
            recent=[ActivityView(open_[0], WHEN, Status.ADOPTING, Status.DETECTED, "U01ALICE")],
            routing_rules=ROUTING,
            ignore_rules=IGNORES,
        )
    )
    assert_view(home, "home", USER_IDS)
    text = json.dumps(home)
    assert text.index("r-cket00000004") < text.index("r-cket00000000")
    assert "*Detected*\\n5" in text and "*Adopted*\\n2" in text
    assert "waiting for a decision \u2192 adopting" in json.dumps(home, ensure_ascii=False)
    assert "<#C0DATA>" in text and "rule-2" in text
    block_ids = [b["block_id"] for b in home["blocks"] if b["type"] == "actions"]
    assert len(block_ids) == 5 and all(b.startswith(f"{Block.RESOURCE_ACTIONS}-r-") for b in block_ids)
    assert action_ids(home).count(Action.RESOURCE_ADOPT) == 5
    consoles = [b for b in action_ids(home) if b == Action.CONSOLE_OPEN]
    assert len(consoles) == 5  # the home rows show no facts, so each carries its console link


def test_home_fits_100_blocks_with_hundreds_open() -> None:
    open_ = many(300)
    home = render_home(HomeView(counts={Status.DETECTED: 300}, open_resources=open_, routing_rules=ROUTING * 30,
                                ignore_rules=IGNORES * 30,
                                recent=[ActivityView(r, WHEN, Status.DETECTED) for r in open_]))
    assert_view(home, "home", USER_IDS)
    assert len(home["blocks"]) <= 100
    assert "more; `/tfsync list` shows them all" in json.dumps(home)


def test_home_empty() -> None:
    home = render_home(HomeView(counts={}, open_resources=[]))
    assert_view(home, "home")
    assert "Nothing waiting" in json.dumps(home)


# Burst digest


def test_burst_digest_groups_by_type_with_counts() -> None:
    burst = BurstView("C0123ABCD", many(25) + many(3, tf_type="aws_db_instance") + many(1, tf_type="aws_sqs_queue"))
    groups = group_burst(burst)
    assert [(g.tf_type, len(g.resources)) for g in groups] == [
        ("aws_s3_bucket", 25), ("aws_db_instance", 3), ("aws_sqs_queue", 1)
    ]
    digest = render_burst_digest(burst)
    assert_message(digest)
    text = json.dumps(digest, ensure_ascii=False)
    assert "*29 new resources*" in text and "within a minute" in text
    assert "*S3 bucket* \u00d7 25 (`aws_s3_bucket`)" in text
    assert buttons(digest) == {}
    pages = render_burst_group(groups[0])
    assert len(pages) == 2
    for page in pages:
        assert_message(page)
    assert action_ids(pages[0]).count(Action.RESOURCE_ADOPT) + action_ids(pages[1]).count(Action.RESOURCE_ADOPT) == 25
    assert "(1-24 of 25)" in json.dumps(pages[0])


def test_a_burst_of_a_scans_finds_says_they_were_decided_on_together() -> None:
    """A bulk decision on resources a scan found gives them their first messages at once: not a burst of creations."""
    found = [replace(r, source="scan") for r in many(12)]
    text = json.dumps(render_burst_digest(BurstView("C0123ABCD", found)), ensure_ascii=False)
    assert "*12 resources found by a scan* were decided on together" in text and "created outside" not in text
    mixed = json.dumps(render_burst_digest(BurstView("C0123ABCD", [*found, *many(1, tf_type="aws_sqs_queue")])))
    assert "*13 new resources*" in mixed


def test_a_burst_with_a_repeated_resource_shows_it_once() -> None:
    r = bucket()
    groups = group_burst(BurstView("C0123ABCD", [r, replace(r, name="again")]))
    assert len(groups[0].resources) == 1
    assert_message(render_burst_group(BurstGroup("aws_s3_bucket", "S3 bucket", [r, r]))[0])


# Everything, hostile


def _unique_resources(size: int) -> st.SearchStrategy[list[ResourceView]]:
    return st.lists(resources(), min_size=1, max_size=size)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_unique_resources(6), st.one_of(st.none(), st.sampled_from(Status)), hostile_text, moments)
def test_any_input_renders_valid_surfaces(
    items: list[ResourceView], status: Status | None, text: str, moment: datetime | None
) -> None:
    mentionable = set(USER_IDS)
    assert_message(render_list(items, status), mentionable)
    assert_message(render_show(items[0]), mentionable)
    assert_message(render_help(text), mentionable)
    assert_message(render_not_found(text), mentionable)
    assert_message(render_conflict(items[0]), mentionable)
    assert_message(render_error_message(ErrorView(text, text, text)), mentionable)
    assert_message(render_unignored(text, "U01ALICE"), mentionable)
    routing = [RoutingRuleView(text, text, text, text, text), RoutingRuleView("C0ALL", default=True)]
    ignores = [IgnoreRuleView(text, text, text, "U02BOB", text, moment), IgnoreRuleView(text, text, text)]
    assert_message(render_rules(routing, ignores), mentionable)
    assert_message(
        render_stats(StatsView({s: i for i, s in enumerate(Status)}, {text: 1, "x": 2}, {text: 3}, moment)),
        mentionable,
    )
    activity = [ActivityView(r, moment or WHEN, r.status, Status.DETECTED, None, text) for r in items]
    home = render_home(HomeView({Status.DETECTED: len(items)}, items, activity, routing, ignores))
    assert_view(home, "home", mentionable)
    burst = BurstView("C0123ABCD", items)
    assert_message(render_burst_digest(burst), mentionable)
    for group in group_burst(burst):
        for page in render_burst_group(group):
            assert_message(page, mentionable)


def test_home_and_list_name_accounts_by_alias_and_offer_no_decision_without_a_role() -> None:
    member = replace(bucket(), short_id="r-member000001", account_id="999999999999", account_alias="payments",
                     reachable=False)
    own = replace(bucket(), account_alias="platform")
    home = render_home(HomeView(counts={Status.DETECTED: 2}, open_resources=[own, member], recent=[],
                                routing_rules=ROUTING, ignore_rules=IGNORES))
    listed = render_list([own, member])
    for payload in (home, listed):
        text = json.dumps(payload)
        assert "payments (`999999999999`)" in text and "platform (`123456789012`)" in text
    assert_view(home, "home", USER_IDS)
    member_row = [b for b in home["blocks"] if b.get("block_id", "").endswith("r-member000001")]
    assert member_row and {e["action_id"] for b in member_row for e in b["elements"]} <= {
        Action.RESOURCE_IGNORE, Action.CONSOLE_OPEN}
    assert action_ids(home).count(Action.RESOURCE_ADOPT) == 1
