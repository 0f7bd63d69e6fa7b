"""The roles' reads: every data read the Describe/Get/List wildcards grant is denied or named in the checkov skip
that allows those wildcards, tfsync's own calls are never denied, and the bot role reads exactly the states (and
their workspaces' states) that bot/managed.py reads.

The roles' policies are read from one plan of the modules against moto (with the real AWS provider), so the
statements tested are the ones Terraform renders, and evaluated as IAM evaluates them (tests/infra/iam.py).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from bot.managed import StateReader
from infra import generate
from tests.infra import iam
from tests.infra.adopter_plan import (
    DATA_KEY,
    DATA_TABLE,
    LOCK_TABLE_ARN,
    STATE_KEY_ARN,
    STATE_OBJECT_ARN,
    VARIANTS,
    attached_policies,
    module_root,
    role_policy,
)
from tests.infra.hcl import INFRA
from tests.infra.test_terraform import _plugin_dir, terraform

Aws = Callable[..., Any]
SKIP_356 = re.compile(r"#checkov:skip=CKV_AWS_356:(.*)")
# Reads of data (not configuration) that the catalog's wildcards grant, by the words a CKV_AWS_356 skip reason
# must use when the role still allows them.
SENSITIVE_READS = {
    "lambda:GetFunction": "Lambda environment variables and code links",
    "lambda:GetFunctionConfiguration": "Lambda environment variables",
    "lambda:GetLayerVersion": "code links",
    "lambda:GetLayerVersionByArn": "code links",
    "ec2:DescribeInstanceAttribute": "instance and launch template user data",
    "ec2:DescribeLaunchTemplateVersions": "instance and launch template user data",
    "ec2:GetLaunchTemplateData": "instance and launch template user data",
    "ecs:DescribeTaskDefinition": "container environments of task definitions",
    "ssm:GetParameter": "SSM String parameter values",
    "ssm:GetParameters": "SSM String parameter values",
    "ssm:GetParametersByPath": "SSM String parameter values",
    "ssm:GetParameterHistory": "SSM String parameter values",
    "ssm:GetCommandInvocation": "command output",
    "states:DescribeExecution": "execution input and output",
    "states:GetExecutionHistory": "execution input and output",
    "states:GetActivityTask": "queued activity tasks",
    "s3:GetObjectTorrent": "object data",
    "s3:GetObjectVersionTorrent": "object data",
}
API_KEY_VALUES = "API Gateway key values"  # apigateway:GET on /apikeys (with includeValue) returns the keys
LOCATIONS = [
    "s3://team-tfstate/live/terraform.tfstate",
    "s3://team-tfstate/stacks/?workspace_key_prefix=team/ws",
    "s3://other-tfstate",
]
STATE_OBJECTS = {
    "team-tfstate": [
        "live/terraform.tfstate",
        "env:/prod/live/terraform.tfstate",
        "stacks/app.tfstate",
        "team/ws/prod/stacks/app.tfstate",
        "env:/prod/stacks/app.tfstate",
    ],
    "other-tfstate": ["a.tfstate", "env:/prod/a.tfstate"],
    "member-tfstate": ["member/terraform.tfstate", "env:/dev/member/terraform.tfstate"],
}
# A member account's own state (account_targets -> TFSYNC_ACCOUNT_TARGETS), read like the shared ones.
MEMBER_ACCOUNT = "999999999999"
MEMBER_LOCATION = "s3://member-tfstate/member/terraform.tfstate"


def _iam_match(pattern: str, value: str) -> bool:
    """IAM's wildcard match (`*` any run of characters, `/` included; `?` one character)."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), value) is not None


def _action_match(pattern: str, action: str) -> bool:
    """IAM's match of action names, which ignores case (`apigateway:Get*` grants `apigateway:GET`)."""
    return _iam_match(pattern.lower(), action.lower())


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _skip_reason(module: str) -> str:
    text = (INFRA / "modules" / module / "main.tf").read_text(encoding="utf-8")
    [reason] = [m.group(1) for m in SKIP_356.finditer(text) if "Describe/Get/List" in m.group(1)]
    return reason


def _recorded_actions() -> set[str]:
    return {a for phases in generate.load_recording().values() for calls in phases.values()
            for call in calls for a in generate.call_actions(call)}


def _unsaid_sensitive_reads(allowed: Iterable[str], denied: Iterable[str], reason: str) -> list[str]:
    """The sensitive reads a wildcard in `allowed` grants, no `denied` pattern denies, and `reason` does not name."""
    allowed, denied = list(allowed), list(denied)
    return [
        action for action, words in SENSITIVE_READS.items()
        if any(_action_match(p, action) for p in allowed) and not any(_action_match(p, action) for p in denied)
        and words not in reason
    ]


# module_root's call of the adopter module, renamed for each of VARIANTS in the root below.
ADOPTER_CALL = 'module "adopter" {'
BOT_CALL = f"""
module "bot" {{
  source          = "./bot_runtime"
  name            = "tfsync"
  queue_url       = "https://sqs.us-east-1.amazonaws.com/123456789012/tfsync"
  queue_arn       = "arn:aws:sqs:us-east-1:123456789012:tfsync"
  table_arns      = ["arn:aws:dynamodb:us-east-1:123456789012:table/tfsync-resources"]
  state_locations = {json.dumps(LOCATIONS)}
  account_targets = {{
    "{MEMBER_ACCOUNT}" = {{ states = ["{MEMBER_LOCATION}"], root_dir = "envs/member" }}
  }}
}}
"""


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory, moto_server: str) -> dict[str, dict[str, Any]]:
    """{module call: {address in the call: planned values}} of one plan (against moto) of one root that calls
    bot_runtime as "bot" and the adopter module as "adopter_<variant>" with each of VARIANTS' inputs (as
    adopter_plan.planned_adopter would plan it alone): one init, plan and show, each loading the provider once."""
    plugin_dir = _plugin_dir()
    root = tmp_path_factory.mktemp("data_reads")
    for module in ("bot_runtime", "adopter"):
        shutil.copytree(INFRA / "modules" / module, root / module, ignore=shutil.ignore_patterns(".terraform*"))
    provider, adopter_calls = "", []  # the provider block: module_root's text before the call
    for variant, variables in VARIANTS.items():
        provider, found, call = module_root(moto_server, variables).partition(ADOPTER_CALL)
        assert found, f"module_root calls the module otherwise than {ADOPTER_CALL!r}"
        adopter_calls.append(f'module "adopter_{variant}" {{{call}')
    (root / "main.tf").write_text(provider + BOT_CALL + "".join(adopter_calls), encoding="utf-8")
    retcode, _, stderr = terraform(root, "init", f"-plugin-dir={plugin_dir}")
    assert retcode == 0, stderr
    retcode, _, stderr = terraform(root, "plan", "-refresh=false", "-out=plan.bin")
    assert retcode == 0, stderr
    retcode, stdout, stderr = terraform(root, "show", "-json", "plan.bin")
    assert retcode == 0, stderr
    plans: dict[str, dict[str, Any]] = {"bot": {}, **{f"adopter_{variant}": {} for variant in VARIANTS}}
    for change in json.loads(stdout)["resource_changes"]:
        if change["mode"] == "managed":
            call, _, address = change["address"].removeprefix("module.").partition(".")
            plans[call][address] = change["change"]["after"]
    return plans


@pytest.fixture(scope="module")
def bot_policy(planned: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The statements of the bot role's policy, as a plan of the module (against moto) renders them."""
    bot = planned["bot"]
    policy = bot["aws_iam_role_policy.this"]["policy"]
    assert isinstance(policy, str), "the bot role's policy is not known at plan"
    # The opt-in deletions are a managed policy of their own, attached to the role when any type is opted in.
    deletes = [after["policy"] for address, after in bot.items() if address == "aws_iam_policy.delete[0]"]
    return [*json.loads(policy)["Statement"], *(s for d in deletes for s in json.loads(d)["Statement"])]


def _statements(policy: list[dict[str, Any]], effect: str, action: str) -> list[dict[str, Any]]:
    return [s for s in policy if s["Effect"] == effect and any(_action_match(p, action) for p in _listed(s["Action"]))]


def _allowed(policy: list[dict[str, Any]], action: str, arn: str) -> bool:
    """Whether an Allow names the action on the ARN and no Deny (by Resource or NotResource) takes it back."""
    allowed = any(any(_iam_match(r, arn) for r in _listed(s.get("Resource", [])))
                  for s in _statements(policy, "Allow", action))
    denied = any(
        any(_iam_match(r, arn) for r in _listed(s["Resource"])) if "Resource" in s
        else not any(_iam_match(r, arn) for r in _listed(s["NotResource"]))
        for s in _statements(policy, "Deny", action)
    )
    return allowed and not denied


def _reads_of_the_state_reader(aws_client: Aws) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(bucket, key) of every object and (bucket, prefix) of every listing StateReader asks S3 for at LOCATIONS."""
    s3 = aws_client("s3")
    for bucket, keys in STATE_OBJECTS.items():
        s3.create_bucket(Bucket=bucket)
        for key in keys:
            s3.put_object(Bucket=bucket, Key=key, Body=b'{"version": 4, "resources": []}')
    objects: set[tuple[str, str]] = set()
    listings: set[tuple[str, str]] = set()
    for operation in ("HeadObject", "GetObject"):
        s3.meta.events.register(f"before-parameter-build.s3.{operation}",
                                lambda params, **_: objects.add((params["Bucket"], params["Key"])))
    s3.meta.events.register("before-parameter-build.s3.ListObjectsV2",
                            lambda params, **_: listings.add((params["Bucket"], params.get("Prefix", ""))))
    reader = StateReader(s3, [*LOCATIONS, (MEMBER_LOCATION, MEMBER_ACCOUNT)], 1_000_000)
    reader.load()
    assert reader.errors == []
    return objects, listings


def test_the_bot_role_reads_every_state_and_workspace_state_the_reader_reads(
    bot_policy: list[dict[str, Any]], aws_client: Aws
) -> None:
    objects, listings = _reads_of_the_state_reader(aws_client)
    assert ("team-tfstate", "team/ws/prod/stacks/app.tfstate") in objects
    assert ("team-tfstate", "env:/prod/live/terraform.tfstate") in objects
    assert ("member-tfstate", "env:/dev/member/terraform.tfstate") in objects
    for bucket, key in objects:
        assert _allowed(bot_policy, "s3:GetObject", f"arn:aws:s3:::{bucket}/{key}"), (bucket, key)
    [list_states] = [s for s in bot_policy if s.get("Sid") == "ListStates"]
    prefixes = list_states["Condition"]["StringLike"]["s3:prefix"]
    for bucket, prefix in listings:
        assert f"arn:aws:s3:::{bucket}" in _listed(list_states["Resource"])
        assert any(_iam_match(p, prefix) for p in _listed(prefixes)), (bucket, prefix)
    # And no more than those: other objects of the state bucket stay unreadable.
    assert not _allowed(bot_policy, "s3:GetObject", "arn:aws:s3:::team-tfstate/secrets/db.json")
    assert not _allowed(bot_policy, "s3:GetObject", "arn:aws:s3:::team-tfstate/env:/prod/other/terraform.tfstate")


def test_the_bot_role_never_denies_a_call_tfsync_makes(bot_policy: list[dict[str, Any]]) -> None:
    recorded = _recorded_actions()
    assert "lambda:GetFunction" in recorded and "ssm:GetParameter" in recorded
    for statement in bot_policy:
        if statement["Effect"] == "Deny" and _listed(statement.get("Resource")) == ["*"]:
            blocked = sorted(a for a in recorded if any(_action_match(p, a) for p in _listed(statement["Action"])))
            assert not blocked, f"{statement['Sid']} denies {blocked}"


def test_the_bot_role_allows_no_sensitive_read_its_skip_reason_does_not_name(
    bot_policy: list[dict[str, Any]],
) -> None:
    reason = _skip_reason("bot_runtime")
    allowed = [p for s in bot_policy if s["Effect"] == "Allow" and "*" in _listed(s.get("Resource"))
               for p in _listed(s["Action"])]
    denied = [p for s in bot_policy if s["Effect"] == "Deny" and _listed(s.get("Resource")) == ["*"]
              for p in _listed(s["Action"])]
    assert not _unsaid_sensitive_reads(allowed, denied, reason)
    # Those it still allows are reads tfsync makes: the rest are denied.
    still_allowed = {a for a in SENSITIVE_READS
                     if any(_action_match(p, a) for p in allowed) and not any(_action_match(p, a) for p in denied)}
    # (ecs:DescribeTaskDefinition: describing a task definition for adoption reads its container definitions.)
    assert still_allowed == {"lambda:GetFunction", "ec2:DescribeInstanceAttribute",
                             "ec2:DescribeLaunchTemplateVersions", "ssm:GetParameter", "ecs:DescribeTaskDefinition"}
    assert still_allowed <= _recorded_actions()
    assert still_allowed <= _recorded_actions()
    # API keys: apigateway:GET is allowed for GetRestApi, and denied on the keys.
    key_arn = "arn:aws:apigateway:us-east-1::/apikeys/abc123"
    assert _allowed(bot_policy, "apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/abc123")
    assert not _allowed(bot_policy, "apigateway:GET", key_arn)
    assert not _allowed(bot_policy, "apigateway:GET", "arn:aws:apigateway:us-east-1::/apikeys")
    # SecureString values stay encrypted: kms:Decrypt is never granted on every key.
    for statement in _statements(bot_policy, "Allow", "kms:Decrypt"):
        assert "*" not in _listed(statement["Resource"]), statement


# The adopter's role, as a plan of the module with adopter_plan.VARIANTS' inputs renders it (in `planned`'s root),
# with ReadOnlyAccess attached (its default read_policy_arns). ReadOnlyAccess, an AWS managed policy, is not in the
# plan: these are its grants (as AWS publishes it) for the services of the data reads below.
READ_ONLY_ACCESS = (
    "apigateway:GET", "appconfig:GetHostedConfigurationVersion", "athena:Get*", "cassandra:Select",
    "cloudformation:Get*", "codeartifact:GetPackageVersionAsset", "codeartifact:ReadFromRepository", "codecommit:Get*",
    "codecommit:GitPull", "cognito-identity:GetCredentialsForIdentity", "cognito-identity:GetOpenIdToken",
    "cognito-idp:AdminGet*", "cognito-sync:Get*", "cognito-sync:List*", "cognito-sync:QueryRecords",
    "dax:BatchGetItem", "dax:GetItem", "dax:Query", "dax:Scan", "dynamodb:BatchGet*", "dynamodb:Get*",
    "dynamodb:Query", "dynamodb:Scan", "ec2:Describe*", "ec2:Get*", "ecr:BatchGet*", "ecr:Get*", "ecs:Describe*",
    "es:ESHttpGet", "es:ESHttpHead", "glacier:Get*", "iot:Get*", "kinesis:Get*", "kinesisvideo:Get*", "kms:Get*",
    "lambda:Get*", "logs:FilterLogEvents", "logs:Get*", "logs:StartQuery", "mediastore:GetObject", "qldb:GetBlock",
    "qldb:GetRevision", "rds:Download*", "s3-object-lambda:GetObject", "s3-object-lambda:GetObjectVersion",
    "s3:Get*", "sdb:Get*", "sdb:Select*", "secretsmanager:Describe*", "sqs:Receive*", "ssm:Get*", "states:Describe*",
    "states:GetExecutionHistory", "xray:BatchGet*", "xray:Get*",
)
# Reads of data a refresh of the team's resources never makes: denied on every resource, whichever policy grants
# them.
UNREFRESHED_DATA_READS = (
    "athena:GetQueryResults", "codeartifact:ReadFromRepository", "codecommit:GetFile", "codecommit:GitPull",
    "cognito-identity:GetCredentialsForIdentity", "cognito-sync:QueryRecords", "dax:Scan", "dynamodb:BatchGetItem",
    "dynamodb:GetRecords", "dynamodb:Query", "dynamodb:Scan", "ec2:GetConsoleOutput", "ec2:GetPasswordData",
    "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "es:ESHttpGet", "glacier:GetJobOutput", "iot:GetThingShadow",
    "kinesis:GetRecords", "kinesisvideo:GetMedia", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:StartQuery",
    "mediastore:GetObject", "qldb:GetBlock", "rds:DownloadDBLogFilePortion", "s3-object-lambda:GetObject",
    "s3:GetObjectTorrent", "sdb:Select", "sqs:ReceiveMessage", "ssm:GetCommandInvocation", "states:DescribeExecution",
    "states:GetActivityTask", "states:GetExecutionHistory", "xray:BatchGetTraces",
)
# Reads of data a refresh does make (data resources and data sources): readable on terraform_data_arns and on
# tfsync's own resources only.
REFRESHED_DATA_READS = ("dynamodb:GetItem", "s3:GetObject", "s3:GetObjectVersion", "secretsmanager:GetSecretValue")
# Sensitive reads the adopter's refresh needs, by the words its CKV_AWS_356 skip reason must use.
ADOPTER_SENSITIVE_READS = {
    **{a: w for a, w in SENSITIVE_READS.items() if a not in UNREFRESHED_DATA_READS and "Torrent" not in a},
    "cloudformation:GetTemplate": "CloudFormation templates",
    "appconfig:GetHostedConfigurationVersion": "AppConfig hosted configuration content",
    "cognito-idp:AdminGetUser": "Cognito user attributes",
}
ELSEWHERE_ARNS = {
    "dynamodb": "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    "s3": "arn:aws:s3:::customer-data/export.csv",
    "secretsmanager": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-key-AbCdEf",
}


def _elsewhere(action: str) -> str:
    service = action.split(":")[0]
    return ELSEWHERE_ARNS.get(service, f"arn:aws:{service}:us-east-1:123456789012:somewhere/else")


@pytest.fixture(scope="module")
def adopter_full(planned: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return planned["adopter_full"]


@pytest.fixture(scope="module")
def adopter_minimal(planned: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return planned["adopter_minimal"]


def test_the_adopter_role_reads_data_only_on_terraform_data_arns_and_its_own(adopter_full: dict[str, Any]) -> None:
    policy = role_policy(adopter_full)
    assert attached_policies(adopter_full) == {"arn:aws:iam::aws:policy/ReadOnlyAccess"}

    def decide(action: str, arn: str, **context: str) -> str:
        return iam.decision(policy, action, arn, context, allowed_elsewhere=READ_ONLY_ACCESS)

    # Whatever ReadOnlyAccess grants, the reads no refresh makes are denied on every resource.
    for action in UNREFRESHED_DATA_READS:
        assert decide(action, _elsewhere(action)) == "deny", action
    # Those a refresh of the team's data makes are readable exactly where the team said its Terraform holds data,
    # and on tfsync's own job files, script, token, state and locks; nowhere else.
    readable = {
        "s3:GetObject": ["arn:aws:s3:::team-config/app/flags.json", f"{STATE_OBJECT_ARN}.tflock", STATE_OBJECT_ARN,
                         "arn:aws:s3:::tfsync-artifacts-123456789012/jobs/r-1/manifest.json"],
        "s3:GetObjectVersion": ["arn:aws:s3:::team-config/app/flags.json"],
        "dynamodb:GetItem": [DATA_TABLE, LOCK_TABLE_ARN],
        "secretsmanager:GetSecretValue": [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-password-Xy12Zq",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:tfsync/repository-token-a1B2c3",
        ],
    }
    for action in REFRESHED_DATA_READS:
        for arn in readable[action]:
            assert decide(action, arn) == "allow", (action, arn)
        assert decide(action, _elsewhere(action)) == "deny", action
    assert decide("s3:GetObject", "arn:aws:s3:::team-config/other/flags.json") == "deny"
    assert decide("s3:GetObject", "arn:aws:s3:::tfsync-artifacts-123456789012/scripts/other.sh") == "deny"
    assert decide("secretsmanager:GetSecretValue",
                  "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-password-admin-Xy12Zq") == "deny"
    # SecureString values: decrypted through SSM only under a listed key; the state's keys decrypt the state.
    assert decide("kms:Decrypt", DATA_KEY, **{"kms:ViaService": "ssm.us-east-1.amazonaws.com"}) == "allow"
    other_key = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    assert decide("kms:Decrypt", other_key, **{"kms:ViaService": "ssm.us-east-1.amazonaws.com"}) == "deny"
    assert decide("kms:Decrypt", other_key) == "implicit"
    assert decide("kms:Decrypt", STATE_KEY_ARN, **{"kms:ViaService": "s3.us-east-1.amazonaws.com"}) == "allow"
    # Amazon Keyspaces: the system tables its control plane reads, not the rows of a table.
    assert decide("cassandra:Select", "arn:aws:cassandra:us-east-1:123456789012:/keyspace/system_schema/table/tables") \
        == "allow"
    assert decide("cassandra:Select", "arn:aws:cassandra:us-east-1:123456789012:/keyspace/app/table/users") == "deny"


def test_the_adopter_role_without_data_inputs_reads_only_its_own(adopter_minimal: dict[str, Any]) -> None:
    policy = role_policy(adopter_minimal)
    assert attached_policies(adopter_minimal) == set()
    for action in REFRESHED_DATA_READS:
        assert iam.decision(policy, action, _elsewhere(action), allowed_elsewhere=READ_ONLY_ACCESS) == "deny"
    assert iam.decision(policy, "kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/x",
                        {"kms:ViaService": "ssm.eu-west-1.amazonaws.com"}) == "deny"
    token = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tfsync/repository-token-a1B2c3"
    assert iam.decision(policy, "secretsmanager:GetSecretValue", token) == "allow"


def test_the_adopter_role_allows_no_sensitive_read_its_skip_reason_does_not_name(
    adopter_full: dict[str, Any],
) -> None:
    policy = role_policy(adopter_full)
    catalog = json.loads((INFRA / "modules" / "adopter" / "catalog.tf.json").read_text(encoding="utf-8"))["locals"]
    [describe] = [s for s in policy if s.get("Sid") == "DescribeForImport"]
    assert set(_listed(describe["Action"])) == set(catalog["catalog_read_actions"]) and describe["Resource"] == "*"
    reason = _skip_reason("adopter")
    still_allowed = {
        action for action in ADOPTER_SENSITIVE_READS
        if iam.decision(policy, action, _elsewhere(action), allowed_elsewhere=READ_ONLY_ACCESS) == "allow"
    }
    assert [a for a in still_allowed if ADOPTER_SENSITIVE_READS[a] not in reason] == []
    # What a refresh of the team's resources reads, and so what the reason must name: nothing more is allowed.
    assert still_allowed == {
        "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetLayerVersion",
        "lambda:GetLayerVersionByArn",
        "ec2:DescribeInstanceAttribute", "ec2:DescribeLaunchTemplateVersions", "ec2:GetLaunchTemplateData",
        "ecs:DescribeTaskDefinition", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
        "ssm:GetParameterHistory", "cloudformation:GetTemplate", "appconfig:GetHostedConfigurationVersion",
        "cognito-idp:AdminGetUser",
    }
    # terraform refreshes aws_api_gateway_api_key with its value.
    assert API_KEY_VALUES in reason
    assert iam.decision(policy, "apigateway:GET", "arn:aws:apigateway:us-east-1::/apikeys/abc123") == "allow"
    for words in ("SecureString values", "terraform_data_arns", "ReadOnlyAccess"):
        assert words in reason


def test_the_adopter_role_never_denies_a_call_tfsync_makes(adopter_full: dict[str, Any]) -> None:
    recorded = _recorded_actions()
    for statement in role_policy(adopter_full):
        unconditional = "Condition" not in statement
        if statement["Effect"] == "Deny" and unconditional and _listed(statement.get("Resource")) == ["*"]:
            blocked = sorted(a for a in recorded if any(_action_match(p, a) for p in _listed(statement["Action"])))
            assert not blocked, f"{statement['Sid']} denies {blocked}"
