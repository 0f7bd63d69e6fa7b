"""Record filters: each reason code, from real corpus records and variants derived from them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.classify import Classifier
from bot.config import Settings
from bot.events import CloudTrailRecord
from bot.filters import Verdict, actor_of, is_read_only, principal_arns, record_filter
from tests.conftest import corpus_record

BUCKET_FILE = "s3__CreateBucket__1.json"  # an IAM user at the S3 console; detected as aws_s3_bucket


def rec(name_or_raw: str | dict[str, Any], **changes: Any) -> CloudTrailRecord:
    raw = corpus_record(name_or_raw) if isinstance(name_or_raw, str) else copy.deepcopy(name_or_raw)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return CloudTrailRecord(raw, "test")


def code(record: CloudTrailRecord, own_roles: tuple[str, ...] = ()) -> str | None:
    verdict = record_filter(record, own_roles)
    return verdict.code if verdict else None


def test_a_person_creating_a_bucket_passes_every_filter():
    record = rec(BUCKET_FILE)
    assert record_filter(record) is None
    result = Classifier().classify(record)
    assert result.verdict == "detected"
    assert result.resources[0].actor == "arn:aws:iam::999999999999:user/test001@test.com"


# --- failed calls ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error_code"),
    [
        ("iam__CreateUser__5.json", "EntityAlreadyExists"),
        ("ec2__RunInstances__5.json", "Client.UnauthorizedOperation"),
        ("ec2__CreateVpc__5.json", "UnknownParameter"),
    ],
)
def test_failed_call(name, error_code):
    assert record_filter(rec(name)) == Verdict("failed-call", f"errorCode={error_code}")


def test_failed_call_wins_over_every_other_reason():
    # A dry run by an AWS service's role: failed first, whatever else is true of it.
    assert code(rec("ec2__RunInstances__6.json")) == "failed-call"


def test_failed_call_is_classified_ignored_with_the_reason():
    result = Classifier().classify(rec(BUCKET_FILE, errorCode="BucketAlreadyExists", errorMessage="taken"))
    assert (result.verdict, result.reason_code) == ("ignored", "failed-call")
    assert result.reason == "failed-call: errorCode=BucketAlreadyExists"


# --- read-only calls ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["ec2__DescribeInstances__1.json", "sts__GetCallerIdentity__1.json", "secretsmanager__ListSecrets__1.json"],
)
def test_read_only_flag(name):
    record = rec(name)
    assert record.read_only is True
    assert record_filter(record) == Verdict("read-only", f"{record.event_name} is a read-only call")


@pytest.mark.parametrize(
    "name",
    ["kinesis__DescribeStream__1.json", "cloudformation__ListStacks__1.json", "cloudformation__DescribeStacks__1.json"],
)
def test_read_only_when_readonly_is_missing_goes_by_the_event_name(name):
    record = rec(name)
    assert "readOnly" not in record.raw and record.read_only is None
    assert code(record) == "read-only"


def test_missing_readonly_on_a_create_is_not_read_only():
    record = rec("s3__CreateBucket__2.json")
    assert "readOnly" not in record.raw
    assert not is_read_only(record)
    assert record_filter(record) is None


def test_readonly_flag_beats_the_event_name():
    # The flag is CloudTrail's own word; the prefix list is only a fallback for records without it.
    assert code(rec(BUCKET_FILE, readOnly=True)) == "read-only"
    assert code(rec("ec2__DescribeInstances__1.json", readOnly=False)) is None
    assert code(rec("ec2__DescribeInstances__1.json", readOnly="true")) == "read-only"


# --- not an API call ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event_type", ["AwsServiceEvent", "AwsConsoleSignIn", "AwsConsoleAction", "AwsCloudTrailInsight"]
)
def test_not_an_api_call(event_type):
    assert record_filter(rec(BUCKET_FILE, eventType=event_type)) == Verdict(
        "not-an-api-call", f"eventType={event_type}"
    )


def test_missing_event_type_is_treated_as_an_api_call():
    assert record_filter(rec(BUCKET_FILE, eventType=None)) is None


# --- Terraform ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["ec2__CreateSecurityGroup__2.json", "s3__CreateBucket__5.json", "sqs__CreateQueue__4.json",
     "route53__CreateHostedZone__1.json", "ec2__RunInstances__7.json"],
)
def test_terraform_user_agent(name):
    record = rec(name)
    verdict = record_filter(record)
    assert verdict is not None and verdict.code == "terraform"
    assert verdict.detail == f"userAgent {record.user_agent[:120]!r}"


@pytest.mark.parametrize(
    "agent",
    ["Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.40.0 (+https://registry.terraform.io)",
     "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux api/s3#1.51.1 HashiCorp-terraform-exec/0.20.0",
     "APN/1.0 HashiCorp/1.0 Terraform/1.3.5 (+https://www.terraform.io)"],
)
def test_terraform_user_agent_variants(agent):
    assert code(rec(BUCKET_FILE, userAgent=agent)) == "terraform"


def test_terraform_in_a_bucket_name_is_not_terraform():
    record = rec(BUCKET_FILE)
    record.raw["requestParameters"]["bucketName"] = "terraform-state-acme"
    assert record_filter(record) is None


# --- CloudFormation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["ecs__CreateCluster__3.json", "dynamodb__CreateTable__2.json", "states__CreateStateMachine__2.json",
     "rds__CreateDBInstance__4.json", "cloudformation__CreateStack__2.json"],
)
def test_cloudformation(name):
    assert record_filter(rec(name)) == Verdict("cloudformation", "made by CloudFormation")


def test_cloudformation_by_invoked_by_alone():
    # rds__CreateDBInstance__4 has only invokedBy (sourceIPAddress is an address); build the others the same way.
    raw = corpus_record(BUCKET_FILE)
    raw["userIdentity"]["invokedBy"] = "cloudformation.amazonaws.com"
    assert code(rec(raw)) == "cloudformation"
    assert code(rec(BUCKET_FILE, sourceIPAddress="cloudformation.amazonaws.com")) == "cloudformation"
    assert code(rec(BUCKET_FILE, userAgent="cloudformation.amazonaws.com")) == "cloudformation"


# --- other AWS services ---------------------------------------------------------------------------------------------


def test_aws_service_by_invoked_by():
    batch = rec("ecs__CreateCluster__4.json")
    assert record_filter(batch) == Verdict("aws-service", "invokedBy=batch.amazonaws.com")
    migration = rec("ec2__CreateLaunchTemplate__1.json")
    assert record_filter(migration) == Verdict("aws-service", "invokedBy=mgn.amazonaws.com")


def test_aws_service_by_service_linked_role():
    # A SageMaker service-linked role with no invokedBy: only the role's path says it is AWS acting.
    record = rec("elasticfilesystem__CreateFileSystem__1.json")
    assert "invokedBy" not in record.user_identity
    assert record_filter(record) == Verdict(
        "aws-service",
        "service-linked role arn:aws:iam::999999999999:role/aws-service-role/sagemaker.amazonaws.com/"
        "AWSServiceRoleForAmazonSageMakerNotebooks",
    )


def test_aws_service_by_service_linked_role_session_arn_alone():
    # Without a sessionContext the session ARN is all there is, and it carries no role path.
    raw = corpus_record(BUCKET_FILE)
    raw["userIdentity"] = {
        "type": "AssumedRole",
        "principalId": "AROAU33DBSJ5DV737T25D:AutoScaling",
        "arn": "arn:aws:sts::999999999999:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
        "accountId": "999999999999",
    }
    session = "arn:aws:sts::999999999999:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling"
    assert record_filter(rec(raw)) == Verdict("aws-service", f"service-linked role {session}")
    raw["userIdentity"]["arn"] = "arn:aws:sts::999999999999:assumed-role/AutoScalingOps/alice"
    assert record_filter(rec(raw)) is None


def test_aws_service_by_identity_type():
    raw = corpus_record(BUCKET_FILE)
    raw["userIdentity"] = {"type": "AWSService", "invokedBy": "elasticmapreduce.amazonaws.com"}
    verdict = record_filter(rec(raw))
    assert verdict == Verdict("aws-service", "userIdentity.type=AWSService (elasticmapreduce.amazonaws.com)")
    raw["userIdentity"] = {"type": "AWSService"}
    assert record_filter(rec(raw)) == Verdict("aws-service", "userIdentity.type=AWSService (unknown service)")


def test_aws_service_by_source_ip():
    # iam__CreateServiceLinkedRole__1: invokedBy says console sign-in, but the call came from SQS's address.
    record = rec("iam__CreateServiceLinkedRole__1.json", errorCode=None, errorMessage=None)
    assert record_filter(record) == Verdict("aws-service", "sourceIPAddress=sqs.amazonaws.com")


@pytest.mark.parametrize(
    ("invoked_by", "source_ip"),
    [("signin.amazonaws.com", "203.0.113.7"), (None, "AWS Internal"), (None, "console.amazonaws.com"),
     (None, "signin.amazonaws.com"), ("console.amazonaws.com", "198.51.100.4")],
)
def test_people_at_the_console_are_not_aws_services(invoked_by, source_ip):
    raw = corpus_record(BUCKET_FILE)
    if invoked_by:
        raw["userIdentity"]["invokedBy"] = invoked_by
    raw["sourceIPAddress"] = source_ip
    assert record_filter(rec(raw)) is None


def test_aws_acting_as_aws_internal_is_an_aws_service():
    """A KMS grant ECR makes when a person creates a repository: the person's identity, invokedBy AWS Internal."""
    raw = corpus_record(BUCKET_FILE)
    raw.update(eventSource="kms.amazonaws.com", eventName="CreateGrant", sourceIPAddress="AWS Internal",
               userAgent="AWS Internal", requestParameters={"keyId": "alias/aws/ecr", "operations": ["Decrypt"]})
    raw["userIdentity"]["invokedBy"] = "AWS Internal"
    assert record_filter(rec(raw)) == Verdict("aws-service", "invokedBy=AWS Internal")
    assert Classifier().classify(rec(raw)).verdict == "ignored"


def test_sso_user_through_aws_internal_is_a_person():
    assert record_filter(rec("ec2__CreateVpc__1.json")) is None


# --- tfsync's own roles ---------------------------------------------------------------------------------------------

ADOPT_SESSION = "arn:aws:sts::123456789012:assumed-role/tfsync-adopt/codebuild-7f3a"
ADOPT_ROLE = "arn:aws:iam::123456789012:role/pipelines/tfsync-adopt"


def adopt_record(agent: str = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io)") -> CloudTrailRecord:
    """The bucket creation, made by the adopt pipeline's CodeBuild role (identity shaped like ec2__CreateVpc__1)."""
    raw = corpus_record(BUCKET_FILE)
    raw["userAgent"] = agent
    raw["userIdentity"] = {
        "type": "AssumedRole",
        "principalId": "AROAXK4KVD27BINQTHSKU:codebuild-7f3a",
        "arn": ADOPT_SESSION,
        "accountId": "123456789012",
        "accessKeyId": "ASIAXK4KVD27I75KZNMR",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAXK4KVD27BINQTHSKU",
                "arn": ADOPT_ROLE,
                "accountId": "123456789012",
                "userName": "tfsync-adopt",
            },
            "webIdFederationData": {},
            "attributes": {"creationDate": "2024-05-01T12:00:00Z", "mfaAuthenticated": "false"},
        },
    }
    return CloudTrailRecord(raw, "test")


def test_principal_arns_of_an_assumed_role_session():
    assert principal_arns(adopt_record()) == [
        ADOPT_SESSION,
        "arn:aws:iam::123456789012:role/tfsync-adopt",
        ADOPT_ROLE,
    ]
    assert actor_of(adopt_record()) == ADOPT_SESSION


@pytest.mark.parametrize(
    "configured",
    [
        ADOPT_ROLE,  # the role as IAM names it, with its path: matches the session issuer
        "arn:aws:iam::123456789012:role/tfsync-adopt",  # without the path: matches the role behind the session
        "arn:aws:sts::123456789012:assumed-role/tfsync-adopt/*",  # any session of the role
        "arn:aws:iam::*:role/*tfsync-adopt",  # every account
        "arn:aws:iam::111111111111:role/other, arn:aws:iam::123456789012:role/tfsync-*",  # one of several
    ],
)
def test_tfsync_role_from_settings(configured):
    settings = Settings.from_env({"TFSYNC_OWN_ROLE_ARNS": configured})
    verdict = record_filter(adopt_record(), settings.own_role_arns)
    assert verdict is not None and verdict.code == "tfsync-role"
    assert verdict.detail.startswith("made by tfsync's own role arn:aws:")
    result = Classifier(own_roles=settings.own_role_arns).classify(adopt_record())
    assert (result.verdict, result.reason_code) == ("ignored", "tfsync-role")


@pytest.mark.parametrize(
    "configured",
    ["arn:aws:iam::123456789012:role/tfsync-adopter", "arn:aws:iam::999999999999:role/tfsync-adopt",
     "arn:aws:iam::123456789012:role/TFSYNC-ADOPT"],
)
def test_other_roles_are_not_tfsync(configured):
    settings = Settings.from_env({"TFSYNC_OWN_ROLE_ARNS": configured})
    console = adopt_record(agent="[S3Console/0.4]")
    assert record_filter(console, settings.own_role_arns) is None
    assert code(adopt_record(), settings.own_role_arns) == "terraform"


def test_tfsync_role_is_named_before_terraform():
    # The adopt pipeline runs Terraform; its calls are reported as tfsync's own, the more specific reason.
    assert code(adopt_record(), (ADOPT_ROLE,)) == "tfsync-role"
    assert code(adopt_record()) == "terraform"


def test_tfsync_role_needs_configuring():
    assert Settings.from_env({}).own_role_arns == ()
    assert record_filter(adopt_record(agent="aws-cli/2.15.0")) is None


# --- actor ----------------------------------------------------------------------------------------------------------


def test_actor_falls_back_through_the_identity():
    assert actor_of(rec(BUCKET_FILE)) == "arn:aws:iam::999999999999:user/test001@test.com"
    raw = corpus_record(BUCKET_FILE)
    raw["userIdentity"] = {"type": "IAMUser", "userName": "alice", "principalId": "AIDA1"}
    assert actor_of(rec(raw)) == "alice"
    raw["userIdentity"] = {"type": "Root"}
    assert actor_of(rec(raw)) == "Root"
    raw["userIdentity"] = {}
    assert actor_of(rec(raw)) == "unknown"
