"""Already managed: Terraform state (format version 4) read from S3 backends in moto, and its effect on verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from bot.classify import Classifier
from bot.errors import ConfigError, InputError
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex, ManagedResource, StateReader
from tests.conftest import CORPUS, ROOT, corpus_record

STATE_BUCKET = "acme-tfstate"
AWS = 'provider["registry.terraform.io/hashicorp/aws"]'
LIMIT = 16 * 1024 * 1024


def bucket_instance(name: str, region: str, **extra: Any) -> dict[str, Any]:
    """One aws_s3_bucket instance as the AWS provider (v5) writes it to state."""
    return {
        **extra,
        "schema_version": 0,
        "attributes": {
            "acceleration_status": "",
            "acl": None,
            "arn": f"arn:aws:s3:::{name}",
            "bucket": name,
            "bucket_domain_name": f"{name}.s3.amazonaws.com",
            "bucket_prefix": "",
            "bucket_regional_domain_name": f"{name}.s3.{region}.amazonaws.com",
            "force_destroy": False,
            "hosted_zone_id": "Z3BJ6K6RIION7M",
            "id": name,
            "object_lock_enabled": False,
            "policy": "",
            "region": region,
            "request_payer": "BucketOwner",
            "tags": {"Name": name},
            "tags_all": {"Name": name, "ManagedBy": "terraform"},
            "timeouts": None,
            "versioning": [{"enabled": False, "mfa_delete": False}],
        },
        "sensitive_attributes": [],
        "private": "eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnsiY3JlYXRlIjoxMjAwMDAwMDAwMDAwfX0=",
    }


def state(resources: list[dict[str, Any]], serial: int = 7, **outputs: str) -> dict[str, Any]:
    return {
        "version": 4,
        "terraform_version": "1.7.5",
        "serial": serial,
        "lineage": "8f3b2c1e-6d4a-4b7e-9c3f-2a1d0e5b7c9a",
        "outputs": {key: {"value": value, "type": "string"} for key, value in outputs.items()},
        "resources": resources,
        "check_results": None,
    }


# The app stack: custodian-create-bucket-v4 (s3__CreateBucket__2) at the root, and a data source.
APP_STATE = state(
    [
        {
            "mode": "data",
            "type": "aws_caller_identity",
            "name": "current",
            "provider": AWS,
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": {
                        "account_id": "619193117841",
                        "arn": "arn:aws:iam::619193117841:root",
                        "id": "619193117841",
                        "user_id": "619193117841",
                    },
                    "sensitive_attributes": [],
                }
            ],
        },
        {
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "data",
            "provider": AWS,
            "instances": [bucket_instance("custodian-create-bucket-v4", "us-west-2")],
        },
    ],
    bucket_arn="arn:aws:s3:::custodian-create-bucket-v4",
)
# A module with for_each (string keys) and one with count (integer keys).
PLATFORM_STATE = state(
    [
        {
            "module": "module.logs",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "this",
            "provider": AWS,
            "instances": [
                bucket_instance("test-backt-testfile01", "ap-northeast-1", index_key="audit"),
                bucket_instance("acme-access-logs", "ap-northeast-1", index_key="access"),
            ],
        },
        {
            "module": 'module.region["us-east-1"].module.store',
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "replica",
            "provider": AWS,
            "instances": [bucket_instance("bucket-test-iad", "us-east-1", index_key=0)],
        },
    ],
    serial=31,
)
# Terraform 0.11 wrote version 3: resources under modules[].resources, keyed by address.
V3_STATE = {
    "version": 3,
    "terraform_version": "0.11.14",
    "serial": 4,
    "lineage": "0b6c7a34-31a5-4f0e-a0b4-b1fb0e0a7c51",
    "modules": [
        {
            "path": ["root"],
            "outputs": {},
            "resources": {
                "aws_s3_bucket.old": {
                    "type": "aws_s3_bucket",
                    "depends_on": [],
                    "primary": {
                        "id": "cloudtrailwatcher-000000000000",
                        "attributes": {"id": "cloudtrailwatcher-000000000000", "acl": "private"},
                    },
                    "deposed": [],
                    "provider": "provider.aws",
                }
            },
            "depends_on": [],
        }
    ],
}


def put(s3: Any, key: str, document: Any) -> None:
    body = document if isinstance(document, bytes) else json.dumps(document, indent=2).encode()
    s3.put_object(Bucket=STATE_BUCKET, Key=key, Body=body)


@pytest.fixture
def s3(aws_client):
    client = aws_client("s3")
    client.create_bucket(Bucket=STATE_BUCKET)
    return client


def bucket_record(name: str) -> CloudTrailRecord:
    return CloudTrailRecord(corpus_record(name), name)


def test_single_key_location(s3):
    put(s3, "prod/app.tfstate", APP_STATE)
    reader = StateReader(s3, [f"s3://{STATE_BUCKET}/prod/app.tfstate"], LIMIT)
    index = reader.load()
    assert reader.errors == [] and reader.downloads == 1
    where = f"s3://{STATE_BUCKET}/prod/app.tfstate"
    assert index.find("aws_s3_bucket", "custodian-create-bucket-v4") == ManagedResource("aws_s3_bucket.data", where)
    assert index.find("aws_s3_bucket", "other", "arn:aws:s3:::custodian-create-bucket-v4") == ManagedResource(
        "aws_s3_bucket.data", where
    )
    # Data sources are read, not managed.
    assert index.find("aws_caller_identity", "619193117841") is None
    assert len(index) == 1


def test_prefix_location_reads_every_state_under_it(s3):
    put(s3, "stacks/app.tfstate", APP_STATE)
    put(s3, "stacks/platform/terraform.tfstate", PLATFORM_STATE)
    put(s3, "stacks/README.md", b"# states for the acme stacks\n")
    put(s3, "stacks/app.tfstate.backup", APP_STATE)
    outside = {"mode": "managed", "type": "aws_s3_bucket", "name": "x", "provider": AWS,
               "instances": [bucket_instance("nope", "eu-west-1")]}
    put(s3, "elsewhere/terraform.tfstate", state([outside]))
    reader = StateReader(s3, [f"s3://{STATE_BUCKET}/stacks/"], LIMIT)
    index = reader.load()
    assert reader.errors == [] and reader.downloads == 2
    platform = f"s3://{STATE_BUCKET}/stacks/platform/terraform.tfstate"
    assert index.find("aws_s3_bucket", "test-backt-testfile01") == ManagedResource(
        'module.logs.aws_s3_bucket.this["audit"]', platform
    )
    assert index.find("aws_s3_bucket", "acme-access-logs").address == 'module.logs.aws_s3_bucket.this["access"]'
    assert index.find("aws_s3_bucket", "bucket-test-iad").address == (
        'module.region["us-east-1"].module.store.aws_s3_bucket.replica[0]'
    )
    assert index.find("aws_s3_bucket", "custodian-create-bucket-v4").state == f"s3://{STATE_BUCKET}/stacks/app.tfstate"
    assert index.find("aws_s3_bucket", "nope") is None
    assert len(index) == 4


def test_whole_bucket_location(s3):
    put(s3, "a/app.tfstate", APP_STATE)
    put(s3, "b/c/platform.tfstate", PLATFORM_STATE)
    index = StateReader(s3, [f"s3://{STATE_BUCKET}"], LIMIT).load()
    assert len(index) == 4


def test_reload_downloads_only_changed_etags(s3):
    put(s3, "stacks/app.tfstate", APP_STATE)
    put(s3, "stacks/platform.tfstate", PLATFORM_STATE)
    reader = StateReader(s3, [f"s3://{STATE_BUCKET}/stacks/", f"s3://{STATE_BUCKET}/stacks/app.tfstate"], LIMIT)
    first = reader.load()
    assert reader.downloads == 2  # the state named twice is fetched once
    assert len(first) == 4

    second = reader.load()
    assert reader.downloads == 2
    assert second.by_id == first.by_id

    # A new serial: the bucket left Terraform's management.
    put(s3, "stacks/app.tfstate", state([], serial=8))
    third = reader.load()
    assert reader.downloads == 3
    assert third.find("aws_s3_bucket", "custodian-create-bucket-v4") is None
    assert third.find("aws_s3_bucket", "test-backt-testfile01") is not None

    s3.delete_object(Bucket=STATE_BUCKET, Key="stacks/platform.tfstate")
    fourth = reader.load()
    assert reader.downloads == 3
    assert fourth.find("aws_s3_bucket", "test-backt-testfile01") is None
    assert reader.errors == []


def test_v3_and_non_json_states_are_skipped_with_clear_errors(s3):
    put(s3, "stacks/app.tfstate", APP_STATE)
    put(s3, "stacks/legacy.tfstate", V3_STATE)
    put(s3, "stacks/broken.tfstate", b"<?xml version='1.0'?><Error>not a state</Error>")
    put(s3, "stacks/list.tfstate", [APP_STATE])
    reader = StateReader(s3, [f"s3://{STATE_BUCKET}/stacks/"], LIMIT)
    index = reader.load()
    errors = {error.source: error.problem for error in reader.errors}
    base = f"s3://{STATE_BUCKET}/stacks"
    assert set(errors) == {f"{base}/legacy.tfstate", f"{base}/broken.tfstate", f"{base}/list.tfstate"}
    assert errors[f"{base}/legacy.tfstate"] == "state format version 3; tfsync reads version 4 (Terraform >= 0.12)"
    assert errors[f"{base}/broken.tfstate"] == "state is not JSON (Expecting value: line 1 column 1 (char 0))"
    assert errors[f"{base}/list.tfstate"] == "not a Terraform state file (no 'version' or 'resources')"
    # The good state is still read.
    assert len(index) == 1 and index.find("aws_s3_bucket", "custodian-create-bucket-v4") is not None
    # The skipped ones are reported again on the next load, without downloading them again.
    reader.load()
    assert reader.downloads == 4 and len(reader.errors) == 3


def test_missing_state_location_is_an_error_naming_it(s3):
    location = f"s3://{STATE_BUCKET}/prod/absent.tfstate"
    reader = StateReader(s3, [location], LIMIT)
    assert len(reader.load()) == 0
    [error] = reader.errors
    assert error.source == location
    assert error.problem.startswith("cannot list or read the state location (")
    assert "404" in error.problem or "Not Found" in error.problem


def test_state_over_the_size_limit(s3):
    put(s3, "big.tfstate", APP_STATE)
    reader = StateReader(s3, [f"s3://{STATE_BUCKET}/big.tfstate"], 100)
    reader.load()
    assert [str(e) for e in reader.errors] == [f"s3://{STATE_BUCKET}/big.tfstate: state is over the 100-byte limit"]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"version": 4, "terraform_version": "1.7.5"}, "a version 4 state needs a 'resources' array"),
        ({"version": 4, "resources": {"aws_s3_bucket.x": {}}}, "a version 4 state needs a 'resources' array"),
        ({"version": "4", "resources": []}, "state format version '4'; tfsync reads version 4 (Terraform >= 0.12)"),
        ({"serial": 1}, "not a Terraform state file (no 'version' or 'resources')"),
    ],
)
def test_add_state_rejects_what_is_not_a_v4_state(document, problem):
    with pytest.raises(InputError) as caught:
        ManagedIndex().add_state(document, "s3://b/k.tfstate")
    assert (caught.value.source, caught.value.problem) == ("s3://b/k.tfstate", problem)


def test_add_state_skips_odd_resources_without_failing():
    document = state(
        [
            "not-a-resource",
            {"mode": "managed", "type": "aws_s3_bucket", "name": "a", "module": ["module.x"],
             "instances": [bucket_instance("odd-module", "us-east-1")]},
            {"mode": "managed", "type": "aws_s3_bucket", "name": "b", "instances": "none"},
            {"mode": "managed", "type": "aws_s3_bucket", "name": "c", "instances": [None, {"attributes": []}]},
        ]
    )
    index = ManagedIndex()
    index.add_state(document, "s3://b/k.tfstate")
    assert index.find("aws_s3_bucket", "odd-module").address == "aws_s3_bucket.a"
    assert len(index) == 1


def test_classification_reports_managed_with_the_address(s3):
    put(s3, "stacks/app.tfstate", APP_STATE)
    put(s3, "stacks/platform.tfstate", PLATFORM_STATE)
    managed = StateReader(s3, [f"s3://{STATE_BUCKET}/stacks/"], LIMIT).load()
    classifier = Classifier(managed=managed)

    result = classifier.classify(bucket_record("s3__CreateBucket__2.json"))
    assert (result.verdict, result.reason_code) == ("ignored", "managed")
    assert result.reason == f"managed: aws_s3_bucket.data in s3://{STATE_BUCKET}/stacks/app.tfstate"
    assert [r.import_id for r in result.resources] == ["custodian-create-bucket-v4"]

    result = classifier.classify(bucket_record("s3__CreateBucket__1.json"))
    assert (result.verdict, result.reason_code) == ("ignored", "managed")
    assert result.reason == (
        f'managed: module.logs.aws_s3_bucket.this["audit"] in s3://{STATE_BUCKET}/stacks/platform.tfstate'
    )

    # Not in any state: still detected.
    result = classifier.classify(bucket_record("s3__CreateBucket__3.json"))
    assert result.verdict == "detected"


def test_cli_reads_state_locations(s3, aws_env, tmp_path):
    put(s3, "stacks/app.tfstate", APP_STATE)
    put(s3, "stacks/legacy.tfstate", V3_STATE)
    env = {**os.environ, **aws_env, "TFSYNC_STATE_LOCATIONS": f"s3://{STATE_BUCKET}/stacks/"}
    files = [str(CORPUS / "s3__CreateBucket__2.json"), str(CORPUS / "s3__CreateBucket__4.json")]
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "classify", *files], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert (first["verdict"], first["reason_code"]) == ("ignored", "managed")
    assert first["reason"] == f"managed: aws_s3_bucket.data in s3://{STATE_BUCKET}/stacks/app.tfstate"
    assert (second["verdict"], second["reason"]) == ("detected", None)
    assert second["resources"][0]["import_id"] == "bucket-test-iad"
    # The version 3 state is skipped, and said so.
    assert f"s3://{STATE_BUCKET}/stacks/legacy.tfstate: state format version 3" in proc.stderr


def _bucket_state(name: str, serial: int = 1) -> dict[str, Any]:
    """A state whose only managed resource is one bucket, `aws_s3_bucket.data`."""
    resource = {"mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider": AWS,
                "instances": [bucket_instance(name, "eu-west-1")]}
    return state([resource], serial=serial)


def _deny_listing(s3: Any, prefix: str) -> None:
    """Answer ListObjectsV2 under `prefix` with AccessDenied, as S3 does for a role without that s3:ListBucket."""
    from botocore.awsrequest import AWSResponse

    def refuse(params: dict[str, Any], **_: Any) -> Any:
        if params["query_string"].get("prefix") == prefix:
            error = {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}, "ResponseMetadata": {}}
            return AWSResponse("https://s3.example", 403, {}, None), error
        return None

    s3.meta.events.register("before-call.s3.ListObjectsV2", refuse)


def test_workspace_states_of_a_state_key_are_read(s3):
    put(s3, "live/terraform.tfstate", _bucket_state("default-bucket"))
    put(s3, "env:/prod/live/terraform.tfstate", _bucket_state("prod-only-bucket"))
    put(s3, "env:/staging/live/terraform.tfstate", _bucket_state("staging-only-bucket"))
    # Not workspaces of live/terraform.tfstate: another key's workspace, a deeper key, the prefix itself.
    put(s3, "env:/prod/other/terraform.tfstate", _bucket_state("other-key-bucket"))
    put(s3, "env:/prod/x/live/terraform.tfstate", _bucket_state("deeper-key-bucket"))
    put(s3, "env:/live/terraform.tfstate", _bucket_state("no-workspace-bucket"))
    reader = StateReader(s3, [f"s3://{STATE_BUCKET}/live/terraform.tfstate"], LIMIT)

    index = reader.load()

    assert reader.errors == [] and reader.downloads == 3
    assert index.find("aws_s3_bucket", "prod-only-bucket") == ManagedResource(
        "aws_s3_bucket.data", f"s3://{STATE_BUCKET}/env:/prod/live/terraform.tfstate"
    )
    assert index.find("aws_s3_bucket", "staging-only-bucket") is not None
    assert index.find("aws_s3_bucket", "default-bucket") is not None
    assert len(index) == 3


def test_workspace_states_keep_the_etag_cache(s3):
    put(s3, "live/terraform.tfstate", _bucket_state("default-bucket"))
    put(s3, "env:/prod/live/terraform.tfstate", _bucket_state("prod-only-bucket"))
    reader = StateReader(s3, [f"s3://{STATE_BUCKET}/live/terraform.tfstate"], LIMIT)
    reader.load()
    assert reader.downloads == 2

    reader.load()
    assert reader.downloads == 2

    put(s3, "env:/prod/live/terraform.tfstate", _bucket_state("prod-renamed-bucket", serial=2))
    index = reader.load()
    assert reader.downloads == 3
    assert index.find("aws_s3_bucket", "prod-only-bucket") is None
    assert index.find("aws_s3_bucket", "prod-renamed-bucket") is not None

    # `terraform workspace delete prod`: its state leaves the index, and nothing is downloaded for it.
    s3.delete_object(Bucket=STATE_BUCKET, Key="env:/prod/live/terraform.tfstate")
    index = reader.load()
    assert reader.downloads == 3 and len(index) == 1 and reader.errors == []


def test_workspace_listing_follows_every_page(s3):
    put(s3, "live/terraform.tfstate", _bucket_state("default-bucket"))
    for workspace in ("a", "b", "c"):
        put(s3, f"env:/{workspace}/live/terraform.tfstate", _bucket_state(f"bucket-{workspace}"))
    pages: list[str | None] = []

    def one_key_per_page(params: dict[str, Any], **_: Any) -> None:
        params["MaxKeys"] = 1
        pages.append(params.get("ContinuationToken"))

    s3.meta.events.register("before-parameter-build.s3.ListObjectsV2", one_key_per_page)
    index = StateReader(s3, [f"s3://{STATE_BUCKET}/live/terraform.tfstate"], LIMIT).load()

    assert len(pages) >= 3 and pages[0] is None and all(pages[1:])
    assert {index.find("aws_s3_bucket", f"bucket-{w}") is not None for w in ("a", "b", "c")} == {True}


def test_a_configured_workspace_key_prefix_replaces_env(s3):
    put(s3, "live/terraform.tfstate", _bucket_state("default-bucket"))
    put(s3, "team/workspaces/prod/live/terraform.tfstate", _bucket_state("team-prod-bucket"))
    put(s3, "env:/prod/live/terraform.tfstate", _bucket_state("env-prod-bucket"))
    location = f"s3://{STATE_BUCKET}/live/terraform.tfstate?workspace_key_prefix=team/workspaces"
    reader = StateReader(s3, [location], LIMIT)

    index = reader.load()

    assert reader.errors == []
    assert index.find("aws_s3_bucket", "team-prod-bucket") == ManagedResource(
        "aws_s3_bucket.data", f"s3://{STATE_BUCKET}/team/workspaces/prod/live/terraform.tfstate"
    )
    assert index.find("aws_s3_bucket", "env-prod-bucket") is None


def test_workspace_states_of_a_prefix_location_are_read(s3):
    put(s3, "stacks/app.tfstate", APP_STATE)
    put(s3, "env:/prod/stacks/net/terraform.tfstate", _bucket_state("prod-net-bucket"))
    put(s3, "env:/prod/stacks/app.tfstate.backup", _bucket_state("backup-bucket"))
    put(s3, "env:/prod/elsewhere/terraform.tfstate", _bucket_state("elsewhere-bucket"))
    reader = StateReader(s3, [f"s3://{STATE_BUCKET}/stacks/"], LIMIT)

    index = reader.load()

    assert reader.errors == []
    assert index.find("aws_s3_bucket", "prod-net-bucket").state == (
        f"s3://{STATE_BUCKET}/env:/prod/stacks/net/terraform.tfstate"
    )
    assert index.find("aws_s3_bucket", "backup-bucket") is None
    assert index.find("aws_s3_bucket", "elsewhere-bucket") is None
    assert len(index) == 2


def test_a_workspace_listing_that_fails_is_an_error_naming_the_location(s3):
    put(s3, "live/terraform.tfstate", _bucket_state("default-bucket"))
    put(s3, "env:/prod/live/terraform.tfstate", _bucket_state("prod-only-bucket"))
    _deny_listing(s3, "env:/")
    location = f"s3://{STATE_BUCKET}/live/terraform.tfstate"
    reader = StateReader(s3, [location], LIMIT)

    index = reader.load()

    [error] = reader.errors
    assert error.source == location
    assert error.problem.startswith(f"cannot list its workspace states under s3://{STATE_BUCKET}/env:/ (")
    assert "AccessDenied" in error.problem
    # The default workspace's state is still read.
    assert index.find("aws_s3_bucket", "default-bucket") is not None


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        (f"s3://{STATE_BUCKET}/live/terraform.tfstate?workspace=prod", "unknown option 'workspace=prod'"),
        (f"s3://{STATE_BUCKET}/live/terraform.tfstate?workspace_key_prefix", "unknown option 'workspace_key_prefix'"),
        (f"s3://{STATE_BUCKET}/k.tfstate?workspace_key_prefix=team/", "may not start or end with '/'"),
    ],
)
def test_a_malformed_location_option_is_a_config_error(location, problem):
    with pytest.raises(ConfigError) as caught:
        StateReader(None, [location], LIMIT)
    assert problem in str(caught.value) and location in str(caught.value)


def _role(name: str, arn: str | None) -> dict[str, Any]:
    attributes = {"id": name, "name": name, **({"arn": arn} if arn else {})}
    return {"mode": "managed", "type": "aws_iam_role", "name": name,
            "instances": [{"schema_version": 0, "attributes": attributes}]}


def test_an_import_id_managed_in_one_account_is_not_managed_in_another():
    """Role names repeat across accounts; bucket names do not, and a bucket's ARN names no account."""
    index = ManagedIndex()
    index.add_state(state([_role("admin", "arn:aws:iam::111111111111:role/admin"),
                           {"mode": "managed", "type": "aws_s3_bucket", "name": "logs",
                            "instances": [bucket_instance("acme-logs", "us-east-1")]}]), "s3://b/shared.tfstate")
    index.add_state(state([_role("deployer", None)]), "s3://b/member.tfstate", "222222222222")

    assert index.find("aws_iam_role", "admin", account="111111111111").account == "111111111111"
    assert index.find("aws_iam_role", "admin", "arn:aws:iam::222222222222:role/admin", "222222222222") is None
    assert index.find("aws_iam_role", "admin").address == "aws_iam_role.admin", "no account asked: any"
    # A state routed to an account holds that account's resources, ARN or not.
    assert index.find("aws_iam_role", "deployer", account="222222222222").state == "s3://b/member.tfstate"
    assert index.find("aws_iam_role", "deployer", account="111111111111") is None
    # A resource whose account nothing says counts in every account.
    for account in ("111111111111", "222222222222"):
        assert index.find("aws_s3_bucket", "acme-logs", account=account).account is None


def test_a_state_location_routed_to_an_account_tags_what_it_reads(s3):
    put(s3, "member/b.tfstate", state([_role("deployer", None)]))
    put(s3, "common/a.tfstate", state([_role("admin", None)]))
    index = StateReader(s3, [f"s3://{STATE_BUCKET}/common/", (f"s3://{STATE_BUCKET}/member/", "222222222222")],
                        LIMIT).load()
    assert index.find("aws_iam_role", "deployer", account="222222222222") is not None
    assert index.find("aws_iam_role", "deployer", account="111111111111") is None
    assert index.find("aws_iam_role", "admin", account="111111111111") is not None
