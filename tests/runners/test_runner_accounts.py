"""The adopt runners act in the resource's own account: the local job gets the assumed role's credentials and none
of tfsync's own; the CodeBuild build is told the role to assume, and the external id travels with the job's files."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot.accounts import AccountAccess, AccountTarget
from bot.config import Secret, Settings
from bot.runners import AdoptJob, CodeBuildRunner, LocalRunner, RecordingReporter
from bot.runners.codebuild import OVERRIDE_NAMES, ROUTE_OVERRIDES

A, B = "123456789012", "999999999999"
MEMBER_ROLE = f"arn:aws:iam::{B}:role/tfsync-member"
EXTERNAL_ID = "ext-runner-5d1c-never-log"
JOB = AdoptJob(job_id="r-b-v2", resource_id="r-b", tf_type="aws_iam_role", import_id="admin",
               address="aws_iam_role.admin", target_module="", mode="pr", files=(),
               imports=(("aws_iam_role.admin", "admin"),))
# A stand-in for adopt.sh: writes the environment it was given, then succeeds.
_ENV_SCRIPT = """#!/bin/bash
env > "$TFSYNC_JOB_DIR/../seen.env"
echo 'TFSYNC_RESULT {"status": "succeeded", "commit": "0a1b2c3d", "verified": true}'
"""


def _access(aws_env: dict[str, str], **roles: str) -> AccountAccess:
    return AccountAccess(Settings.from_env({**aws_env, "TFSYNC_ACCOUNT_ID": A, "TFSYNC_ROLE_EXTERNAL_ID": EXTERNAL_ID,
                                            "TFSYNC_ACCOUNT_ROLES": json.dumps(roles)}))


@pytest.fixture
def local(tmp_path: Path) -> LocalRunner:
    seed = tmp_path / "seed"
    seed.mkdir()
    for args in (["init", "--quiet", "-b", "main"],
                 ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "seed"]):
        subprocess.run(["git", *args], cwd=seed, check=True, capture_output=True)
    script = tmp_path / "adopt.sh"
    script.write_text(_ENV_SCRIPT, encoding="utf-8")
    return LocalRunner(seed, script=script)


def _seen(folder: Path) -> dict[str, str]:
    """The environment the job ran with (its folder is made in `folder`, the temporary folder of the test)."""
    seen = folder / "seen.env"
    assert seen.exists(), "the job did not run"
    return dict(line.split("=", 1) for line in seen.read_text().splitlines() if "=" in line)


async def test_a_local_job_in_another_account_has_that_accounts_credentials_only(
    local: LocalRunner, aws_env: dict[str, str], aws_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    access = _access(aws_env, **{B: MEMBER_ROLE})
    target = access.target(B)
    target.session(local.timeout + 60)  # assumed now: the variables below would also change this process's AWS
    with monkeypatch.context() as inherited:  # what this process's environment could leak into the job
        inherited.setenv("AWS_PROFILE", "tfsyncs-own")
        inherited.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/tfsyncs-own")
        inherited.setenv("TFSYNC_TARGET_ROLE_ARN", "arn:aws:iam::111122223333:role/stray")
        result = await local.run(JOB, RecordingReporter(), target=target)

    assert result.succeeded, result.error
    env = _seen(tmp_path)
    assert env["AWS_ACCESS_KEY_ID"] != "testing" and env["AWS_SESSION_TOKEN"]
    assert "AWS_PROFILE" not in env and "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" not in env
    assert "TFSYNC_TARGET_ROLE_ARN" not in env
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=aws_endpoint,
                       aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                       aws_session_token=env["AWS_SESSION_TOKEN"])
    assert sts.get_caller_identity()["Account"] == B


async def test_a_local_job_in_tfsyncs_own_account_keeps_its_own_credentials(
    local: LocalRunner, aws_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    result = await local.run(JOB, RecordingReporter(), target=_access(aws_env).target(A))
    assert result.succeeded, result.error
    assert _seen(tmp_path)["AWS_ACCESS_KEY_ID"] == "testing"


async def test_a_local_job_whose_role_cannot_be_assumed_fails_without_running(
    local: LocalRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    def refused(seconds: float) -> Any:
        raise RuntimeError("AccessDenied: not authorized to perform sts:AssumeRole")

    target = AccountTarget(B, MEMBER_ROLE, Secret(EXTERNAL_ID), refused)
    result = await local.run(JOB, RecordingReporter(), target=target)

    assert not result.succeeded
    assert result.error == (f"tfsync could not assume {MEMBER_ROLE} in account {B}: AccessDenied: not authorized "
                            "to perform sts:AssumeRole")
    assert not (tmp_path / "seen.env").exists(), "the job never ran with tfsync's own credentials"


class _CodeBuild:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def start_build(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"build": {"id": "tfsync-adopter:1"}}


async def test_a_build_in_another_account_is_told_the_role_and_the_external_id_stays_in_the_bucket(
    aws_env: dict[str, str], aws_client: Any
) -> None:
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="artifacts")
    codebuild = _CodeBuild()
    runner = CodeBuildRunner(codebuild=codebuild, s3=s3, logs=None, bucket="artifacts", project="tfsync-adopter")

    await runner.start(JOB, _access(aws_env, **{B: MEMBER_ROLE}).target(B))

    [call] = codebuild.calls
    values = {v["name"]: v["value"] for v in call["environmentVariablesOverride"]}
    assert list(values) == list(OVERRIDE_NAMES)
    assert values["TFSYNC_TARGET_ROLE_ARN"] == MEMBER_ROLE and values["TFSYNC_TARGET_ACCOUNT_ID"] == B
    assert EXTERNAL_ID not in json.dumps(call)
    target = json.loads(s3.get_object(Bucket="artifacts", Key="jobs/r-b-v2/target.json")["Body"].read())
    assert target == {"account_id": B, "role_arn": MEMBER_ROLE, "external_id": EXTERNAL_ID}

    codebuild.calls.clear()
    await runner.start(JOB, _access(aws_env).target(A))
    values = {v["name"]: v["value"] for v in codebuild.calls[0]["environmentVariablesOverride"]}
    assert values["TFSYNC_TARGET_ROLE_ARN"] == "" and values["TFSYNC_TARGET_ACCOUNT_ID"] == A
    assert not any(name in values for _, name in ROUTE_OVERRIDES)


def _seed(folder: Path, branch: str) -> Path:
    folder.mkdir()
    for args in (["init", "--quiet", "-b", branch],
                 ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "seed"]):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    return folder


def _routed(aws_env: dict[str, str], routes: dict[str, Any], **roles: str) -> AccountAccess:
    return AccountAccess(Settings.from_env({
        **aws_env, "TFSYNC_ACCOUNT_ID": A, "TFSYNC_ROLE_EXTERNAL_ID": EXTERNAL_ID,
        "TFSYNC_ACCOUNT_ROLES": json.dumps(roles), "TFSYNC_ACCOUNT_TARGETS": json.dumps(routes),
    }))


async def test_a_local_job_goes_to_its_accounts_repository_branch_and_root_folder(
    local: LocalRunner, aws_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    member_repo = _seed(tmp_path / "member-infra", "live")
    access = _routed(aws_env, {B: {"repository": str(member_repo), "base_branch": "live",
                                   "root_dir": "envs/member"}}, **{B: MEMBER_ROLE})
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(jobs))

    result = await local.run(JOB, RecordingReporter(), target=access.target(B))

    assert result.succeeded, result.error
    env = _seen(jobs)
    assert env["TFSYNC_REPOSITORY_URL"] == str(member_repo.resolve())
    assert (env["TFSYNC_BASE_BRANCH"], env["TFSYNC_ROOT_DIR"]) == ("live", "envs/member")
    assert env["TFSYNC_TARGET_ACCOUNT_ID"] == B and env["AWS_ACCESS_KEY_ID"] != "testing"
    assert local.checkout(access.target(A)) == local.checkout(None), "an account with no route keeps the defaults"
    with local.layout(access.target(B)) as root:
        assert root is not None and root.parts[-2:] == ("envs", "member")


async def test_a_route_with_the_adopters_credentials_assumes_nothing_and_names_the_account(
    local: LocalRunner, aws_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root module's provider reaches the account itself: the job keeps tfsync's credentials, no role is assumed
    for Terraform, and the account still travels, for the gate to check what the plan imports."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    route = {"repository": "https://git.example/acme/member.git", "terraform_credentials": "adopter"}
    target = _routed(aws_env, {B: route}, **{B: MEMBER_ROLE}).target(B)
    assert target.role_arn == MEMBER_ROLE and target.terraform_role_arn is None

    runner = LocalRunner(local.repository, script=local.script)
    result = await runner.run(JOB, RecordingReporter(), target=replace(target, route=replace(target.route,
                                                                                              repository=None)))
    assert result.succeeded, result.error
    env = _seen(tmp_path)
    assert env["AWS_ACCESS_KEY_ID"] == "testing" and env["TFSYNC_TARGET_ACCOUNT_ID"] == B

    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=aws_env["AWS_ENDPOINT_URL"])
    s3.create_bucket(Bucket="artifacts-adopter")
    codebuild = _CodeBuild()
    builds = CodeBuildRunner(codebuild=codebuild, s3=s3, logs=None, bucket="artifacts-adopter",
                             project="tfsync-adopter")
    await builds.start(JOB, target)
    values = {v["name"]: v["value"] for v in codebuild.calls[0]["environmentVariablesOverride"]}
    assert values["TFSYNC_TARGET_ROLE_ARN"] == "" and values["TFSYNC_TARGET_ACCOUNT_ID"] == B
    assert values["TFSYNC_REPOSITORY_URL"] == "https://git.example/acme/member.git"
    assert "TFSYNC_BASE_BRANCH" not in values and "TFSYNC_ROOT_DIR" not in values, "the project's own stand"
    listed = s3.list_objects_v2(Bucket="artifacts-adopter").get("Contents", [])
    assert not any(obj["Key"].endswith("target.json") for obj in listed), "no role, so no external id to carry"
