"""A scan's digest, the bulk preview and result, and a scan's find in the resource message: what they say, and that
they stay valid and within Slack's limits for hostile names and tags and for hundreds of groups."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.backlog import ScanOutcome
from bot.scan import ScanFailure, ScanItem, ScanReport, ScanRequest
from bot.state import ResourceRecord
from renderers.slack import blocks as bk
from renderers.slack import render_bulk_preview, render_bulk_result, render_resource_message, render_scan_digest
from renderers.slack.ids import Action
from renderers.slack.limits import MESSAGE_BLOCKS
from renderers.slack.resource import fallback_text, summary_line
from renderers.slack.scan import bulk_value, parse_bulk_value, picked_digest
from renderers.slack.viewdata import (
    BulkItem,
    BulkPreviewView,
    BulkResultView,
    ResourceView,
    ScanDigestView,
    ScanGroup,
    Status,
)
from slack_adapters.presenters import scan_digest_view
from tests.renderers.slackcheck import HOSTILE_MARKUP, assert_message, buttons
from tests.renderers.strategies import USER_IDS, hostile_text, resources

WHEN = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)
HUGE = ("<!channel>&`*_~" * 400)[:4096]


def text_of(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def digest(**changes: object) -> ScanDigestView:
    base = ScanDigestView(
        scan_id="scan-20261129T210000Z-a1b2c3", source="scan", new=15, known=3, ignored=2, managed=140,
        by_type=[ScanGroup("aws_instance", 12, "EC2 instance", (("t3.micro", 8), ("m5.large", 4))),
                 ScanGroup("aws_s3_bucket", 6, "S3 bucket")],
        by_account=[ScanGroup("111122223333", 10, "prod"), ScanGroup("444455556666", 8)],
        by_region=[ScanGroup("eu-west-1", 11), ScanGroup("us-east-1", 7)],
        by_owner=[ScanGroup("team-data", 9), ScanGroup("", 9)],
        api_calls=1234, requests=1301, seconds=42.4, regions=("eu-west-1", "us-east-1"), accounts=2,
        requested_by_user_id="U02BOB", module_hint="module.storage",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# The digest


def test_the_digest_says_what_was_found_where_and_how_to_act() -> None:
    message = render_scan_digest(digest())
    assert_message(message, ("U02BOB",))
    text = text_of(message)
    assert message["text"] == "Scan found 20 unmanaged resources"
    assert ":mag: *Scan found 20 unmanaged resources*" in text
    assert "*15* new in the backlog · *3* already in the backlog · *2* covered by ignore rules · *140* managed by " \
           "Terraform" in text
    assert "• *EC2 instance* \u00d7 12 (`aws_instance`) — t3.micro \u00d78, m5.large \u00d74" in text
    assert "• *S3 bucket* \u00d7 6 (`aws_s3_bucket`)" in text
    assert "• prod (`111122223333`) 10" in text and "• `444455556666` 8" in text
    assert "• `eu-west-1` 11" in text
    assert "*By owner tag* `owner`" in text and "• `team-data` 9" in text and "• _no owner tag_ 9" in text
    assert "`/tfsync bulk adopt type=aws_instance source=scan into module.storage`" in text
    assert "`/tfsync bulk ignore type=aws_instance source=scan for 30 days`" in text
    assert "App Home" in text
    context = message["blocks"][-1]
    assert context["type"] == "context"
    footer = context["elements"][0]["text"]
    assert "1,234 API calls (1,301 HTTP requests) · 42 s" in footer and "<@U02BOB>" in footer
    assert "every type in 2 regions of 2 accounts" in footer and "scan-20261129T210000Z-a1b2c3" in footer
    assert "incomplete" not in text


def test_the_reconciliation_counts_what_no_event_reported() -> None:
    message = render_scan_digest(digest(source="reconcile", new=4, requested_by_user_id=None))
    assert message["text"] == "Reconciliation: 4 resources no creation event reported"
    text = text_of(message)
    assert "source=reconcile" in text and "the scheduled reconciliation" in text
    assert render_scan_digest(digest(source="reconcile", new=1))["text"] == (
        "Reconciliation: 1 resource no creation event reported")


def test_a_scan_that_found_nothing_says_so_and_offers_no_command() -> None:
    message = render_scan_digest(digest(new=0, known=0, ignored=0, by_type=(), by_account=(), by_region=(),
                                        by_owner=()))
    assert_message(message, ("U02BOB",))
    text = text_of(message)
    assert message["text"] == "Scan found no unmanaged resources"
    assert "bulk adopt" not in text and "*140* managed by Terraform" in text


def test_failures_are_named_and_the_scan_is_called_incomplete() -> None:
    failures = [ScanFailure("111122223333", "eu-west-1", "aws_instance", "ec2:DescribeInstances",
                            "UnauthorizedOperation: no").describe()]
    message = render_scan_digest(digest(failures=failures, state_errors=["s3://states/prod.tfstate: AccessDenied"]))
    assert_message(message, ("U02BOB",))
    text = text_of(message)
    assert message["blocks"][0]["text"]["text"].startswith(":warning:")
    assert "*The scan is incomplete*: 1 call failed" in text
    assert "ec2:DescribeInstances failed in account 111122223333, eu-west-1 listing aws_instance" in text
    assert "*1 Terraform state not read*" in text and "s3://states/prod.tfstate: AccessDenied" in text


def test_many_failures_are_counted_and_a_few_named() -> None:
    failures = [f"ec2:DescribeVolumes failed in account {n:012d}, eu-west-1: Throttling" for n in range(250)]
    message = render_scan_digest(digest(failures=failures))
    assert_message(message, ("U02BOB",))
    text = text_of(message)
    assert "*250 calls failed*" in text and "_…and 247 more failed calls_" in text
    assert "000000000002" in text and "000000000003" not in text


def test_hundreds_of_groups_and_huge_hostile_names_stay_within_limits() -> None:
    hostile = [ScanGroup(f"{HUGE}{i}", 1000 - i, HUGE, tuple((f"{HUGE}{j}", j) for j in range(10)))
               for i in range(600)]
    view = digest(
        new=10**6, known=10**6, ignored=10**6, managed=10**7, by_type=hostile, by_account=hostile, by_region=hostile,
        by_owner=[*hostile, ScanGroup("", 5)], owner_tag=HUGE, failures=[HUGE] * 900, state_errors=[HUGE] * 300,
        api_calls=10**9, requests=10**9, seconds=10**6, regions=tuple(f"r{i}" for i in range(40)), accounts=900,
        requested_by=HUGE, requested_by_user_id=None, module_hint=HUGE, scan_id=HUGE,
        stack_made=12,
    )
    message = render_scan_digest(view)
    assert_message(message, ())
    assert len(message["blocks"]) < MESSAGE_BLOCKS
    text = text_of(message)
    for hostile_markup in HOSTILE_MARKUP:
        assert hostile_markup not in text
    assert "more types_" in text and "more accounts_" in text and "more regions_" in text
    assert "more owners_" in text and "*900 calls failed*" in text and "more states_" in text


def test_names_and_tags_are_escaped_for_mrkdwn() -> None:
    name = "<!here> *bold* `tick` <https://evil.example|click> & <@U01ALICE>"
    message = render_scan_digest(digest(by_type=[ScanGroup(name, 3, name, ((name, 3),))],
                                        by_account=[ScanGroup(name, 3, name)], by_region=[ScanGroup(name, 3)],
                                        by_owner=[ScanGroup(name, 3)], failures=[name], state_errors=[name],
                                        requested_by_user_id=None, requested_by=name, owner_tag=name))
    assert_message(message, ())
    text = text_of(message)
    assert "&lt;!here&gt;" in text and "<!here>" not in text and "<https://evil" not in text


def _groups(size: int) -> st.SearchStrategy[list[ScanGroup]]:
    sizes = st.lists(st.tuples(hostile_text, st.integers(0, 10**6)), max_size=5)
    return st.lists(st.builds(ScanGroup, hostile_text, st.integers(0, 10**6), hostile_text, sizes), max_size=size)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(types=_groups(40), others=_groups(30), failures=st.lists(hostile_text, max_size=12),
       counts=st.tuples(*(st.integers(0, 10**7) for _ in range(4))), source=st.sampled_from(("scan", "reconcile")),
       user=st.one_of(st.none(), st.sampled_from(USER_IDS), hostile_text), text=hostile_text)
def test_any_digest_is_valid(types: list[ScanGroup], others: list[ScanGroup], failures: list[str],
                             counts: tuple[int, int, int, int], source: str, user: str | None, text: str) -> None:
    new, known, ignored, managed = counts
    view = ScanDigestView(scan_id=text, source=source, new=new, known=known, ignored=ignored, managed=managed,
                          by_type=types, by_account=others, by_region=others, by_owner=others, owner_tag=text,
                          failures=failures, state_errors=failures, requested_by_user_id=user, requested_by=text,
                          module_hint=text)
    assert_message(render_scan_digest(view), USER_IDS)


# The presenter


def _item(n: int, tf_type: str = "aws_instance", **changes: object) -> ScanItem:
    base = ScanItem(tf_type=tf_type, import_id=f"i-{n:04d}", name=f"web-{n}", arn=f"arn:aws:ec2:::{n}",
                    region="eu-west-1", account_id="111122223333", console_url="",
                    tags={"Owner": "team-data"} if n % 2 else {}, facts=(("instance type", "t3.micro" if n % 3
                                                                           else "m5.large"),))
    return replace(base, **changes)  # type: ignore[arg-type]


def _record(item: ScanItem) -> ResourceRecord:
    return ResourceRecord(resource_id=f"r-{item.import_id[2:]:0>12}", account_id=item.account_id, region=item.region,
                          tf_type=item.tf_type, import_id=item.import_id, status="detected", version=1,
                          detected_at=WHEN, status_changed_at=WHEN, created_at=WHEN, name=item.name, source="scan")


class _Aliases:
    def alias(self, account_id: str) -> str | None:
        return {"111122223333": "prod"}.get(account_id)

    def known_reachable(self, account_id: str) -> bool | None:
        return True


def test_the_presenter_fills_the_digest_from_the_outcome() -> None:
    request = ScanRequest(("111122223333", "444455556666"), ("eu-west-1", "us-east-1"))
    items = [_item(n) for n in range(1, 10)] + [_item(20, "aws_s3_bucket", facts=(), account_id="444455556666",
                                                      region="us-east-1")]
    managed = _item(99, state="s3://states/prod.tfstate", address="aws_instance.web")
    ignored = _item(50, name="scratch-1")
    failure = ScanFailure("444455556666", "us-east-1", "aws_s3_bucket", "s3:ListBuckets", "AccessDenied")
    report = ScanReport(request, items=[*items, managed, ignored], failures=[failure], requests=12, seconds=3.2,
                        state_errors=["s3://states/dev.tfstate: NoSuchKey"])
    report.calls.update({"ec2:DescribeInstances": 4, "s3:ListBuckets": 2})
    outcome = ScanOutcome("scan-1", "scan", report, "owner", new=[_record(i) for i in items[:7]], known=items[7:],
                          ignored=[ignored], requested_by="slack:U02BOB")
    view = scan_digest_view(outcome, accounts=_Aliases(), modules=(".", "module.storage"))
    assert (view.new, view.known, view.ignored, view.managed, view.unmanaged) == (7, 3, 1, 1, 11)
    assert view.by_type[0] == ScanGroup("aws_instance", 9, "EC2 instance", (("t3.micro", 6), ("m5.large", 3)))
    assert view.by_type[1].label == "S3 bucket" and view.by_type[1].sizes == ()
    assert [(g.key, g.count, g.label) for g in view.by_account] == [("111122223333", 9, "prod"),
                                                                     ("444455556666", 1, "")]
    assert [(g.key, g.count) for g in view.by_owner] == [("team-data", 5), ("", 5)]
    assert view.failures == [failure.describe()] and view.state_errors == ["s3://states/dev.tfstate: NoSuchKey"]
    assert (view.api_calls, view.requests, view.accounts, view.regions) == (6, 12, 2, ("eu-west-1", "us-east-1"))
    assert (view.requested_by_user_id, view.module_hint) == ("U02BOB", "module.storage")
    assert_message(render_scan_digest(view), ("U02BOB",))


# Bulk preview and result


def _items(count: int, **changes: object) -> list[BulkItem]:
    return [replace(BulkItem(f"r-{n:012d}", "aws_instance", "EC2 instance", f"web-{n}", "111122223333", "eu-west-1"),
                    **changes)  # type: ignore[arg-type]
            for n in range(count)]


def test_a_confirm_value_carries_the_command_back_and_fits_a_button() -> None:
    command = "adopt type=aws_instance name=web-<*>&| tag=team=data into module.storage"
    digest_ = picked_digest(["r-b", "r-a"])
    assert digest_ == picked_digest(["r-a", "r-b"]) != picked_digest(["r-a"])
    value = bulk_value(command, 20, digest_)
    assert "<" not in value and ">" not in value and "|" not in value and "&" not in value
    assert parse_bulk_value(value) == (command, 20, digest_)
    with pytest.raises(ValueError):
        bulk_value("adopt " + "name=" + "<" * 1_600, 1, digest_)
    with pytest.raises(ValueError):
        parse_bulk_value("r-k3v9q2mzt7ab")


def test_the_preview_names_what_it_picked_and_offers_the_confirm_button() -> None:
    items = _items(12) + _items(8, tf_type="aws_s3_bucket", label="S3 bucket")
    view = BulkPreviewView("adopt", "type=aws_instance", items, bulk_value("adopt x", 20, "0" * 16),
                           module="module.storage")
    message = render_bulk_preview(view)
    assert_message(message)
    text = text_of(message)
    assert "*Adopt 20 resources* picked by `type=aws_instance`, into `module.storage`" in text
    assert "EC2 instance \u00d7 12" in text and "S3 bucket \u00d7 8" in text
    assert "`web-0`" in text and "`web-9`" in text and "_…and 10 more resources_" in text
    [confirm] = buttons(message).values()
    assert confirm["action_id"] == Action.BULK_CONFIRM and confirm["text"]["text"] == "Adopt these 20"
    assert confirm["value"] == view.value and confirm["style"] == "primary"

    ignore = render_bulk_preview(replace(view, verb="ignore", module=None, days=30))
    assert "*Ignore 20 resources*" in text_of(ignore) and "for 30 days" in text_of(ignore)
    assert buttons(ignore)[Action.BULK_CONFIRM]["text"]["text"] == "Ignore these 20"
    assert "for ever" in text_of(render_bulk_preview(replace(view, verb="ignore", days=None)))
    assert "into the root module" in text_of(render_bulk_preview(replace(view, module=None)))


def test_a_preview_that_cannot_go_has_no_button_and_says_why() -> None:
    view = BulkPreviewView("adopt", "type=aws_instance", _items(3), bulk_value("adopt x", 3, "0" * 16),
                           refusal="These are in 2 accounts; add account=.")
    message = render_bulk_preview(view)
    assert_message(message)
    assert buttons(message) == {} and "These are in 2 accounts" in text_of(message)
    nothing = render_bulk_preview(replace(view, items=(), refusal=""))
    assert buttons(nothing) == {} and "No resource waiting for a decision matches `type=aws_instance`" in text_of(
        nothing)
    changed = render_bulk_preview(replace(view, refusal="", changed=True))
    assert "changed since the preview, so nothing was done" in text_of(changed)
    assert Action.BULK_CONFIRM in buttons(changed)


def test_the_result_says_what_was_done_and_what_was_refused() -> None:
    items = _items(5)
    adopted = render_bulk_result(BulkResultView("adopt", items[:3], [(items[3], "someone got there first"),
                                                                     (items[4], "no access to account")],
                                                user_id="U01ALICE", module="module.storage", batch_id="b-0a1b2c3d4e"))
    assert_message(adopted, ("U01ALICE",))
    text = text_of(adopted)
    assert "<@U01ALICE> started adopting 3 resources into `module.storage` as one job (batch `b-0a1b2c3d4e`)" in text
    assert "*2 resources not adopted*" in text and "someone got there first" in text
    ignored = render_bulk_result(BulkResultView("ignore", items, user_id="U01ALICE", days=None))
    assert "<@U01ALICE> ignored 5 resources for ever." in text_of(ignored)
    none = render_bulk_result(BulkResultView("ignore", (), [(items[0], "already adopted")]))
    assert "Nothing was ignored" in text_of(none) and "already adopted" in text_of(none)


def test_bulk_surfaces_stay_within_limits_for_huge_hostile_input() -> None:
    items = [BulkItem(f"r-{n:012d}", HUGE, HUGE, HUGE, HUGE, HUGE) for n in range(500)]
    value = bulk_value("adopt name=" + "<!channel>" * 100, 500, "f" * 16)
    for verb in ("adopt", "ignore"):
        preview = render_bulk_preview(BulkPreviewView(verb, HUGE, items, value, module=HUGE, days=3650,
                                                      refusal=""))
        assert_message(preview)
        assert_message(render_bulk_preview(BulkPreviewView(verb, HUGE, items, value, refusal=HUGE, changed=True)))
        result = render_bulk_result(BulkResultView(verb, items, [(i, HUGE) for i in items], user_id="U01ALICE",
                                                   module=HUGE, batch_id=HUGE))
        assert_message(result, ("U01ALICE",))
        for hostile_markup in HOSTILE_MARKUP:
            assert hostile_markup not in text_of(preview) + text_of(result)


# A scan's find in the resource message


def instance(**changes: object) -> ResourceView:
    base = ResourceView(
        short_id="r-k3v9q2mzt7ab", tf_type="aws_instance", label="EC2 instance", import_id="i-0abc", name="web-1",
        arn="arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc", region="eu-west-1", account_id="111122223333",
        actor="", status=Status.DETECTED, suggested_name="web_1", loses_data=True, event_time=WHEN, source="scan",
        facts=(("instance type", "t3.micro"), ("root volume", "20 GiB gp3")),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_scan_find_says_it_was_found_by_a_scan_with_its_size() -> None:
    message = render_resource_message(instance())
    assert_message(message)
    text = text_of(message)
    assert "*Found*\\nby a scan on <!date^" in text and "Created by" not in text
    assert "is not managed by Terraform" in text and "*New" not in text
    assert "*Size*\\nt3.micro · 20 GiB gp3" in text
    assert "found by a scan" in message["text"] and "someone" not in message["text"]
    reconciled = text_of(render_resource_message(instance(source="reconcile")))
    assert "by the scheduled reconciliation on <!date^" in reconciled
    assert "no creation event reached tfsync" in reconciled


def test_an_event_find_still_names_its_creator_and_shows_its_size() -> None:
    text = text_of(render_resource_message(instance(source="event", actor="arn:aws:iam::1:user/alice")))
    assert "*Created by*" in text and "user/alice" in text and "was created outside Terraform" in text
    assert "*Size*\\nt3.micro · 20 GiB gp3" in text
    assert "*Size*" not in text_of(render_resource_message(instance(source="event", facts=())))


def test_the_summary_line_shows_the_size_and_the_source() -> None:
    line = summary_line(instance())
    assert "t3.micro · 20 GiB gp3" in line and "found by a scan" in line and "by someone" not in line
    assert "found by reconciliation" in summary_line(instance(source="reconcile"))
    event = summary_line(instance(source="event", actor="arn:aws:iam::1:user/alice", facts=()))
    assert "by `arn:aws:iam::1:user/alice`" in event and "·  ·" not in event
    assert "found by" in fallback_text(instance())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resources(), st.sampled_from(("event", "scan", "reconcile")),
       st.lists(st.tuples(hostile_text, hostile_text), max_size=8))
def test_any_scan_find_renders_a_valid_parent(resource: ResourceView, source: str,
                                              facts: list[tuple[str, str]]) -> None:
    view = replace(resource, source=source, facts=tuple(facts))
    message = render_resource_message(view)
    assert_message(message, USER_IDS)
    assert_message(bk.message("x", [bk.section(summary_line(view))]), USER_IDS)


def test_the_example_command_names_a_module_only_when_one_is_configured() -> None:
    text = text_of(render_scan_digest(digest(module_hint="")))
    assert "`/tfsync bulk adopt type=aws_instance source=scan`" in text and " into " not in text
