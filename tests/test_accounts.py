"""Every action in the resource's own account (issue #14): two moto accounts, each with a role named `admin`.

Account A (123456789012, moto's default) is tfsync's own; B (999999999999) is a member account reached through a
role assumed there. moto serves both: a request signed with credentials from sts:AssumeRole into a role ARN of B
acts in B.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot import aws
from bot.accounts import AccountAccess
from bot.catalog import CATALOG
from bot.classify import Classifier
from bot.config import Settings
from bot.decisions import AdoptChoice, DecisionService, IgnoreChoice, SafeRemover
from bot.errors import ConfigError, NoAccountAccess
from bot.events import CloudTrailRecord
from bot.managed import StateReader
from bot.resource import Resource
from bot.rules import IgnoreScope
from bot.runners import RecordingReporter
from bot.state import Detection, ResourceRecord, StateRepository

A, B = "123456789012", "999999999999"
MEMBER_ROLE = f"arn:aws:iam::{B}:role/tfsync-member"
# How the tests themselves get into B: the role AWS Organizations makes in every account (moto needs none to exist).
SETUP_ROLE = f"arn:aws:iam::{B}:role/OrganizationAccountAccessRole"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
STATES = "tfstate-bucket"


def _settings(aws_env: dict[str, str], **env: str) -> Settings:
    return Settings.from_env({**aws_env, "TFSYNC_ACCOUNT_ID": A, **env})


@pytest.fixture
def setup(aws_env: dict[str, str]) -> AccountAccess:
    """Clients in A and B for the tests' own setting up and checking."""
    return AccountAccess(_settings(aws_env, TFSYNC_ACCOUNT_ROLES=json.dumps({B: SETUP_ROLE})), purpose="test")


@pytest.fixture
def two_admins(setup: AccountAccess) -> None:
    """A role named `admin` in both accounts, told apart by their descriptions."""
    for account in (A, B):
        setup.client(account, "iam").create_role(RoleName="admin", AssumeRolePolicyDocument=TRUST,
                                                 Description=f"the admin role of {account}")


def _admin(setup: AccountAccess, account: str) -> dict[str, Any] | None:
    try:
        role: dict[str, Any] = setup.client(account, "iam").get_role(RoleName="admin")["Role"]
    except setup.client(account, "iam").exceptions.NoSuchEntityException:
        return None
    return role


class _NoRunner:
    """Adopts nothing; code generation asks it for no repository view."""

    kind = "none"

    @contextmanager
    def layout(self, target: object = None) -> Iterator[Path | None]:
        yield None

    async def run(self, job: Any, reporter: Any) -> Any:
        raise AssertionError("these tests run no adopt job")


async def _detected_admin(repo: StateRepository, account: str) -> ResourceRecord:
    """The record of `CreateRole admin` made by hand in `account`."""
    resource = Resource(tf_type="aws_iam_role", import_id="admin", name="admin",
                        arn=f"arn:aws:iam::{account}:role/admin", region="us-east-1", account_id=account,
                        actor=f"arn:aws:iam::{account}:user/mallory", console_url="", suggested_name="admin",
                        loses_data=False, tags={})
    record = await repo.create_detected(Detection(resource, f"ev-{account}", "CreateRole", "2025-01-01T00:00:00Z"),
                                        owner="test", notify_grace=60)
    assert record is not None
    return record


def _decisions(state_env: dict[str, str], repo: StateRepository, **env: str) -> DecisionService:
    settings = _settings(state_env, **{"TFSYNC_STATE_LOCATIONS": f"s3://{STATES}/common/", **env})
    access = AccountAccess(settings)
    s3 = aws.client(settings, "s3")
    s3.create_bucket(Bucket=STATES)
    reader = StateReader(s3, settings.scoped_state_locations, 10_000_000)
    return DecisionService(repo, _NoRunner(), SafeRemover(reader, access.client), accounts=access,
                           reporter=RecordingReporter())


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


# Settings ---------------------------------------------------------------------------------------------------------


def test_account_settings_are_read_and_checked() -> None:
    settings = Settings.from_env({
        "TFSYNC_ACCOUNT_ID": A, "TFSYNC_ACCOUNT_ROLES": json.dumps({B: MEMBER_ROLE}),
        "TFSYNC_MEMBER_ROLE_NAME": "org/tfsync", "TFSYNC_ROLE_EXTERNAL_ID": "s3cr3t-ext",
        "TFSYNC_ACCOUNT_ALIASES": json.dumps({"111122223333": "prod"}),
    })
    assert settings.account_id == A and dict(settings.account_roles) == {B: MEMBER_ROLE}
    assert settings.member_role_name == "org/tfsync"
    assert "s3cr3t-ext" not in repr(settings) and "s3cr3t-ext" not in str(settings.redacted())
    access = AccountAccess(settings)
    assert access.label("111122223333") == "prod (111122223333)"
    assert access.label(B) == B
    # The member role name makes a role ARN in any other account, in the region's partition.
    assert access.role_arn("444455556666") == "arn:aws:iam::444455556666:role/org/tfsync"
    assert access.role_arn(B) == MEMBER_ROLE and access.role_arn(A) is None


def test_account_targets_route_an_account_and_leave_the_others_on_the_defaults() -> None:
    settings = Settings.from_env({
        "TFSYNC_STATE_LOCATIONS": "s3://states/common/",
        "TFSYNC_ACCOUNT_TARGETS": json.dumps({B: {
            "repository": "https://git.example/acme/member.git", "base_branch": "live", "root_dir": "/envs/member/",
            "states": ["s3://states-b/member.tfstate", " "], "terraform_credentials": "adopter"}}),
    })
    route = settings.route(B)
    assert (route.repository, route.base_branch, route.root_dir) == ("https://git.example/acme/member.git", "live",
                                                                     "envs/member")
    assert route.states == ("s3://states-b/member.tfstate",) and not route.terraform_as_role
    other = settings.route(A)
    assert (other.repository, other.base_branch, other.root_dir, other.terraform_as_role) == (None, None, None, True)
    assert settings.scoped_state_locations == (("s3://states/common/", None), ("s3://states-b/member.tfstate", B))



def test_account_targets_as_terraforms_jsonencode_writes_them_unset_optionals_as_null() -> None:
    """infra/modules/bot_runtime sets TFSYNC_ACCOUNT_TARGETS to jsonencode(var.account_targets): every optional
    attribute left out is there as null (states defaults to [])."""
    written = {B: {"repository": None, "base_branch": None, "root_dir": "envs/member", "states": None,
                   "terraform_credentials": None}}
    route = Settings.from_env({"TFSYNC_ACCOUNT_TARGETS": json.dumps(written)}).route(B)
    assert (route.repository, route.base_branch, route.root_dir, route.states) == (None, None, "envs/member", ())
    assert route.terraform_as_role


@pytest.mark.parametrize(("name", "value", "words"), [
    ("TFSYNC_ACCOUNT_ROLES", json.dumps({B: f"arn:aws:iam::{A}:role/x"}), f"the role for {B} is in account {A}"),
    ("TFSYNC_ACCOUNT_ROLES", json.dumps({"9999": MEMBER_ROLE}), "'9999' is not a 12-digit AWS account id"),
    ("TFSYNC_ACCOUNT_ROLES", json.dumps({B: "admin"}), "is not an IAM role ARN"),
    ("TFSYNC_ACCOUNT_ROLES", "[1]", "must be a JSON object"),
    ("TFSYNC_ACCOUNT_ID", "12345678901x", "not a 12-digit AWS account id"),
    ("TFSYNC_MEMBER_ROLE_NAME", "arn:aws:iam::1:role/x", "must be an IAM role name"),
    ("TFSYNC_ACCOUNT_ALIASES", json.dumps({B: ""}), "must be a non-empty string"),
    ("TFSYNC_ACCOUNT_TARGETS", "[]", "must be a JSON object keyed by account id"),
    ("TFSYNC_ACCOUNT_TARGETS", json.dumps({"prod": {}}), "'prod' is not a 12-digit AWS account id"),
    ("TFSYNC_ACCOUNT_TARGETS", json.dumps({B: "infra"}), f"account {B}: the value must be an object"),
    ("TFSYNC_ACCOUNT_TARGETS", json.dumps({B: {"repo": "x"}}), r"unknown keys \['repo'\]"),
    ("TFSYNC_ACCOUNT_TARGETS", json.dumps({B: {"root_dir": "../up"}}), "root_dir must be a folder inside"),
    ("TFSYNC_ACCOUNT_TARGETS", json.dumps({B: {"states": ["b/k.tfstate"]}}), "is not an s3://bucket/key"),
    ("TFSYNC_ACCOUNT_TARGETS", json.dumps({B: {"states": "s3://b/k"}}), "states must be a list"),
    ("TFSYNC_ACCOUNT_TARGETS", json.dumps({B: {"repository": " "}}), "repository must be a non-empty string"),
    ("TFSYNC_ACCOUNT_TARGETS", json.dumps({B: {"terraform_credentials": "root"}}),
     "terraform_credentials must be one of member-role, adopter"),
])
def test_malformed_account_settings_are_refused(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        Settings.from_env({name: value})


@pytest.mark.parametrize("account", ["", "12345", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢", None])
def test_an_empty_or_malformed_account_is_never_taken_for_tfsyncs_own(account: Any) -> None:
    access = AccountAccess(Settings(account_id=A, member_role_name="tfsync"))
    assert not access.can_reach(account)
    with pytest.raises(NoAccountAccess, match="names no valid AWS account"):
        access.client(account, "iam")


def test_own_account_is_learnt_from_sts_once(aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    access = AccountAccess(Settings.from_env(aws_env))
    calls = []
    original = aws.client

    def counting(settings: Settings, service: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(service)
        return original(settings, service, *args, **kwargs)

    monkeypatch.setattr(aws, "client", counting)
    assert access.own_account_id() == A
    assert access.can_reach(A) and not access.can_reach(B)
    assert calls == ["sts"]


# Sessions -------------------------------------------------------------------------------------------------------


def test_one_assume_role_for_many_clients_and_a_new_one_after_expiry(aws_env: dict[str, str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    access = AccountAccess(_settings(aws_env, TFSYNC_ACCOUNT_ROLES=json.dumps({B: MEMBER_ROLE})),
                           clock=lambda: now[0])
    assumed: list[str] = []
    original = access._assume

    def counting(account: str, role: str) -> Any:
        assumed.append(role)
        return original(account, role)

    monkeypatch.setattr(access, "_assume", counting)

    for service in ("iam", "s3", "sqs", "iam"):
        client = access.client(B, service)
        assert client.meta.region_name == "us-east-1"
    assert assumed == [MEMBER_ROLE]
    assert access.client(A, "sts").get_caller_identity()["Account"] == A  # tfsync's own: no role
    assert access.client(B, "sts").get_caller_identity()["Account"] == B
    assert assumed == [MEMBER_ROLE]

    now[0] += 3600 - 600  # ten minutes left: more than the margin, still used
    access.client(B, "iam")
    assert len(assumed) == 1
    now[0] += 400  # within the margin of its end: renewed
    assert access.client(B, "sts").get_caller_identity()["Account"] == B
    assert len(assumed) == 2


def test_the_external_id_is_passed_and_never_logged(aws_env: dict[str, str], caplog: pytest.LogCaptureFixture
                                                    ) -> None:
    secret = "ext-7f3a9c1e-never-log-me"
    access = AccountAccess(_settings(aws_env, TFSYNC_ACCOUNT_ROLES=json.dumps({B: MEMBER_ROLE}),
                                     TFSYNC_ROLE_EXTERNAL_ID=secret))
    sent: list[dict[str, Any]] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    session = aws.session()
    session.register("provide-client-params.sts.AssumeRole", capture)
    caplog.set_level(logging.DEBUG)
    try:
        assumed = access.session(B)
    finally:
        session.unregister("provide-client-params.sts.AssumeRole", capture)
    assert assumed is not None
    assert [(p["RoleArn"], p["ExternalId"], p["RoleSessionName"]) for p in sent] == [
        (MEMBER_ROLE, secret, "tfsync-bot")]
    assert "AssumeRole" in caplog.text  # botocore's DEBUG lines of the call were there to leak it
    assert secret not in caplog.text
    assert assumed.credentials.session_token not in caplog.text
    assert assumed.credentials.secret_access_key not in caplog.text
    assert secret not in repr(assumed) and assumed.credentials.secret_access_key not in repr(assumed)


# Delete, adopt, describe in the resource's own account ------------------------------------------------------------


@pytest.mark.usefixtures("two_admins")
async def test_deleting_bs_admin_deletes_it_in_b_and_leaves_as_alone(state_env: dict[str, str],
                                                                     repo: StateRepository,
                                                                     setup: AccountAccess) -> None:
    decisions = _decisions(state_env, repo, TFSYNC_ACCOUNT_ROLES=json.dumps({B: MEMBER_ROLE}))
    record = await _detected_admin(repo, B)

    claimed = await decisions.claim_delete(record, "slack:U-alice")
    done = await decisions.run_delete(claimed, "slack:U-alice", confirmed=False)

    assert done.status == "deleted", done.job_error
    assert _admin(setup, B) is None
    a = _admin(setup, A)
    assert a is not None and a["Description"] == f"the admin role of {A}"


@pytest.mark.usefixtures("two_admins")
async def test_without_a_role_in_b_adopt_and_delete_are_refused_before_the_claim(state_env: dict[str, str],
                                                                                repo: StateRepository,
                                                                                setup: AccountAccess) -> None:
    decisions = _decisions(state_env, repo)  # no role for B, no member role name
    record = await _detected_admin(repo, B)

    with pytest.raises(NoAccountAccess) as refused:
        await decisions.delete(record.resource_id, record.version, "slack:U-alice", confirmed=True)
    assert refused.value.message == (
        f"tfsync has no role in account {B} (set TFSYNC_ACCOUNT_ROLES or TFSYNC_MEMBER_ROLE_NAME): it can show and "
        "ignore this resource but not adopt or delete it.")
    with pytest.raises(NoAccountAccess):
        await decisions.adopt(record.resource_id, record.version, "slack:U-alice", AdoptChoice("admin"))
    await decisions.drain()

    after = await repo.get(record.resource_id)
    assert after is not None and (after.status, after.version) == ("detected", record.version)
    assert await repo.history(record.resource_id) == []  # no claim was ever written
    assert _admin(setup, A) is not None and _admin(setup, B) is not None
    # Ignoring touches no AWS: still allowed.
    ignored = await decisions.ignore(record.resource_id, record.version, "slack:U-alice",
                                     IgnoreChoice(IgnoreScope.RESOURCE, None), admin=True)
    assert ignored.status == "ignored"


@pytest.mark.usefixtures("two_admins")
async def test_the_code_is_generated_from_bs_resource_not_as(state_env: dict[str, str],
                                                             repo: StateRepository) -> None:
    decisions = _decisions(state_env, repo, TFSYNC_ACCOUNT_ROLES=json.dumps({B: MEMBER_ROLE}))
    in_b = await _detected_admin(repo, B)
    claimed = await decisions.claim_adopt(in_b, "slack:U-alice", AdoptChoice("admin"))

    job = decisions.build_job(claimed)

    code = "".join(f.content for f in job.files)
    assert f"the admin role of {B}" in code
    assert f"the admin role of {A}" not in code


def _put_state(setup: AccountAccess, key: str, role_arn: str | None) -> None:
    """A Terraform state in tfsync's own account managing a role named admin (with its ARN when given)."""
    attributes = {"id": "admin", "name": "admin", **({"arn": role_arn} if role_arn else {})}
    document = {"version": 4, "terraform_version": "1.9.8", "serial": 1, "lineage": "l", "outputs": {},
                "resources": [{"mode": "managed", "type": "aws_iam_role", "name": "admin",
                               "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                               "instances": [{"schema_version": 0, "attributes": attributes}]}]}
    setup.client(A, "s3").put_object(Bucket=STATES, Key=key, Body=json.dumps(document).encode())


@pytest.mark.usefixtures("two_admins")
async def test_a_state_managing_as_admin_does_not_stop_the_delete_of_bs_namesake(state_env: dict[str, str],
                                                                                repo: StateRepository,
                                                                                setup: AccountAccess) -> None:
    decisions = _decisions(state_env, repo, TFSYNC_ACCOUNT_ROLES=json.dumps({B: MEMBER_ROLE}))
    _put_state(setup, "common/a.tfstate", f"arn:aws:iam::{A}:role/admin")
    in_a, in_b = await _detected_admin(repo, A), await _detected_admin(repo, B)

    refused = await decisions.run_delete(await decisions.claim_delete(in_a, "slack:U-alice"), "slack:U-alice",
                                         confirmed=False)
    assert refused.status == "delete_failed"
    assert refused.job_error == ("Terraform manages it now, as aws_iam_role.admin in s3://tfstate-bucket/common/"
                                 "a.tfstate; delete it there")
    done = await decisions.run_delete(await decisions.claim_delete(in_b, "slack:U-alice"), "slack:U-alice",
                                      confirmed=False)
    assert done.status == "deleted", done.job_error
    assert _admin(setup, A) is not None and _admin(setup, B) is None


@pytest.mark.usefixtures("two_admins")
async def test_the_states_routed_to_b_are_bs_even_where_they_name_no_account(state_env: dict[str, str],
                                                                            repo: StateRepository,
                                                                            setup: AccountAccess) -> None:
    """A state listed for B in TFSYNC_ACCOUNT_TARGETS holds B's resources: its `admin` (no ARN recorded) is B's,
    so B's admin may not be deleted and A's, not in it, may."""
    routes = {B: {"states": [f"s3://{STATES}/member/b.tfstate"]}}
    decisions = _decisions(state_env, repo, TFSYNC_ACCOUNT_ROLES=json.dumps({B: MEMBER_ROLE}),
                           TFSYNC_ACCOUNT_TARGETS=json.dumps(routes))
    _put_state(setup, "member/b.tfstate", None)
    in_a, in_b = await _detected_admin(repo, A), await _detected_admin(repo, B)

    refused = await decisions.run_delete(await decisions.claim_delete(in_b, "slack:U-alice"), "slack:U-alice",
                                         confirmed=False)
    assert refused.status == "delete_failed" and "s3://tfstate-bucket/member/b.tfstate" in (refused.job_error or "")
    done = await decisions.run_delete(await decisions.claim_delete(in_a, "slack:U-alice"), "slack:U-alice",
                                      confirmed=False)
    assert done.status == "deleted", done.job_error
    assert _admin(setup, A) is None and _admin(setup, B) is not None


# Forged events --------------------------------------------------------------------------------------------------


def _create_topic_record(recipient: str, topic_account: str) -> CloudTrailRecord:
    return CloudTrailRecord({
        "eventVersion": "1.10", "eventSource": "sns.amazonaws.com", "eventName": "CreateTopic",
        "awsRegion": "us-east-1", "eventTime": "2025-01-01T00:00:00Z", "eventID": "ev-forged",
        "eventType": "AwsApiCall", "readOnly": False, "recipientAccountId": recipient,
        "userIdentity": {"type": "IAMUser", "accountId": A, "arn": f"arn:aws:iam::{A}:user/mallory",
                         "userName": "mallory"},
        "userAgent": "console.amazonaws.com",
        "requestParameters": {"name": "orders"},
        "responseElements": {"topicArn": f"arn:aws:sns:us-east-1:{topic_account}:orders"},
    }, "test")


def test_an_event_whose_resource_names_another_account_is_an_error() -> None:
    verdict = Classifier().classify(_create_topic_record(recipient=B, topic_account=A))
    assert (verdict.verdict, verdict.reason_code) == ("error", "account-mismatch")
    assert verdict.reason == (
        f"account-mismatch: the event was recorded in account {B}, but the aws_sns_topic's ARN "
        f"arn:aws:sns:us-east-1:{A}:orders is in account {A}; tfsync acts on a resource only in the account that "
        "recorded its creation")
    assert verdict.resources == ()


def test_a_caller_from_another_account_is_no_reason_to_reject() -> None:
    # mallory is in A; the topic is in B, the account that recorded the call.
    verdict = Classifier().classify(_create_topic_record(recipient=B, topic_account=B))
    assert verdict.verdict == "detected", verdict.reason
    [resource] = verdict.resources
    assert resource.account_id == B and CATALOG[resource.tf_type].tf_type == "aws_sns_topic"


def test_a_queue_url_naming_another_account_is_an_error() -> None:
    record = CloudTrailRecord({
        "eventVersion": "1.10", "eventSource": "sqs.amazonaws.com", "eventName": "CreateQueue",
        "awsRegion": "us-east-1", "eventTime": "2025-01-01T00:00:00Z", "eventID": "ev-forged-queue",
        "eventType": "AwsApiCall", "readOnly": False, "recipientAccountId": B,
        "userIdentity": {"type": "IAMUser", "accountId": B, "arn": f"arn:aws:iam::{B}:user/mallory"},
        "userAgent": "console.amazonaws.com",
        "requestParameters": {"queueName": "jobs"},
        "responseElements": {"queueUrl": f"https://sqs.us-east-1.amazonaws.com/{A}/jobs"},
    }, "test")
    verdict = Classifier().classify(record)
    assert (verdict.verdict, verdict.reason_code) == ("error", "account-mismatch")
    assert f"is in account {A}" in (verdict.reason or "")
