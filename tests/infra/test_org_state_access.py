"""The member role's access to a Terraform state in another account, and the state's side of it.

An adopt job for a resource in a member account runs `terraform init` and `plan` as the role org_member creates
there, against a state backend that usually lives in a central account. examples/organization, with the
terraform_state_* inputs passed through to org_member, is planned against moto with the real AWS provider; the
member role's rendered policy is then read statement by statement and evaluated as IAM evaluates an identity
policy (an explicit deny wins, then an allow, else denied), and the example's state policies are checked to admit
exactly the member role.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.infra.hcl import INFRA, load, module_locals, unquote
from tests.infra.test_organization import MEMBER_ACCOUNT, ORG_VARIABLES, ORGANIZATION_ID, _init_example, _locals
from tests.infra.test_terraform import _plan, infra_copy, terraform

__all__ = ["infra_copy"]  # the fixture, shared with test_terraform

STATE_ACCOUNT = "333333333333"
MEMBER_ROLE_ARN = f"arn:aws:iam::{MEMBER_ACCOUNT}:role/tfsync-member"
BUCKET_ARN = "arn:aws:s3:::team-tfstate"
OBJECT_ARNS = ["arn:aws:s3:::team-tfstate/members/dev.tfstate", "arn:aws:s3:::other-tfstate/env:/*/shared.tfstate"]
LOCK_ARNS = [f"{arn}.tflock" for arn in OBJECT_ARNS]
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{STATE_ACCOUNT}:table/team-tflock"
KEY_ARN = f"arn:aws:kms:us-east-1:{STATE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STATE_ROLE_ARN = f"arn:aws:iam::{STATE_ACCOUNT}:role/team-state"
ADOPTER_ROLE_ARN = "arn:aws:iam::123456789012:role/tfsync-adopt"
STATE_VARIABLES = {
    "adopter_role_arn": ADOPTER_ROLE_ARN,
    "terraform_state_bucket_arns": [BUCKET_ARN],
    "terraform_state_object_arns": OBJECT_ARNS,
    "terraform_lock_table_arns": [TABLE_ARN],
    "terraform_state_kms_key_arns": [KEY_ARN],
    "terraform_state_role_arns": [STATE_ROLE_ARN],
}
# No opt-in deletions, so that every write the role is allowed is the state's.
VARIANTS = {
    "no-state": ORG_VARIABLES | {"allow_delete_types": []},
    "plan": ORG_VARIABLES | STATE_VARIABLES | {"allow_delete_types": []},
    "apply": ORG_VARIABLES | STATE_VARIABLES | {"allow_delete_types": [], "allow_apply": True},
}
# The largest policy the module renders: the state's access, apply, and every type the catalog can delete.
EVERY_DELETE_TYPE = sorted(json.loads((INFRA / "modules" / "org_member" / "catalog.tf.json").read_text(
    encoding="utf-8"))["locals"]["catalog_delete_actions"])
VARIANTS["largest"] = ORG_VARIABLES | STATE_VARIABLES | {"allow_delete_types": EVERY_DELETE_TYPE, "allow_apply": True}
# The data reads the S3 backend makes, each spared on the state's ARNs only.
STATE_READS = {
    "s3:GetObject": {*OBJECT_ARNS, *LOCK_ARNS},
    "dynamodb:GetItem": {TABLE_ARN},
    "kms:Decrypt": {KEY_ARN},
}
ELSEWHERE = {
    "s3:GetObject": [
        "arn:aws:s3:::team-tfstate/members/prod.tfstate",
        "arn:aws:s3:::team-tfstate/members/dev.tfstate.backup",
        "arn:aws:s3:::customer-data/export.csv",
    ],
    "dynamodb:GetItem": [f"arn:aws:dynamodb:us-east-1:{STATE_ACCOUNT}:table/orders"],
    "kms:Decrypt": [f"arn:aws:kms:us-east-1:{STATE_ACCOUNT}:key/ffffffff-12ab-34cd-56ef-1234567890ab"],
}


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory, moto_server: str) -> Callable[[str], dict[str, Any]]:
    """The plan of examples/organization with one of VARIANTS' inputs, made once per module (the example plans
    with -refresh=false: nothing in moto is read or written but the member provider's STS credentials). One copy,
    initialised and validated once: only the inputs differ from plan to plan."""
    plans: dict[str, dict[str, Any]] = {}
    example: list[Path] = []

    def plan(variant: str) -> dict[str, Any]:
        if not example:
            copy = tmp_path_factory.mktemp("organization") / "infra"
            shutil.copytree(INFRA, copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "__pycache__"))
            directory = _init_example(copy, moto_server)
            _, stdout, stderr = terraform(directory, "validate", "-json")
            result = json.loads(stdout or "{}")
            assert result.get("valid") and not result["diagnostics"], json.dumps(result, indent=2) + stderr
            example.append(directory)
        if variant not in plans:
            plans[variant] = _plan(example[0], VARIANTS[variant])
        return plans[variant]

    return plan


def _after(plan: dict[str, Any]) -> dict[str, Any]:
    return {c["address"]: c["change"]["after"] for c in plan["resource_changes"] if c["mode"] == "managed"}


def _member_policy(plan: dict[str, Any]) -> dict[str, Any]:
    return json.loads(_after(plan)["module.member.aws_iam_role_policy.member[0]"]["policy"])


def _by_sid(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in policy["Statement"]}


def _listed(statement: dict[str, Any], key: str) -> list[str]:
    value = statement.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def _matches(pattern: str, value: str, *, ignore_case: bool) -> bool:
    """IAM's wildcard match: * any run of characters, ? any one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    assert "NotAction" not in statement and "Condition" not in statement, statement
    if not any(_matches(a, action, ignore_case=True) for a in _listed(statement, "Action")):
        return False
    if "NotResource" in statement:
        return not any(_matches(r, resource, ignore_case=False) for r in _listed(statement, "NotResource"))
    return any(_matches(r, resource, ignore_case=False) for r in _listed(statement, "Resource"))


def decision(policy: dict[str, Any], action: str, resource: str) -> str:
    """What the identity policy alone says to a request: "deny" (explicit), "allow", or "implicit" (no statement)."""
    effects = {s["Effect"] for s in policy["Statement"] if _applies(s, action, resource)}
    return "deny" if "Deny" in effects else "allow" if "Allow" in effects else "implicit"


def _data_read_actions() -> set[str]:
    """Every data read the member role denies with the default inputs (the module's data_read_actions)."""
    values = module_locals(INFRA / "modules" / "org_member")
    return set(_locals("org_member")["catalog_data_read_actions"]) | {
        *values["unused_data_reads"],
        *values["ungranted_data_reads"],
    }


def test_decision_follows_iam_evaluation() -> None:
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "NotResource": ["arn:aws:s3:::b/state?"]},
        ]
    }
    assert decision(policy, "s3:getobject", "arn:aws:s3:::b/state1") == "allow"
    assert decision(policy, "s3:GetObject", "arn:aws:s3:::b/state12") == "deny"
    assert decision(policy, "s3:GetObject", "arn:aws:s3:::B/state1") == "deny"
    assert decision(policy, "s3:GetBucketPolicy", "arn:aws:s3:::b") == "allow"
    assert decision(policy, "s3:PutObject", "arn:aws:s3:::b/state1") == "implicit"


@pytest.mark.parametrize("variant", ["plan", "apply"])
def test_the_member_role_reads_and_locks_the_state_and_nothing_else(
    planned: Callable[[str], dict[str, Any]], variant: str
) -> None:
    plan = planned(variant)
    policy = _member_policy(plan)
    statements = _by_sid(policy)

    # The grants, statement by statement, on the state's ARNs only.
    def granted(sid: str) -> tuple[set[str], set[str]]:
        assert statements[sid]["Effect"] == "Allow"
        return set(_listed(statements[sid], "Action")), set(_listed(statements[sid], "Resource"))

    assert granted("ListState") == ({"s3:ListBucket"}, {BUCKET_ARN})
    writes = {"s3:PutObject"} if variant == "apply" else set()
    assert granted("ReadState") == ({"s3:GetObject", *writes}, set(OBJECT_ARNS))
    assert granted("LockStateFile") == ({"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, set(LOCK_ARNS))
    table_actions = {"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}
    assert granted("LockStateTable") == (table_actions, {TABLE_ARN})
    key_actions = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"}
    assert granted("StateKeys") == (key_actions, {KEY_ARN})
    assert granted("AssumeStateRoles") == ({"sts:AssumeRole"}, {STATE_ROLE_ARN})

    # The data reads the state needs are denied on every resource but the state's; every other one everywhere.
    everywhere = statements["DenyDataReads"]
    assert (everywhere["Effect"], everywhere["Resource"]) == ("Deny", "*")
    assert set(everywhere["Action"]) == _data_read_actions() - set(STATE_READS)
    spared = [s for s in policy["Statement"] if "NotResource" in s]
    assert {s["Sid"] for s in spared} == {
        "DenyObjectReadsOutsideState",
        "DenyItemReadsOutsideLockTables",
        "DenyDecryptOutsideStateKeys",
    }
    assert {s["Action"]: set(_listed(s, "NotResource")) for s in spared} == STATE_READS
    assert all(s["Effect"] == "Deny" for s in spared)

    # Evaluated: the backend's calls are allowed, ...
    for arn in [*OBJECT_ARNS, *LOCK_ARNS]:
        assert decision(policy, "s3:GetObject", arn) == "allow", arn
    for arn in LOCK_ARNS:
        assert decision(policy, "s3:PutObject", arn) == "allow", arn
        assert decision(policy, "s3:DeleteObject", arn) == "allow", arn
    assert decision(policy, "s3:ListBucket", BUCKET_ARN) == "allow"
    assert all(decision(policy, action, TABLE_ARN) == "allow" for action in table_actions)
    assert all(decision(policy, action, KEY_ARN) == "allow" for action in key_actions)
    assert decision(policy, "sts:AssumeRole", STATE_ROLE_ARN) == "allow"
    # ... the state is written only with allow_apply, and never deleted ...
    for arn in OBJECT_ARNS:
        assert decision(policy, "s3:PutObject", arn) == ("allow" if variant == "apply" else "implicit"), arn
        assert decision(policy, "s3:DeleteObject", arn) == "implicit", arn
    # ... and every data read stays denied everywhere else, and on the state too but for the backend's reads.
    for action, arns in ELSEWHERE.items():
        for arn in arns:
            assert decision(policy, action, arn) == "deny", (action, arn)
    for action in _data_read_actions() - set(STATE_READS):
        for arn in [*OBJECT_ARNS, *LOCK_ARNS, TABLE_ARN, KEY_ARN, "arn:aws:s3:::customer-data/export.csv"]:
            assert decision(policy, action, arn) == "deny", (action, arn)
    assert decision(policy, "s3:PutObject", "arn:aws:s3:::customer-data/export.csv") == "implicit"

    # The adopter's build may assume the member role, as the bot's role may.
    (trust,) = json.loads(_after(plan)["module.member.aws_iam_role.member[0]"]["assume_role_policy"])["Statement"]
    assert set(_listed(trust["Principal"], "AWS")) == {ORG_VARIABLES["bot_role_arn"], ADOPTER_ROLE_ARN}


def test_without_state_inputs_the_member_role_denies_every_data_read_everywhere(
    planned: Callable[[str], dict[str, Any]],
) -> None:
    plan = planned("no-state")
    policy = _member_policy(plan)
    statements = _by_sid(policy)
    assert set(statements) == {"DescribeResources", "DenyDataReads", "DenyApiKeyValues"}
    assert statements["DenyDataReads"]["Resource"] == "*"
    assert set(statements["DenyDataReads"]["Action"]) == _data_read_actions()
    for action, arns in (STATE_READS | {"s3:GetObjectVersion": {OBJECT_ARNS[0]}}).items():
        for arn in arns:
            assert decision(policy, action, arn) == "deny", (action, arn)
    outputs = plan["planned_values"]["outputs"]
    assert outputs["state_bucket_policy_json"]["value"] == {}
    assert outputs["state_lock_table_policy_json"]["value"] == {}
    assert outputs["state_kms_key_policy_json"].get("value") is None


def _admits_the_member_role_only(statement: dict[str, Any]) -> None:
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": MEMBER_ROLE_ARN}
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION_ID}}


@pytest.mark.parametrize("variant", ["plan", "apply"])
def test_the_states_policies_admit_each_member_role_to_what_it_is_granted(
    planned: Callable[[str], dict[str, Any]], variant: str
) -> None:
    outputs = planned(variant)["planned_values"]["outputs"]
    assert outputs["member_role_arns"]["value"] == [MEMBER_ROLE_ARN]
    writes = ["s3:PutObject"] if variant == "apply" else []

    buckets = {name: json.loads(doc) for name, doc in outputs["state_bucket_policy_json"]["value"].items()}
    assert set(buckets) == {"team-tfstate", "other-tfstate"}
    granted: dict[str, dict[str, tuple[set[str], set[str]]]] = {}
    for name, document in buckets.items():
        for statement in document["Statement"]:
            _admits_the_member_role_only(statement)
            resources = set(_listed(statement, "Resource"))
            assert all(r == f"arn:aws:s3:::{name}" or r.startswith(f"arn:aws:s3:::{name}/") for r in resources)
            granted.setdefault(name, {})[statement["Sid"]] = (set(_listed(statement, "Action")), resources)
    assert granted == {
        "team-tfstate": {
            "TfsyncMemberRolesListState": ({"s3:ListBucket"}, {BUCKET_ARN}),
            "TfsyncMemberRolesReadState": ({"s3:GetObject", *writes}, {OBJECT_ARNS[0]}),
            "TfsyncMemberRolesLockStateFile": ({"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, {LOCK_ARNS[0]}),
        },
        "other-tfstate": {
            "TfsyncMemberRolesReadState": ({"s3:GetObject", *writes}, {OBJECT_ARNS[1]}),
            "TfsyncMemberRolesLockStateFile": ({"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, {LOCK_ARNS[1]}),
        },
    }

    tables = outputs["state_lock_table_policy_json"]["value"]
    assert set(tables) == {TABLE_ARN}
    (statement,) = json.loads(tables[TABLE_ARN])["Statement"]
    _admits_the_member_role_only(statement)
    assert statement["Resource"] == TABLE_ARN
    assert set(statement["Action"]) == {
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
    }

    (statement,) = json.loads(outputs["state_kms_key_policy_json"]["value"])["Statement"]
    _admits_the_member_role_only(statement)
    assert statement["Resource"] == "*"  # in a key policy: the key itself
    assert set(statement["Action"]) == {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"}


BAD_STATE_INPUTS = {
    "terraform_state_bucket_arns": (
        ["arn:aws:s3:::team-*"],
        "terraform_state_bucket_arns must be S3 bucket ARNs, arn:<partition>:s3:::<bucket>, "
        "without a key or wildcards.",
    ),
    "terraform_state_object_arns": (
        ["arn:aws:s3:::*/prod/terraform.tfstate"],
        "terraform_state_object_arns must be S3 object ARNs, arn:<partition>:s3:::<bucket>/<key>, with a bucket name "
        "that has no wildcard.",
    ),
    "terraform_lock_table_arns": (
        [f"arn:aws:dynamodb:us-east-1:{STATE_ACCOUNT}:table/*"],
        "terraform_lock_table_arns must be DynamoDB table ARNs, "
        "arn:<partition>:dynamodb:<region>:<account>:table/<name>, without wildcards.",
    ),
    "terraform_state_kms_key_arns": (
        [f"arn:aws:kms:us-east-1:{STATE_ACCOUNT}:alias/tfstate"],
        "terraform_state_kms_key_arns must be KMS key ARNs, arn:<partition>:kms:<region>:<account>:key/<key id> "
        "(not aliases, no wildcards).",
    ),
    "terraform_state_role_arns": (
        [f"arn:aws:iam::{STATE_ACCOUNT}:role/*"],
        "terraform_state_role_arns must be IAM role ARNs, arn:<partition>:iam::<account>:role/<name>, "
        "without wildcards.",
    ),
}


def test_bad_state_arns_are_refused_with_what_is_expected(infra_copy: Path, aws_endpoint: str) -> None:
    directory = _init_example(infra_copy, aws_endpoint)
    variables = ORG_VARIABLES | {name: value for name, (value, _) in BAD_STATE_INPUTS.items()}
    (directory / "test.auto.tfvars.json").write_text(json.dumps(variables), encoding="utf-8")
    retcode, _, stderr = terraform(directory, "plan", "-refresh=false")
    assert retcode == 1
    errors = " ".join(stderr.split())
    for name, (_, message) in BAD_STATE_INPUTS.items():
        assert message in errors, f"{name}: {stderr}"
    assert errors.count("Invalid value for variable") == len(BAD_STATE_INPUTS), stderr


GOOD_AND_BAD_ARNS = {
    "terraform_state_bucket_arns": (
        [BUCKET_ARN, "arn:aws-us-gov:s3:::team.tfstate-1", "arn:aws:s3:::Legacy_Bucket"],
        ["arn:aws:s3:::team-tfstate/key", "team-tfstate", "arn:aws:s3:::*", "arn:aws:s3:::team tfstate"],
    ),
    "terraform_state_object_arns": (
        [*OBJECT_ARNS, "arn:aws-cn:s3:::team-tfstate/a/b.tfstate", "arn:aws:s3:::Legacy_Bucket/x"],
        ["arn:aws:s3:::team-tfstate", "arn:aws:s3:::team-tfstate/", "arn:aws:s3:::team?tfstate/key", "s3://b/k"],
    ),
    "terraform_lock_table_arns": (
        [TABLE_ARN, "arn:aws:dynamodb:eu-west-1:123456789012:table/Lock_Table.1"],
        [
            f"arn:aws:dynamodb:us-east-1:{STATE_ACCOUNT}:table/*",
            f"arn:aws:dynamodb:*:{STATE_ACCOUNT}:table/team-tflock",
            f"arn:aws:dynamodb:us-east-1:{STATE_ACCOUNT}:table/team-tflock/index/by-id",
        ],
    ),
    "terraform_state_kms_key_arns": (
        [KEY_ARN, f"arn:aws:kms:eu-west-1:{STATE_ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab"],
        [f"arn:aws:kms:*:{STATE_ACCOUNT}:key/1234abcd", f"arn:aws:kms:us-east-1:{STATE_ACCOUNT}:key/*", "1234abcd"],
    ),
    "terraform_state_role_arns": (
        [STATE_ROLE_ARN, f"arn:aws:iam::{STATE_ACCOUNT}:role/service-role/team.state@x"],
        [f"arn:aws:iam::{STATE_ACCOUNT}:user/team-state", f"arn:aws:iam::{STATE_ACCOUNT}:role/*", "team-state"],
    ),
}


@pytest.mark.parametrize("name", sorted(GOOD_AND_BAD_ARNS))
def test_each_state_input_admits_its_kind_of_arn_only(name: str) -> None:
    """The pattern of the variable's validation block (RE2, which Python's re reads alike for these), on ARNs the
    plan above does not try."""
    blocks = [unquote(b) for b in load(INFRA / "modules" / "org_member" / "variables.tf")["variable"]]
    (block,) = [b[name] for b in blocks if name in b]
    (validation,) = block["validation"]
    (pattern,) = re.findall(r'can\(regex\("(.+?)", arn\)\)', validation["condition"])
    good, bad = GOOD_AND_BAD_ARNS[name]
    assert all(re.search(pattern, arn) for arn in good), [arn for arn in good if not re.search(pattern, arn)]
    assert not any(re.search(pattern, arn) for arn in bad), [arn for arn in bad if re.search(pattern, arn)]


def test_the_member_roles_largest_policy_fits_an_inline_policys_quota(planned: Callable[[str], dict[str, Any]]) -> None:
    # IAM counts a role's inline policies without whitespace: 10,240 characters at most.
    policy = _member_policy(planned("largest"))
    deletes = set(_by_sid(policy)["DeleteOptedInTypes"]["Action"])
    assert len(deletes) > 80, len(deletes)  # every type's delete actions are in it
    size = len(json.dumps(policy, separators=(",", ":")))
    assert size < 10_240, size
