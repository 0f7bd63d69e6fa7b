"""infra/deploy.sh and infra/destroy.sh: shellcheck-clean, clear about bad inputs, and run against moto with the
real Terraform (`python -m bot.terraform`) and the AWS provider unpacked on this machine, in a copy of infra/ whose
providers point at moto. moto's apply of these resources differs from AWS's (infra/README.md), so the scripts run
in their --plan-only mode there, or up to a refusal: the state backend is a bucket made in moto, and destroy.sh
reads states put there as a deployment would leave them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.infra.hcl import INFRA
from tests.infra.test_terraform import MOTO_SERVICES, PLAN_VARIABLES, _plugin_dir

DEPLOY = INFRA / "deploy.sh"
DESTROY = INFRA / "destroy.sh"
ACCOUNT = "123456789012"
STATE_BUCKET = f"tfsync-tfstate-{ACCOUNT}"
STATE_KEY = "tfsync/terraform.tfstate"
ORG_STATE_KEY = "tfsync/organization.tfstate"
AWS = 'provider["registry.terraform.io/hashicorp/aws"]'
Run = Callable[..., subprocess.CompletedProcess[str]]


def test_the_scripts_are_shellcheck_clean() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (Debian: apt-get install shellcheck); bin/dev test installs it")
    # -x follows the helpers both scripts source (infra/scripts/steps.sh), checked with them.
    done = subprocess.run([shellcheck, "-x", "--severity=style", str(DEPLOY), str(DESTROY),
                           str(DEPLOY.parent / "scripts" / "steps.sh")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(("script", "args", "message"), [
    (DEPLOY, ["--bogus"], "deploy.sh: unknown option --bogus (see --help)"),
    (DEPLOY, ["--root"], "deploy.sh: --root needs a value (see --help)"),
    (DEPLOY, ["--secrets", "email"], "deploy.sh: --secrets must be ask, stdin or skip"),
    (DEPLOY, ["--root", "../elsewhere"], "deploy.sh: --root must be a folder inside infra/ (examples/complete)"),
    (DEPLOY, ["--var-file", "/nonexistent/terraform.tfvars"],
     "deploy.sh: no variables file /nonexistent/terraform.tfvars: cp "),
    (DESTROY, ["--bogus"], "destroy.sh: unknown option --bogus (see --help)"),
    (DESTROY, ["--only-bootstrap", "--keep-artifact-bucket"],
     "destroy.sh: --only-bootstrap destroys no stack to keep a bucket of"),
])
def test_a_bad_command_line_is_refused_before_anything_runs(script: Path, args: list[str], message: str) -> None:
    done = subprocess.run(["bash", str(script), *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "TERRAFORM": "/nonexistent/terraform"})
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr


def test_help_lists_every_option_the_script_takes() -> None:
    for script in (DEPLOY, DESTROY):
        text = script.read_text(encoding="utf-8")
        done = subprocess.run(["bash", str(script), "--help"], capture_output=True, text=True, check=True)
        options = set(re.findall(r"^\s+(--[a-z-]+)\)", text, re.MULTILINE))
        assert len(options) > 8
        for option in options:
            assert option in done.stdout, (script.name, option)


# --- against moto -------------------------------------------------------------------------------------------------


def _override(endpoint: str) -> str:
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in MOTO_SERVICES)
    return f"""
provider "aws" {{
  region                      = var.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, moto_server: str) -> dict[str, Any]:
    """A copy of infra/ whose default AWS providers reach moto, its variables, the backend settings of a state
    bucket in moto, and a `terraform` that is the embedded Terraform."""
    plugin_dir = _plugin_dir()
    base = tmp_path_factory.mktemp("deployment")
    infra = base / "infra"
    shutil.copytree(INFRA, infra, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "__pycache__",
                                                                "backend.hcl", "terraform.tfvars"))
    for folder in ("bootstrap", "examples/complete", "examples/organization"):
        (infra / folder / "moto_override.tf").write_text(_override(moto_server), encoding="utf-8")
    variables = base / "deploy.tfvars.json"
    variables.write_text(json.dumps(PLAN_VARIABLES | {
        "terraform_state_bucket_arns": ["arn:aws:s3:::team-tfstate"],
        "terraform_state_object_arns": ["arn:aws:s3:::team-tfstate/prod/terraform.tfstate"],
        "state_locations": ["s3://team-tfstate/prod/terraform.tfstate"],
    }), encoding="utf-8")
    backend = base / "backend.hcl"
    backend.write_text(f"""bucket                      = "{STATE_BUCKET}"
key                         = "{STATE_KEY}"
region                      = "us-east-1"
access_key                  = "testing"
secret_key                  = "testing"
use_path_style              = true
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
skip_s3_checksum            = true
endpoints = {{
  s3  = "{moto_server}"
  sts = "{moto_server}"
}}
""", encoding="utf-8")
    terraform = base / "bin" / "terraform"
    terraform.parent.mkdir()
    terraform.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bot.terraform "$@"\n', encoding="utf-8")
    terraform.chmod(0o755)
    return {"infra": infra, "variables": variables, "backend": backend, "terraform": terraform,
            "plugin_dir": plugin_dir, "endpoint": moto_server}


def _s3(endpoint: str) -> Any:
    return boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)


def _fresh_backend(endpoint: str) -> Any:
    """moto wiped, then the state bucket a bootstrap would have made."""
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(reset, timeout=10).close()  # noqa: S310 - loopback moto server
    s3 = _s3(endpoint)
    s3.create_bucket(Bucket=STATE_BUCKET)
    s3.put_bucket_versioning(Bucket=STATE_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return s3


@pytest.fixture
def run(deployment: dict[str, Any]) -> Run:
    def run(script: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": deployment["endpoint"], "TERRAFORM": str(deployment["terraform"]),
            "TFSYNC_PLUGIN_DIR": str(deployment["plugin_dir"]), "PYTHON": sys.executable,
            "TFSYNC_DEPLOY_VAR_FILE": str(deployment["variables"]), "GIT_CONFIG_NOSYSTEM": "1",
        }
        return subprocess.run(["bash", str(deployment["infra"] / script), *args], capture_output=True, text=True,
                              timeout=900, check=False, env=env, input=stdin if stdin is not None else "")

    return run


def _steps(output: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in output.splitlines() if line.startswith("==> [")]


def test_deploy_plan_only_plans_every_step_changes_nothing_and_runs_again(
    deployment: dict[str, Any], run: Run
) -> None:
    s3 = _fresh_backend(deployment["endpoint"])
    infra = deployment["infra"]

    for _ in range(2):
        done = run("deploy.sh", "--plan-only", "--backend-config", str(deployment["backend"]))

        assert done.returncode == 0, done.stdout + done.stderr
        assert _steps(done.stdout) == [
            "checking the tools and inputs",
            "the state backend: terraform init and plan of bootstrap/ (its own state stays in bootstrap/)",
            "the backend settings of examples/complete",
            "terraform init of examples/complete with that backend",
            "terraform plan of examples/complete, then apply",
            "secrets and the service: skipped (--plan-only)",
        ]
        assert "    the state backend: 9 to add, 0 to change, 0 to destroy" in done.stdout
        assert "    --plan-only: the state backend not applied" in done.stdout
        [planned] = [line for line in done.stdout.splitlines() if line.startswith("    examples/complete: ")]
        assert planned.endswith(" to add, 0 to change, 0 to destroy") and int(planned.split()[1]) > 50
        assert "    --plan-only: examples/complete not applied" in done.stdout
        assert done.stdout.rstrip().endswith("Done (plan only): nothing was changed.")
    # Nothing was made: no state anywhere, no plan left behind, nothing in moto but the state bucket.
    states = [p for p in infra.rglob("*.tfstate") if ".terraform" not in p.parts]  # .terraform: backend settings
    assert states == [] and not list(infra.rglob("tfsync-deploy.tfplan"))
    assert s3.list_objects_v2(Bucket=STATE_BUCKET).get("KeyCount", 0) == 0
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [STATE_BUCKET]
    assert not (infra / "examples" / "complete" / "backend.hcl").exists()


def test_deploy_without_backend_settings_says_what_to_do(deployment: dict[str, Any], run: Run) -> None:
    _fresh_backend(deployment["endpoint"])
    done = run("deploy.sh", "--plan-only", "--skip-bootstrap")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "deploy.sh: no backend settings: apply the bootstrap (run without --plan-only) or pass --backend-config")


def test_deploy_applies_nothing_unconfirmed(deployment: dict[str, Any], run: Run) -> None:
    s3 = _fresh_backend(deployment["endpoint"])
    done = run("deploy.sh", "--skip-bootstrap", "--backend-config", str(deployment["backend"]), "--secrets", "skip")

    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == ("deploy.sh: apply the plan of examples/complete needs a confirmation: run from a "
                                   "terminal, or pass --yes")
    assert s3.list_objects_v2(Bucket=STATE_BUCKET).get("KeyCount", 0) == 0, "nothing was applied"
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [STATE_BUCKET]


# --- destroy.sh ---------------------------------------------------------------------------------------------------


# The provider's schema versions of the types below that are not at 0 (hashicorp/aws 5.x).
SCHEMA_VERSIONS = {"aws_dynamodb_table": 1}


def _resource(module: str, type_: str, name: str, attributes: dict[str, Any], *, mode: str = "managed",
              key: int | str | None = None) -> dict[str, Any]:
    instance: dict[str, Any] = {"schema_version": SCHEMA_VERSIONS.get(type_, 0), "attributes": attributes}
    if key is not None:
        instance["index_key"] = key
    return {"module": module, "mode": mode, "type": type_, "name": name, "provider": AWS, "instances": [instance]}


def _state(resources: list[dict[str, Any]]) -> bytes:
    return json.dumps({"version": 4, "terraform_version": "1.15.5", "serial": 3,
                       "lineage": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "outputs": {},
                       "resources": resources}).encode()


def _deployed_state(repository: Path) -> bytes:
    """What a deployment of examples/complete leaves in its state, as far as destroy.sh reads it."""
    key_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    return _state([
        _resource("module.adopter", "aws_caller_identity", "current",
                  {"id": ACCOUNT, "account_id": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/deployer",
                   "user_id": "AIDAEXAMPLE"}, mode="data"),
        _resource("module.adopter", "aws_kms_key", "this",
                  {"id": "11111111-2222-3333-4444-555555555555", "arn": key_arn, "deletion_window_in_days": 30,
                   "enable_key_rotation": True}, key=0),
        _resource("module.adopter", "aws_s3_bucket", "artifacts",
                  {"id": f"tfsync-artifacts-{ACCOUNT}", "bucket": f"tfsync-artifacts-{ACCOUNT}",
                   "arn": f"arn:aws:s3:::tfsync-artifacts-{ACCOUNT}", "force_destroy": False}),
        _resource("module.adopter", "aws_secretsmanager_secret", "repository_token",
                  {"id": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:tfsync/repository-token-AbCdEf",
                   "arn": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:tfsync/repository-token-AbCdEf",
                   "name": "tfsync/repository-token", "recovery_window_in_days": 7}),
        _resource("module.adopter", "aws_codebuild_project", "this",
                  {"id": "tfsync-adopt", "name": "tfsync-adopt",
                   "environment": [{"type": "LINUX_CONTAINER", "environment_variable": [
                       {"name": "TFSYNC_REPOSITORY_URL", "value": str(repository), "type": "PLAINTEXT"}]}]}),
        _resource("module.state", "aws_dynamodb_table", "this",
                  {"id": "tfsync-resources", "name": "tfsync-resources",
                   "point_in_time_recovery": [{"enabled": True}]}, key="resources"),
    ])


@pytest.fixture
def team_repository(tmp_path: Path) -> Path:
    """The team's repository, with main and a branch an adoption pushed."""
    repository = tmp_path / "infrastructure"
    for args in (["init", "--quiet", "-b", "main", str(repository)],
                 ["-C", str(repository), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet",
                  "--allow-empty", "-m", "seed"],
                 ["-C", str(repository), "branch", "tfsync/adopt-r-abc123"]):
        subprocess.run(["git", *args], check=True, capture_output=True)
    return repository


def _deployed(deployment: dict[str, Any], repository: Path, *, organization: bool = False) -> Any:
    s3 = _fresh_backend(deployment["endpoint"])
    s3.put_object(Bucket=STATE_BUCKET, Key=STATE_KEY, Body=_deployed_state(repository))
    if organization:
        s3.put_object(Bucket=STATE_BUCKET, Key=ORG_STATE_KEY, Body=_state([_resource(
            "module.org_bus", "aws_cloudwatch_event_bus", "this", {"id": "tfsync-org", "name": "tfsync-org"})]))
    shutil.copy(deployment["backend"], deployment["infra"] / "examples" / "complete" / "backend.hcl")
    return s3


def _state_unchanged(s3: Any, repository: Path) -> bool:
    body = s3.get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read()
    return bool(body == _deployed_state(repository))


@pytest.mark.parametrize(("args", "message"), [
    ([], "destroy.sh: refused: examples/complete is in account 123456789012; confirm with --confirm 123456789012"),
    (["--confirm", "999999999999"],
     "destroy.sh: refused: examples/complete is in account 123456789012, not 999999999999; nothing destroyed"),
])
def test_destroy_refuses_without_the_accounts_id(
    deployment: dict[str, Any], run: Run, team_repository: Path, args: list[str], message: str
) -> None:
    s3 = _deployed(deployment, team_repository)
    done = run("destroy.sh", *args)

    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == message
    assert _state_unchanged(s3, team_repository)


def test_destroy_refuses_a_stack_another_one_still_uses(
    deployment: dict[str, Any], run: Run, team_repository: Path
) -> None:
    s3 = _deployed(deployment, team_repository, organization=True)
    done = run("destroy.sh", "--confirm", ACCOUNT)

    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == (
        "destroy.sh: refused: examples/organization still has 1 resources that use examples/complete's queue and "
        "role; destroy it first: infra/destroy.sh --root examples/organization --confirm <account>")
    assert _state_unchanged(s3, team_repository)
    assert not (deployment["infra"] / "examples" / "organization" / ".terraform").exists(), \
        "the check leaves nothing in examples/organization"


def test_destroy_refuses_the_state_backend_while_a_stack_keeps_state_there(
    deployment: dict[str, Any], run: Run, team_repository: Path
) -> None:
    s3 = _deployed(deployment, team_repository)
    done = run("destroy.sh", "--only-bootstrap", "--confirm", ACCOUNT)

    assert done.returncode == 2, done.stdout + done.stderr
    assert "    examples/complete still has 5 resources" in done.stderr
    assert done.stderr.strip().endswith(
        "destroy.sh: refused: the state backend still holds the state of 5 resources; destroy the stacks first "
        "(infra/destroy.sh --confirm <account>)")
    assert _state_unchanged(s3, team_repository)


@pytest.mark.parametrize("keep", [False, True], ids=["everything", "keep-artifact-bucket"])
def test_destroy_plan_only_shows_what_goes_and_what_stays(
    deployment: dict[str, Any], run: Run, team_repository: Path, keep: bool
) -> None:
    s3 = _deployed(deployment, team_repository)
    done = run("destroy.sh", "--plan-only", *(["--keep-artifact-bucket"] if keep else []))

    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "    examples/complete has 5 resources (backend settings: " in out
    assert "    nothing (examples/organization has no resources)" in out
    assert "    --plan-only: a real run needs --confirm 123456789012" in out
    assert f"    would destroy {3 if keep else 5} resources" in out
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    stays = [line.removeprefix("    - ") for line in out.splitlines() if line.startswith("    - ")]
    assert ("secret tfsync/repository-token: restorable for 7 days (aws secretsmanager restore-secret --secret-id "
            "tfsync/repository-token); deploying again under that name needs it restored, or another name") in stays
    assert ("DynamoDB table tfsync-resources: deleted with point-in-time recovery on, so DynamoDB keeps a system "
            "backup of it for up to 35 days (aws dynamodb list-backups --backup-type SYSTEM)") in stays
    assert (f"branches tfsync pushed to {team_repository}: tfsync/adopt-r-abc123 and the pull requests opened "
            "from them (tfsync deletes neither)") in stays
    assert any(line.startswith("the state backend") and "--only-bootstrap" in line for line in stays)
    if keep:
        assert f"KMS key {key}: kept, it encrypts the kept artifact bucket" in stays
        assert any(line.startswith(f"S3 bucket tfsync-artifacts-{ACCOUNT}: kept") for line in stays)
        assert "    would keep module.adopter.aws_s3_bucket.artifacts" in out
        assert "    would keep module.adopter.aws_kms_key.this[0]" in out
    else:
        assert f"KMS key {key}: pending deletion for 30 days (aws kms cancel-key-deletion --key-id {key})" in stays
        assert not any(line.startswith("S3 bucket") for line in stays)
    assert out.rstrip().endswith("Done (plan only): nothing was changed.")
    assert _state_unchanged(s3, team_repository)


def test_deploys_aws_steps_read_the_secrets_state_and_wait_for_the_service(
    aws_client: Callable[..., Any], aws_endpoint: str
) -> None:
    """The two Python steps of deploy.sh, against moto: whether a secret holds a value (without reading it), and
    waiting for the service, which then says what it runs."""
    held, settled = re.findall(r"<<'PY'.*?\n(.*?)\nPY\n", DEPLOY.read_text(encoding="utf-8"), re.S)
    env = {**os.environ, "AWS_ENDPOINT_URL": aws_endpoint, "AWS_DEFAULT_REGION": "us-east-1"}

    def python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-", *args], input=script, text=True, capture_output=True,
                              env=env, timeout=120, check=False)

    secrets = aws_client("secretsmanager")
    arn = secrets.create_secret(Name="tfsync/slack")["ARN"]
    assert python(held, arn).returncode == 3, "created empty: no value yet"
    secrets.put_secret_value(SecretId=arn, SecretString='{"SLACK_BOT_TOKEN": "xoxb-1"}')
    assert python(held, arn).returncode == 0
    assert python(held, "tfsync/absent").returncode == 1, "an error is neither answer"

    ecs = aws_client("ecs")
    ecs.create_cluster(clusterName="tfsync")
    ecs.register_task_definition(family="tfsync-bot",
                                 containerDefinitions=[{"name": "bot", "image": "acme/tfsync:1.2.0", "memory": 512}])
    ecs.create_service(cluster="tfsync", serviceName="tfsync-bot", taskDefinition="tfsync-bot", desiredCount=0)
    done = python(settled, "tfsync", "tfsync-bot", "30")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "    tfsync-bot: 0 of 0 tasks running acme/tfsync:1.2.0\n"
