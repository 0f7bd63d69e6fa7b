"""Organisation-wide detection: the org_bus and org_member modules and examples/organization.

The modules' generated locals agree with the detection module's and the catalog; a member account's forwarding
rules, the organization's bus and its rules carry the catalog's create events to the queue (moto, across two
accounts); and examples/organization plans against moto with the real AWS provider.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.events import CLOUDTRAIL_DETAIL_TYPE
from infra import generate
from tests.infra import hcl
from tests.infra.hcl import INFRA, module_blocks, module_locals
from tests.infra.test_terraform import _moto_override, _plan, _plugin_dir, assert_refused_each, infra_copy, terraform

__all__ = ["infra_copy"]  # the fixture, shared with test_terraform

TFSYNC_ACCOUNT = "123456789012"
MEMBER_ACCOUNT = "210987654321"
ORGANIZATION_ID = "o-abcdef1234"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{TFSYNC_ACCOUNT}:tfsync-events"
DLQ_ARN = f"arn:aws:sqs:us-east-1:{TFSYNC_ACCOUNT}:tfsync-events-dlq"
BOT_ROLE_ARN = f"arn:aws:iam::{TFSYNC_ACCOUNT}:role/tfsync-bot"
BUS_ARN = f"arn:aws:events:us-east-1:{TFSYNC_ACCOUNT}:event-bus/tfsync-organization"
ORG_VARIABLES = {
    "organization_id": ORGANIZATION_ID,
    "queue_arn": QUEUE_ARN,
    "dead_letter_queue_arn": DLQ_ARN,
    "bot_role_arn": BOT_ROLE_ARN,
    "member_account_role_arn": f"arn:aws:iam::{MEMBER_ACCOUNT}:role/OrganizationAccountAccessRole",
    "member_region": "eu-west-1",
    "external_id": "tfsync-external-id",
    "allow_delete_types": ["aws_s3_bucket", "aws_sqs_queue"],
}


def _locals(module: str) -> dict[str, Any]:
    return json.loads((INFRA / "modules" / module / "catalog.tf.json").read_text(encoding="utf-8"))["locals"]


def test_the_tests_and_the_generator_know_the_same_modules() -> None:
    assert hcl.MODULES == generate.MODULES


def test_every_module_with_catalog_rules_has_the_detection_modules_patterns() -> None:
    detection = _locals("detection")
    assert _locals("org_bus")["catalog_event_patterns"] == detection["catalog_event_patterns"]
    assert _locals("org_bus")["catalog_create_events"] == detection["catalog_create_events"]
    assert _locals("org_member")["catalog_event_patterns"] == detection["catalog_event_patterns"]


def test_the_member_role_has_the_bot_roles_generated_actions() -> None:
    member, bot = _locals("org_member"), _locals("bot_runtime")
    for name in ("catalog_read_actions", "catalog_data_read_actions", "catalog_delete_actions"):
        assert member[name] == bot[name], name


def _resolve(values: dict[str, Any], actions: Any) -> list[str]:
    """An IAM document's actions, with the locals (values) they name resolved, as the module's default inputs
    render them."""
    if isinstance(actions, str) and actions.startswith("${local.") and actions.endswith("}"):
        return _resolve(values, values[actions[len("${local.") : -1]])
    if isinstance(actions, str) and actions.startswith("${"):
        named = [_resolve(values, f"${{local.{name}}}") for name in re.findall(r"local\.(\w+)", actions)]
        if "setsubtract(" in actions:
            # setsubtract(local.a, local.b): a without b.
            return [a for a in named[0] if not any(a in other for other in named[1:])]
        # sort(distinct(concat(local.a, local.b, ...))) and the like: every local it names.
        return [a for found in named for a in found]
    if isinstance(actions, dict):
        # org_member's state_data_reads: each read is spared on the Terraform state ARNs of its inputs, which the
        # default inputs leave empty (tests/infra/test_org_state_access.py plans the module with some).
        assert all("var.terraform_" in read["arns"] for read in actions.values()), actions
        return []
    return list(actions) if isinstance(actions, list) else [actions]


def _denied_everywhere(module: str) -> set[str]:
    """The actions the module's IAM policy documents deny on every resource (Resource "*") with its default inputs,
    with the locals and generated locals they name resolved."""
    directory = INFRA / "modules" / module
    values = module_locals(directory) | _locals(module)

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("effect") == "Deny" and node.get("resources") == ["*"]:
                yield from _resolve(values, node["actions"])
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return set(walk(module_blocks(directory, "data", "aws_iam_policy_document")))


def test_the_member_role_denies_every_read_the_bot_role_denies_and_reads_no_data() -> None:
    bot, member = _denied_everywhere("bot_runtime"), _denied_everywhere("org_member")
    assert bot <= member, f"the member role allows what the bot role denies: {sorted(bot - member)}"
    assert set(_locals("bot_runtime")["catalog_data_read_actions"]) <= member
    assert {"s3:GetObject", "secretsmanager:GetSecretValue", "dynamodb:GetItem", "dynamodb:Query"} <= member
    assert {"dynamodb:Scan", "kms:Decrypt", "ssm:GetParameters", "logs:GetLogEvents"} <= member
    # And none of the calls tfsync makes in an account: every describe reader's and delete executor's call.
    recorded = {
        action
        for phases in generate.load_recording().values()
        for calls in phases.values()
        for call in calls
        for action in generate.call_actions(call)
    }
    assert not recorded & member, sorted(recorded & member)


def _init_example(infra_copy: Path, endpoint: str) -> Path:
    """examples/organization initialised against moto, both providers pointed at it."""
    plugin_dir = _plugin_dir()
    directory = infra_copy / "examples" / "organization"
    # The member provider keeps its assume_role: moto's STS hands out the member account's credentials.
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in ("events", "iam", "sts"))
    member = f"""
provider "aws" {{
  alias                       = "member"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true

  endpoints {{
{endpoints}
  }}
}}
"""
    (directory / "moto_override.tf").write_text(_moto_override(endpoint) + member, encoding="utf-8")
    retcode, _, stderr = terraform(directory, "init", f"-plugin-dir={plugin_dir}")
    assert retcode == 0, stderr
    return directory


def test_organization_example_plans_against_moto(infra_copy: Path, aws_endpoint: str) -> None:
    plan = _plan(_init_example(infra_copy, aws_endpoint), ORG_VARIABLES)
    changes = {c["address"]: c for c in plan["resource_changes"] if c["mode"] == "managed"}
    assert all(c["change"]["actions"] == ["create"] for c in changes.values())
    after = {address: c["change"]["after"] for address, c in changes.items()}
    patterns = _locals("detection")["catalog_event_patterns"]

    # The bus admits every account of the organization, and nothing else.
    assert after["module.org_bus.aws_cloudwatch_event_bus.this"]["name"] == "tfsync-organization"
    (statement,) = json.loads(after["module.org_bus.aws_cloudwatch_event_bus_policy.this"]["policy"])["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "events:PutEvents"
    assert statement["Resource"] == BUS_ARN
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION_ID}}

    # Its rules match the catalog's create events, into the queue (and its dead-letter queue).
    for prefix in (
        "module.org_bus.aws_cloudwatch_event_rule.cloudtrail",
        "module.member.aws_cloudwatch_event_rule.forward",
    ):
        rules = {a.split('"')[1]: v for a, v in after.items() if a.startswith(prefix + "[")}
        assert {key: json.loads(rule["event_pattern"]) for key, rule in rules.items()} == patterns, prefix
    for key in patterns:
        target = after[f'module.org_bus.aws_cloudwatch_event_target.cloudtrail["{key}"]']
        assert target["event_bus_name"] == "tfsync-organization"
        assert target["arn"] == QUEUE_ARN and target["dead_letter_config"] == [{"arn": DLQ_ARN}]
        forward = after[f'module.member.aws_cloudwatch_event_target.forward["{key}"]']
        assert forward["event_bus_name"] == "default" and forward["arn"] == BUS_ARN
        assert after[f'module.member.aws_cloudwatch_event_rule.forward["{key}"]']["event_bus_name"] == "default"

    # EventBridge forwards with a role of the member account that may put on the bus only.
    forward_role = after["module.member.aws_iam_role.forward[0]"]
    assert forward_role["name"] == "tfsync-forward-eu-west-1"
    (trust,) = json.loads(forward_role["assume_role_policy"])["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": MEMBER_ACCOUNT}}
    (put,) = json.loads(after["module.member.aws_iam_role_policy.forward[0]"]["policy"])["Statement"]
    assert (put["Action"], put["Resource"]) == ("events:PutEvents", BUS_ARN)

    # The role tfsync assumes: trusted by the bot's role with the external id; reads, opted-in deletes, no data.
    member_role = after["module.member.aws_iam_role.member[0]"]
    assert member_role["name"] == "tfsync-member"
    (trust,) = json.loads(member_role["assume_role_policy"])["Statement"]
    assert trust["Principal"] == {"AWS": BOT_ROLE_ARN}
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": "tfsync-external-id"}}
    statements = {
        s["Sid"]: s for s in json.loads(after["module.member.aws_iam_role_policy.member[0]"]["policy"])["Statement"]
    }
    member_locals = _locals("org_member")
    assert sorted(statements["DescribeResources"]["Action"]) == sorted(member_locals["catalog_read_actions"])
    expected_deletes = {
        a for t in ORG_VARIABLES["allow_delete_types"] for a in member_locals["catalog_delete_actions"][t]
    }
    deletes = statements["DeleteOptedInTypes"]["Action"]
    assert set([deletes] if isinstance(deletes, str) else deletes) == expected_deletes
    denied = statements["DenyDataReads"]
    assert denied["Effect"] == "Deny" and denied["Resource"] == "*"
    assert set(member_locals["catalog_data_read_actions"]) | {"kms:Decrypt", "dynamodb:Query", "dynamodb:Scan"} <= set(
        denied["Action"]
    )
    assert {"s3:GetObject", "secretsmanager:GetSecretValue", "dynamodb:GetItem"} <= set(denied["Action"])
    api_keys = statements["DenyApiKeyValues"]
    assert (api_keys["Effect"], api_keys["Action"]) == ("Deny", "apigateway:GET")
    assert "arn:aws:apigateway:*::/apikeys/*" in api_keys["Resource"]

    outputs = plan["planned_values"]["outputs"]
    assert outputs["bus_arn"]["value"] == BUS_ARN
    assert outputs["member_role_name"]["value"] == "tfsync-member"


# By the module that checks them. Unlike test_terraform.BAD_INPUTS's groups, one plan refuses them all: org_bus's
# check (on the bus) does not stop org_member's (on the member role's policy, which nothing of the bus feeds).
BAD_ORG_INPUTS = {
    "org_bus": {"organization_id": ("123456789012", "organization_id must be an AWS Organizations id")},
    "org_member": {
        "allow_delete_types": (["aws_not_in_the_catalog"], "allow_delete_types names types the catalog cannot delete"),
    },
}


def test_organization_example_refuses_bad_inputs_at_plan(infra_copy: Path, aws_endpoint: str) -> None:
    """Every bad input in one plan; the example calls each module once, so an error's folder names the call."""
    bad = {name: (module, *case) for module, inputs in BAD_ORG_INPUTS.items() for name, case in inputs.items()}
    variables = ORG_VARIABLES | {name: value for name, (_, value, _) in bad.items()}
    directory = _init_example(infra_copy, aws_endpoint)
    (directory / "test.auto.tfvars.json").write_text(json.dumps(variables), encoding="utf-8")
    retcode, _, stderr = terraform(directory, "plan", "-refresh=false")
    cases = {name: (f"../../modules/{module}", message) for name, (module, _, message) in bad.items()}
    assert_refused_each(retcode, stderr, cases)


def test_a_member_accounts_create_events_reach_the_queue_through_the_organizations_bus(aws_client: Any) -> None:
    import boto3

    # tfsync's account: the organization's bus, its rules (org_bus's patterns), the queue.
    events = aws_client("events")
    sqs = aws_client("sqs")
    queue_url = sqs.create_queue(QueueName="tfsync-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus_arn = events.create_event_bus(Name="tfsync-organization")["EventBusArn"]
    for key, pattern in _locals("org_bus")["catalog_event_patterns"].items():
        name = f"tfsync-org-cloudtrail-{key}"
        events.put_rule(Name=name, EventBusName="tfsync-organization", EventPattern=json.dumps(pattern))
        events.put_targets(Rule=name, EventBusName="tfsync-organization", Targets=[{"Id": "q", "Arn": queue_arn}])

    # A member account in another region: forwarding rules (org_member's patterns) on its default bus.
    credentials = aws_client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER_ACCOUNT}:role/OrganizationAccountAccessRole", RoleSessionName="test"
    )["Credentials"]
    member = boto3.client(
        "events",
        region_name="eu-west-1",
        endpoint_url=events.meta.endpoint_url,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    for key, pattern in _locals("org_member")["catalog_event_patterns"].items():
        member.put_rule(Name=f"tfsync-forward-{key}", EventPattern=json.dumps(pattern))
        member.put_targets(Rule=f"tfsync-forward-{key}", Targets=[{"Id": "bus", "Arn": bus_arn}])

    pairs = sorted(
        {(source, name) for source, names in _locals("org_bus")["catalog_create_events"].items() for name in names}
    )
    created = [pairs[0], pairs[-1]]
    not_a_create = (pairs[0][0], "NotACatalogCreateEvent")
    entries = [
        {
            "Source": "aws." + generate.iam_prefix(source),
            "DetailType": CLOUDTRAIL_DETAIL_TYPE,
            "Detail": json.dumps({"eventSource": source, "eventName": name}),
        }
        for source, name in [*created, not_a_create]
    ]
    assert member.put_events(Entries=entries)["FailedEntryCount"] == 0

    got: set[tuple[str, str]] = set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(got) < len(created):
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
            detail = json.loads(message["Body"])["detail"]
            got.add((detail["eventSource"], detail["eventName"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    time.sleep(0.5)
    for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        detail = json.loads(message["Body"])["detail"]
        got.add((detail["eventSource"], detail["eventName"]))
    assert got == set(created)
