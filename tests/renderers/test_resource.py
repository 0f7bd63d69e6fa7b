"""The resource thread: parent message per status, thread replies per step, for ordinary and hostile input."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renderers.slack import render_resource_message, render_step
from renderers.slack.ids import Action
from renderers.slack.viewdata import (
    AdoptFailedStep,
    AdoptStarted,
    AdoptSucceeded,
    BuildProgress,
    Deleted,
    DeleteFailedStep,
    DeleteStarted,
    Gone,
    Ignored,
    ResourceView,
    Status,
)
from tests.renderers.slackcheck import HOSTILE_MARKUP, assert_message, buttons
from tests.renderers.strategies import USER_IDS, hostile_text, resources

WHEN = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)


def bucket(**changes: object) -> ResourceView:
    base = ResourceView(
        short_id="r-k3v9q2mzt7ab",
        tf_type="aws_s3_bucket",
        label="S3 bucket",
        import_id="tfsync-logs-2026",
        name="tfsync-logs-2026",
        arn="arn:aws:s3:::tfsync-logs-2026",
        region="eu-west-1",
        account_id="123456789012",
        actor="arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com",
        status=Status.DETECTED,
        suggested_name="tfsync_logs_2026",
        loses_data=True,
        event_time=WHEN,
        console_url="https://s3.console.aws.amazon.com/s3/buckets/tfsync-logs-2026?region=eu-west-1",
        tags={"team": "platform", "Name": "logs"},
        code_preview='resource "aws_s3_bucket" "tfsync_logs_2026" {\n  bucket = "tfsync-logs-2026"\n}\n',
        channel_id="C0123ABCD",
        thread_ts="1700000000.000100",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def expected_buttons(resource: ResourceView) -> set[str]:
    """The decisions a parent message offers: by status, and only Ignore where tfsync has no role in the account or
    does not know the import ID."""
    if not resource.reachable or not resource.import_id:
        return {Action.RESOURCE_IGNORE} if resource.status is Status.DETECTED else set()
    return EXPECTED_BUTTONS[resource.status]


EXPECTED_BUTTONS: dict[Status, set[str]] = {
    Status.DETECTED: {Action.RESOURCE_ADOPT, Action.RESOURCE_DELETE, Action.RESOURCE_IGNORE},
    Status.ADOPTING: set(),
    Status.ADOPTED: set(),
    Status.ADOPT_FAILED: {Action.ADOPTION_RETRY},
    Status.DELETING: set(),
    Status.DELETED: set(),
    Status.DELETE_FAILED: {Action.DELETION_RETRY},
    Status.IGNORED: set(),
    Status.GONE: set(),
}


@pytest.mark.parametrize("status", list(Status))
def test_buttons_follow_the_status(status: Status) -> None:
    message = render_resource_message(bucket(status=status, error="boom", status_by_user_id="U01ALICE"))
    assert_message(message, USER_IDS)
    assert set(buttons(message)) == EXPECTED_BUTTONS[status]
    has_actions = any(b["type"] == "actions" for b in message["blocks"])
    assert has_actions == bool(EXPECTED_BUTTONS[status])


def test_detected_buttons_carry_the_short_id_and_styles() -> None:
    found = buttons(render_resource_message(bucket()))
    assert found[Action.RESOURCE_ADOPT]["style"] == "primary"
    assert found[Action.RESOURCE_DELETE]["style"] == "danger"
    assert found[Action.RESOURCE_DELETE]["confirm"]["style"] == "danger"
    assert "style" not in found[Action.RESOURCE_IGNORE]
    assert {b.get("value") for b in found.values()} == {"r-k3v9q2mzt7ab"}


def test_parent_says_what_who_where_when() -> None:
    text = json.dumps(render_resource_message(bucket(actor_user_id="U01ALICE")))
    assert "<@U01ALICE>" in text
    assert "`123456789012`" in text and "`eu-west-1`" in text
    assert "<!date^1795986000^" in text
    assert "<https://s3.console.aws.amazon.com/s3/buckets/tfsync-logs-2026?region=eu-west-1|" in text
    assert "`team`=`platform`" in text
    assert 'resource \\"aws_s3_bucket\\"' in text
    without_user = json.dumps(render_resource_message(bucket()))
    assert "assumed-role/Admin/alice@example.com" in without_user and "<@" not in without_user


def test_outcomes_replace_the_buttons() -> None:
    adopted = render_resource_message(
        bucket(status=Status.ADOPTED, tf_address="module.logs.aws_s3_bucket.logs", status_by_user_id="U02BOB",
               result_url="https://github.com/acme/infra/pull/7", result_kind="pull request", status_at=WHEN)
    )
    text = json.dumps(adopted)
    assert "*Adopted*" in text and "<https://github.com/acme/infra/pull/7|View the pull request>" in text
    assert "<@U02BOB>" in text
    ignored = json.dumps(render_resource_message(bucket(status=Status.IGNORED, ignore_rule="all S3 buckets")))
    assert "*Ignored*" in ignored and "forever" in ignored
    until = WHEN + timedelta(days=7)
    assert f"until <!date^{int(until.timestamp())}^" in json.dumps(
        render_resource_message(bucket(status=Status.IGNORED, ignore_until=until))
    )
    gone = render_resource_message(bucket(status=Status.GONE))
    assert "*Gone*" in json.dumps(gone) and "Terraform* (preview" not in json.dumps(gone)
    failed = json.dumps(render_resource_message(bucket(status=Status.ADOPT_FAILED, error="plan shows 1 to change")))
    assert "plan shows 1 to change" in failed


def test_code_preview_is_short_and_says_what_it_left_out() -> None:
    code = "\n".join(f"  attribute_{i} = {i}" for i in range(100))
    message = render_resource_message(bucket(code_preview=code))
    preview = next(b for b in message["blocks"] if b.get("text", {}).get("text", "").startswith("*Terraform*"))
    assert "88 more lines" in preview["text"]["text"]
    assert preview["text"]["text"].count("\n") < 20


def test_hostile_bucket_name_pings_no_one_and_stays_in_its_code_span() -> None:
    name = "<!channel> ```\n*x* `y` <@U01ALICE> & <https://evil.example|click>"
    message = render_resource_message(bucket(name=name, import_id=name, arn=name, tags={name: name}, actor=name,
                                             code_preview=name))
    assert_message(message, ())


@pytest.mark.parametrize("status", list(Status))
def test_worst_case_parent_stays_within_limits(status: Status) -> None:
    huge = ("<!channel>&`" * 400)[:4096]
    r = bucket(
        status=status, name=huge, import_id=huge, arn=huge, label=huge, tf_type=huge, region=huge, account_id=huge,
        actor=huge, tags={f"{huge[:4000]}{i}": huge for i in range(100)}, code_preview=(huge + "\n") * 50,
        console_url="https://console.aws.amazon.com/?" + "a" * 1900, error=huge, ignore_rule=huge, status_by=huge,
        tf_address=huge, result_url="https://github.com/acme/infra/pull/7", job_url="https://ci.example/" + huge,
    )
    assert_message(render_resource_message(r))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resources())
def test_any_resource_renders_a_valid_parent(resource: ResourceView) -> None:
    message = render_resource_message(resource)
    assert_message(message, USER_IDS)
    assert set(buttons(message)) == expected_buttons(resource)
    dumped = json.dumps(message, ensure_ascii=False)
    for hostile in HOSTILE_MARKUP:
        assert hostile not in dumped


def _steps(resource: ResourceView, text: str, url: str | None) -> list[object]:
    return [
        AdoptStarted(resource, "U01ALICE", text, module=text),
        BuildProgress(resource, text, text, url),
        AdoptSucceeded(resource, text, url, "pull request", text, url, text),
        AdoptFailedStep(resource, text, url, "E-7F3A"),
        DeleteStarted(resource, "U02BOB"),
        Deleted(resource, None),
        DeleteFailedStep(resource, text, "E-1234"),
        Ignored(resource, "U01ALICE", "rule-1", text, WHEN),
        Ignored(resource, "U01ALICE", text, text, None),
        Gone(resource, WHEN),
    ]


def test_steps_ordinary() -> None:
    r = bucket()
    replies = [render_step(s) for s in _steps(r, "terraform plan", "https://github.com/acme/infra/commit/abc")]  # type: ignore[arg-type]
    for reply in replies:
        assert_message(reply, USER_IDS)
    failed = buttons(replies[3])
    assert failed[Action.ADOPTION_RETRY]["value"] == r.short_id and failed[Action.ADOPTION_RETRY]["style"] == "primary"
    assert Action.JOB_OPEN in failed
    assert "E-7F3A" in json.dumps(replies[3])
    retry_delete = buttons(replies[6])[Action.DELETION_RETRY]
    assert retry_delete["style"] == "danger" and "confirm" in retry_delete
    assert "View the pull request" in json.dumps(replies[2])
    assert "forever" in json.dumps(replies[8]) and "until <!date^" in json.dumps(replies[7])
    for reply in (replies[0], replies[4], replies[5], replies[9]):
        assert buttons(reply) == {}


def test_adopt_replies_name_the_file_the_job_made_and_never_one_asked_for() -> None:
    started = json.dumps(render_step(AdoptStarted(bucket(), "U01ALICE", "module.logs.aws_s3_bucket.logs", "logs")))
    assert "started adopting" in started and "`module.logs.aws_s3_bucket.logs`" in started and ".tf" not in started
    file = "modules/logs/aws_s3_bucket.logs.tf"
    done = json.dumps(render_step(AdoptSucceeded(bucket(), "module.logs.aws_s3_bucket.logs", None, tf_file=file)))
    assert f"as `module.logs.aws_s3_bucket.logs` in `{file}`." in done
    unknown = json.dumps(render_step(AdoptSucceeded(bucket(), "aws_s3_bucket.logs", None)))
    assert "as `aws_s3_bucket.logs`." in unknown


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resources(), hostile_text, st.one_of(st.none(), hostile_text))
def test_any_step_renders_a_valid_reply(resource: ResourceView, text: str, url: str | None) -> None:
    for step in _steps(resource, text, url):
        assert_message(render_step(step), USER_IDS)  # type: ignore[arg-type]


def test_short_ids_are_checked() -> None:
    with pytest.raises(ValueError, match="short id"):
        bucket(short_id="<!channel>")
    with pytest.raises(ValueError):
        bucket(short_id="x" * 65)


def test_a_check_mark_only_for_code_a_plan_proved() -> None:
    address = "module.logs.aws_s3_bucket.logs"
    proved = render_step(AdoptSucceeded(bucket(), address, None, plan_summary="3 to import, 0 to add, 0 to change, "
                                        "0 to destroy"))
    assert_message(proved, USER_IDS)
    assert ":white_check_mark: Adopted" in json.dumps(proved) and "Plan: 3 to import" in json.dumps(proved)
    unproved = render_step(AdoptSucceeded(bucket(), address, None, verified=False))
    assert_message(unproved, USER_IDS)
    text = json.dumps(unproved)
    assert ":white_check_mark:" not in text and ":warning:" in text and "*not verified*" in text
    assert unproved["text"].startswith("Committed, not verified:")


def test_a_failed_gate_lists_each_change_and_offers_a_way_forward() -> None:
    reason = ("the plan is not clean: 1 to import, 0 to add, 1 to change, 0 to destroy\n"
              "• module.logs.aws_sqs_queue.jobs would be changed: max_message_size would change")
    reply = render_step(AdoptFailedStep(bucket(), reason, None, None))
    assert_message(reply, USER_IDS)
    text = json.dumps(reply)
    assert "max_message_size would change" in text and "Nothing was committed or applied" in text
    assert set(buttons(reply)) == {Action.ADOPTION_RETRY, Action.RESOURCE_ADOPT}


def test_an_adoption_whose_worker_stopped_claims_nothing_about_what_it_did() -> None:
    reply = render_step(AdoptFailedStep(bucket(), "the worker stopped", None, None, nothing_changed=False))
    assert_message(reply, USER_IDS)
    text = json.dumps(reply)
    assert "Nothing was committed" not in text and "*Retry*" in text
    assert set(buttons(reply)) == {Action.ADOPTION_RETRY, Action.RESOURCE_ADOPT}


def test_the_account_shows_by_its_alias_beside_its_number() -> None:
    payload = render_resource_message(bucket(account_alias="prod <eu>"))
    assert_message(payload)
    text = json.dumps(payload["blocks"])
    assert "*Account*\\nprod &lt;eu&gt; (`123456789012`)" in text
    assert "prod &lt;eu&gt; (123456789012)/eu-west-1" in payload["text"]


@pytest.mark.parametrize("status", [Status.DETECTED, Status.ADOPT_FAILED, Status.DELETE_FAILED])
def test_an_account_without_a_role_offers_only_ignore_and_says_why(status: Status) -> None:
    payload = render_resource_message(bucket(status=status, reachable=False, account_alias="sandbox"))
    assert_message(payload)
    assert set(buttons(payload)) == ({Action.RESOURCE_IGNORE} if status is Status.DETECTED else set())
    if status is Status.DETECTED:
        text = json.dumps(payload["blocks"])
        assert "tfsync has no role in account sandbox (`123456789012`)" in text
        assert "can show and ignore this resource but not adopt or delete it" in text
        assert "Terraform* (preview)" in text, "the code preview from the event is still offered"


def test_a_resource_whose_import_id_is_unknown_says_why_and_offers_only_ignore() -> None:
    why = "the record lacks the import ID, and secretsmanager:DescribeSecret failed: AWS answered AccessDenied <x>"
    payload = render_resource_message(bucket(import_id="", unresolved=why))
    assert_message(payload)
    assert set(buttons(payload)) == {Action.RESOURCE_IGNORE}
    text = json.dumps(payload["blocks"])
    assert "*Import ID*\\nunknown: the record lacks the import ID, and secretsmanager:DescribeSecret failed" in text
    assert "AccessDenied &lt;x&gt;" in text, "what AWS said is escaped for mrkdwn"
    assert "does not know this resource's import ID" in text
    # Known again (a later lookup, or the ID filled in): every button is back.
    assert set(buttons(render_resource_message(bucket()))) >= {Action.RESOURCE_ADOPT, Action.RESOURCE_DELETE}
