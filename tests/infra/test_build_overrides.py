"""The bot role's hold on the adopt build: it may start, follow and stop builds of the adopter project, exactly as
bot/runners/codebuild.py starts them (projectName, environmentVariablesOverride with the names the runner sends,
idempotencyToken), and no build that changes what runs: another buildspec, source, image, privileged mode or service
role (denied whatever else allows StartBuild), or any other override the bot never sends; other environment
variables; or a repository no route names (the build sends the token there).

The policy is the one a plan of bot_runtime (against moto, with the real AWS provider) renders; each StartBuild
request is turned into the condition keys CodeBuild documents for StartBuild (the Service Authorization Reference)
and evaluated as IAM evaluates an identity policy (tests/infra/iam.py)."""

from __future__ import annotations

import asyncio
import json
import shutil
from typing import Any

import pytest

from bot.accounts import AccountAccess
from bot.config import Settings
from bot.runners import AdoptJob, CodeBuildRunner
from bot.runners.codebuild import OVERRIDE_NAMES, ROUTE_OVERRIDES
from tests.infra import iam
from tests.infra.hcl import INFRA
from tests.infra.test_terraform import MOTO_SERVICES, _plugin_dir, terraform

ACCOUNT, MEMBER = "123456789012", "999999999999"
PROJECT_ARN = f"arn:aws:codebuild:us-east-1:{ACCOUNT}:project/tfsync-adopt"
ROUTE_REPOSITORY = "https://github.com/acme/member-infra.git"
JOB = AdoptJob(job_id="r-b-v2", resource_id="r-b", tf_type="aws_iam_role", import_id="admin",
               address="aws_iam_role.admin", target_module="", mode="pr", files=(),
               imports=(("aws_iam_role.admin", "admin"),))
# StartBuild's override members, by the condition key CodeBuild sets for each (ProjectSource, ProjectEnvironment,
# ... as the project names them): presence for objects, the value for strings and booleans.
OVERRIDE_KEYS = {
    "buildspecOverride": ("codebuild:source.buildspec", "true"),
    "sourceTypeOverride": ("codebuild:source", "true"),
    "sourceLocationOverride": ("codebuild:source.location", "https://github.com/attacker/repo.git"),
    "sourceAuthOverride": ("codebuild:source.auth.type", "OAUTH"),
    "insecureSslOverride": ("codebuild:source.insecureSsl", "true"),
    "secondarySourcesOverride": ("codebuild:secondarySources", "true"),
    "artifactsOverride": ("codebuild:artifacts", "true"),
    "secondaryArtifactsOverride": ("codebuild:secondaryArtifacts", "true"),
    "imageOverride": ("codebuild:environment.image", "attacker/image:latest"),
    "environmentTypeOverride": ("codebuild:environment.type", "ARM_CONTAINER"),
    "computeTypeOverride": ("codebuild:environment.computeType", "BUILD_GENERAL1_2XLARGE"),
    "fleetOverride": ("codebuild:environment.fleet.fleetArn", f"arn:aws:codebuild:us-east-1:{ACCOUNT}:fleet/f"),
    "certificateOverride": ("codebuild:environment.certificate", "bucket/cert.pem"),
    "privilegedModeOverride": ("codebuild:environment.privilegedMode", "true"),
    "registryCredentialOverride": ("codebuild:environment.registryCredential", "true"),
    "imagePullCredentialsTypeOverride": ("codebuild:environment.imagePullCredentialsType", "SERVICE_ROLE"),
    "serviceRoleOverride": ("codebuild:serviceRole", f"arn:aws:iam::{ACCOUNT}:role/admin"),
    "encryptionKeyOverride": ("codebuild:encryptionKey", "alias/other"),
    "logsConfigOverride": ("codebuild:logsConfig", "true"),
    "cacheOverride": ("codebuild:cache", "true"),
    "autoRetryLimitOverride": ("codebuild:autoRetryLimit", "3"),
}
# Members with no condition key: none of them changes what runs or what it may reach (a debug session needs
# ssmmessages permissions on the build's own role, which the adopter's role does not have).
UNKEYED = {"timeoutInMinutesOverride", "queuedTimeoutInMinutesOverride", "gitCloneDepthOverride",
           "gitSubmodulesConfigOverride", "reportBuildStatusOverride", "buildStatusConfigOverride",
           "sourceVersion", "secondarySourcesVersionOverride", "debugSessionEnabled", "idempotencyToken"}


def context(request: dict[str, Any]) -> dict[str, Any]:
    """The StartBuild condition keys a request sets."""
    keys: dict[str, Any] = {}
    for member, value in request.items():
        if member in OVERRIDE_KEYS:
            key, given = OVERRIDE_KEYS[member]
            keys[key] = given
            section = key.split(":")[1].split(".")[0]
            keys[f"codebuild:{section}"] = "true"
        elif member == "environmentVariablesOverride":
            keys["codebuild:environment"] = keys["codebuild:environment.environmentVariables"] = "true"
            keys["codebuild:environment.environmentVariables.name"] = [v["name"] for v in value]
            keys["codebuild:environment.environmentVariables.value"] = [v["value"] for v in value]
            for v in value:
                keys[f"codebuild:environment.environmentVariables/{v['name']}.value"] = v["value"]
        else:
            assert member in UNKEYED or member == "projectName", member
    return keys


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory, moto_server: str) -> list[dict[str, Any]]:
    """The bot role's statements, with the adopter project, one account routed to its own repository, and every
    other input that adds to the policy at its largest (every type the catalog can delete, states, CloudTrail)."""
    plugin_dir = _plugin_dir()
    root = tmp_path_factory.mktemp("bot_builds")
    shutil.copytree(INFRA / "modules" / "bot_runtime", root / "bot_runtime",
                    ignore=shutil.ignore_patterns(".terraform*"))
    endpoints = "\n".join(f'    {service} = "{moto_server}"' for service in MOTO_SERVICES)
    catalog = json.loads((INFRA / "modules" / "bot_runtime" / "catalog.tf.json").read_text(encoding="utf-8"))
    targets = {MEMBER: {"repository": ROUTE_REPOSITORY, "base_branch": "live", "root_dir": "envs/member",
                        "states": ["s3://member-tfstate/member/terraform.tfstate"]}}
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    (root / "main.tf").write_text(f"""
provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true

  endpoints {{
{endpoints}
  }}
}}

module "bot" {{
  source                  = "./bot_runtime"
  queue_url               = "https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/tfsync"
  queue_arn               = "arn:aws:sqs:us-east-1:{ACCOUNT}:tfsync"
  table_arns              = ["arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/tfsync-resources"]
  artifact_bucket_arn     = "arn:aws:s3:::tfsync-artifacts-{ACCOUNT}"
  artifact_kms_key_arn    = "{key}"
  codebuild_project_arn   = "{PROJECT_ARN}"
  codebuild_log_group_arn = "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/codebuild/tfsync-adopt"
  cloudtrail_bucket_arn   = "arn:aws:s3:::tfsync-trail-{ACCOUNT}"
  cloudtrail_kms_key_arn  = "{key}"
  state_locations         = ["s3://team-tfstate/prod/terraform.tfstate", "s3://team-tfstate/dev/"]
  delete_types            = {json.dumps(sorted(catalog["locals"]["catalog_delete_actions"]))}
  member_role_name        = "tfsync-member"
  account_targets         = {json.dumps(targets)}
}}
""", encoding="utf-8")
    assert terraform(root, "init", f"-plugin-dir={plugin_dir}")[0] == 0
    retcode, _, stderr = terraform(root, "plan", "-refresh=false", "-out=plan.bin")
    assert retcode == 0, stderr
    retcode, stdout, stderr = terraform(root, "show", "-json", "plan.bin")
    assert retcode == 0, stderr
    changes = json.loads(stdout)["resource_changes"]
    after = {c["address"]: c["change"]["after"] for c in changes}
    # The role's inline policy and the managed one its opt-in deletions are in.
    return [*json.loads(after["module.bot.aws_iam_role_policy.this"]["policy"])["Statement"],
            *json.loads(after["module.bot.aws_iam_policy.delete[0]"]["policy"])["Statement"]]


class _CodeBuild:
    """Records start_build's arguments, as boto3 would send them."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def start_build(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"build": {"id": "tfsync-adopt:1"}}


@pytest.fixture
def requests(aws_env: dict[str, str], aws_client: Any) -> list[dict[str, Any]]:
    """The StartBuild requests the runner makes: for a job in tfsync's own account, and for one in an account
    routed to its own repository, branch and root folder."""
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="artifacts")
    codebuild = _CodeBuild()
    runner = CodeBuildRunner(codebuild=codebuild, s3=s3, logs=None, bucket="artifacts", project="tfsync-adopt")
    routes = {MEMBER: {"repository": ROUTE_REPOSITORY, "base_branch": "live", "root_dir": "envs/member"}}
    access = AccountAccess(Settings.from_env({
        **aws_env, "TFSYNC_ACCOUNT_ID": ACCOUNT, "TFSYNC_ACCOUNT_TARGETS": json.dumps(routes),
        "TFSYNC_ACCOUNT_ROLES": json.dumps({MEMBER: f"arn:aws:iam::{MEMBER}:role/tfsync-member"}),
    }))
    asyncio.run(runner.start(JOB, access.target(ACCOUNT)))
    asyncio.run(runner.start(JOB, access.target(MEMBER)))
    return codebuild.calls


def _start(policy: list[dict[str, Any]], request: dict[str, Any], *, also_allowed: bool = False) -> str:
    """The role's answer to a StartBuild request; also_allowed: as if another policy of the role allowed StartBuild
    on every project (only explicit denies still hold)."""
    return iam.decision(policy, "codebuild:StartBuild", PROJECT_ARN, context(request),
                        allowed_elsewhere=("codebuild:StartBuild",) if also_allowed else ())


# The overrides that change what runs, denied outright.
EXPLICITLY_DENIED = {"buildspecOverride", "sourceLocationOverride", "imageOverride", "privilegedModeOverride",
                     "serviceRoleOverride"}


def test_the_bot_starts_follows_and_stops_builds_exactly_as_the_runner_does(
    policy: list[dict[str, Any]], requests: list[dict[str, Any]]
) -> None:
    own, routed = requests
    assert set(own) == set(routed) == {"projectName", "environmentVariablesOverride", "idempotencyToken"}
    assert {v["name"] for v in routed["environmentVariablesOverride"]} == {*OVERRIDE_NAMES,
                                                                            *(n for _, n in ROUTE_OVERRIDES)}
    for request in requests:
        assert _start(policy, request) == "allow", request
    for action in ("codebuild:BatchGetBuilds", "codebuild:StopBuild"):
        assert iam.decision(policy, action, PROJECT_ARN) == "allow", action
    other = PROJECT_ARN.replace("tfsync-adopt", "release")
    for action in ("codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"):
        assert iam.decision(policy, action, other) == "implicit", action


@pytest.mark.parametrize("member", sorted(OVERRIDE_KEYS))
def test_a_build_that_would_run_something_else_is_refused(
    policy: list[dict[str, Any]], requests: list[dict[str, Any]], member: str
) -> None:
    for request in requests:
        changed = {**request, member: "anything"}
        assert _start(policy, changed) != "allow", member
        if member in EXPLICITLY_DENIED:
            assert _start(policy, changed, also_allowed=True) == "deny", member


@pytest.mark.parametrize(("name", "value"), [
    ("TFSYNC_PR_API_URL", "https://attacker.example/api/v3"),
    ("TFSYNC_TERRAFORM", "/bin/sh"),
    ("TFSYNC_GIT_TOKEN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:other"),
    ("BASH_ENV", "/tmp/evil.sh"),
    ("TFSYNC_REPOSITORY_URL", "https://attacker.example/acme/infra.git"),
])
def test_environment_overrides_are_limited_to_what_the_bot_sends(
    policy: list[dict[str, Any]], requests: list[dict[str, Any]], name: str, value: str
) -> None:
    for request in requests:
        variables = [v for v in request["environmentVariablesOverride"] if v["name"] != name]
        changed = {**request, "environmentVariablesOverride": [*variables, {"name": name, "value": value,
                                                                            "type": "PLAINTEXT"}]}
        assert _start(policy, changed, also_allowed=True) == "deny", (name, request)


def test_the_policy_names_the_environment_variables_the_runner_sends(policy: list[dict[str, Any]]) -> None:
    [statement] = [s for s in policy if s.get("Sid") == "DenyOtherBuildVariables"]
    names = statement["Condition"]["ForAnyValue:StringNotEquals"]["codebuild:environment.environmentVariables.name"]
    assert sorted(names) == sorted({*OVERRIDE_NAMES, *(n for _, n in ROUTE_OVERRIDES)})


def test_the_start_allow_requires_every_override_key_startbuild_has_to_be_absent(
    policy: list[dict[str, Any]],
) -> None:
    [statement] = [s for s in policy if s.get("Sid") == "StartAdoptBuilds"]
    assert statement["Condition"] == {"Null": {key: "true" for key, _ in OVERRIDE_KEYS.values()}}
    denied = {key for s in policy if s["Effect"] == "Deny" and "Null" in s.get("Condition", {})
              and list(s["Condition"]["Null"].values()) == ["false"] for key in s["Condition"]["Null"]}
    assert denied == {OVERRIDE_KEYS[m][0] for m in EXPLICITLY_DENIED} | {
        "codebuild:environment.environmentVariables/TFSYNC_REPOSITORY_URL.value"}


def test_the_policy_fits_an_inline_policys_quota(policy: list[dict[str, Any]]) -> None:
    # IAM counts policies without whitespace: a role's inline policies 10,240 characters at most, a managed policy
    # 6,144. This is the largest policy the module renders (every delete type), so every deployment fits.
    deletes = [s for s in policy if s.get("Sid") == "DeleteOptedInTypes"]
    inline = [s for s in policy if s.get("Sid") != "DeleteOptedInTypes"]
    size = len(json.dumps({"Version": "2012-10-17", "Statement": inline}, separators=(",", ":")))
    assert size < 10_240, size
    managed = len(json.dumps({"Version": "2012-10-17", "Statement": deletes}, separators=(",", ":")))
    assert deletes and managed < 6_144, managed


def test_context_follows_the_documented_keys() -> None:
    keys = context({"projectName": "p", "buildspecOverride": "x",
                    "environmentVariablesOverride": [{"name": "A", "value": "1", "type": "PLAINTEXT"}]})
    assert keys["codebuild:source.buildspec"] == "true" and keys["codebuild:source"] == "true"
    assert keys["codebuild:environment.environmentVariables.name"] == ["A"]
    assert keys["codebuild:environment.environmentVariables/A.value"] == "1"
