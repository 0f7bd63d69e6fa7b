"""The promise behind every ✅: each catalog type, made in moto with non-default settings and adopted through the
product's own code generation (live describe, templates, placement into a child module), imports with no change.

One real `terraform plan` over all of them, with the real hashicorp/aws provider and the S3 backend (and its lock
table) on moto: every expected import, 0 to add, 0 to change, 0 to destroy. A failure names the type and the
attribute. It runs wherever the provider is unpacked, and skips with the reason elsewhere.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.catalog import CATALOG
from bot.codegen import CodeGenerator, GeneratedFile
from bot.terraform import run
from bot.terraform.plugins import find_plugin_dir
from tests.codegen import cases
from tests.codegen.helpers import detect, write_tree
from tests.codegen.test_types import CASES

Aws = Callable[..., Any]
PLUGIN_DIR = find_plugin_dir()
pytestmark = pytest.mark.skipif(
    PLUGIN_DIR is None,
    reason="not verified: the hashicorp/aws provider is not unpacked in any plugin directory here "
    "(TFSYNC_TERRAFORM_PLUGIN_DIR, /opt/tf-plugins, ~/.terraform.d/plugins), and nothing can be downloaded",
)

STATE_BUCKET = "tfsync-plan-state"
LOCK_TABLE = "tfsync-plan-locks"
MODULE = "adopted"
# Every service the provider reads for the catalog's types, pointed at moto (the provider's endpoint names).
PROVIDER_SERVICES = (
    "apigateway", "cloudwatchevents", "cloudwatchlogs", "dynamodb", "ec2", "ecr", "ecs", "efs", "eks", "elasticache",
    "elbv2", "iam", "kinesis", "kms", "lambda", "rds", "route53", "s3", "secretsmanager", "sfn", "sns", "sqs", "ssm",
    "sts", *sorted(cases.PROVIDER_ENDPOINTS),
)
# The types moto makes but the real provider cannot plan against it, each with the reason (tests/codegen/cases/).
PLANNED = tuple(sorted(set(CASES) - set(cases.NOT_PLANNED) - set(cases.UNSERVED)))
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}
PLAN_SECONDS = 900
# While fixing a few types, `TFSYNC_PLAN_TYPES=aws_sqs_queue,aws_kms_key` plans only those; the suite plans all.
ONLY = tuple(t for t in os.environ.get("TFSYNC_PLAN_TYPES", "").split(",") if t)


def root_module(endpoint: str) -> str:
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in PROVIDER_SERVICES)
    return f"""terraform {{
  backend "s3" {{
    bucket                      = "{STATE_BUCKET}"
    key                         = "adopted/terraform.tfstate"
    region                      = "us-east-1"
    dynamodb_table              = "{LOCK_TABLE}"
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true

    endpoints = {{
      s3       = "{endpoint}"
      dynamodb = "{endpoint}"
      sts      = "{endpoint}"
      iam      = "{endpoint}"
    }}
  }}

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
}}

provider "aws" {{
  region                  = "us-east-1"
  skip_metadata_api_check = true
  s3_use_path_style       = true

  endpoints {{
{endpoints}
  }}
}}

module "{MODULE}" {{
  source = "./modules/{MODULE}"
}}
"""


def backend_in_moto(aws: Aws) -> None:
    aws("s3").create_bucket(Bucket=STATE_BUCKET)
    aws("dynamodb").create_table(
        TableName=LOCK_TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
    )


def adopt_all(types: Iterable[str], aws: Aws, tree: Path) -> dict[str, dict[str, str]]:
    """Make each type's resource, generate its code into the child module; {type: {address: import ID}}."""
    generator = CodeGenerator(lambda service, region: aws(service, region))
    expected: dict[str, dict[str, str]] = {}
    for tf_type in types:
        made = CASES[tf_type](aws)
        record, resources = detect(made.record)
        [resource] = [r for r in resources if r.tf_type == tf_type]
        generation = generator.generate(resource, record, modules=(MODULE,), root=tree, describe=True)
        assert generation.described, (tf_type, generation.notes)
        write_tree(generation.files, tree)
        expected[tf_type] = dict(_imports(generation.files))
    return expected


def _imports(files: Iterable[GeneratedFile]) -> Iterable[tuple[str, str]]:
    from bot.runners.job import imports_of

    return imports_of(files)


def plan(tree: Path) -> dict[str, Any]:
    env = dict(CREDENTIALS)
    code, _, err = run(["init", "-input=false", "-no-color", f"-plugin-dir={PLUGIN_DIR}"], chdir=tree, env=env,
                       timeout=PLAN_SECONDS)
    assert code == 0, f"terraform init failed:\n{err}"
    code, out, err = run(["plan", "-input=false", "-no-color", "-lock-timeout=60s", "-out=tfsync.tfplan"],
                         chdir=tree, env=env, timeout=PLAN_SECONDS)
    assert code == 0, f"terraform plan failed:\n{err}\n{out[-4000:]}"
    code, out, err = run(["show", "-json", "tfsync.tfplan"], chdir=tree, env=env, timeout=PLAN_SECONDS)
    assert code == 0, err
    return json.loads(out)


def changed_attributes(change: Mapping[str, Any]) -> list[str]:
    """The top-level attributes a change would set differently, and those that force a replacement."""
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    names = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and not unknown.get(k))
    forcing = {str(path[0]) for path in change.get("replace_paths") or [] if path}
    return [f"{name} ({before.get(name)!r} -> {after.get(name)!r}){' forces replacement' if name in forcing else ''}"
            for name in names]


def argument_only(change: Mapping[str, Any], tf_type: str) -> bool:
    """An in-place update of an imported resource that sets only the catalog's Terraform-only arguments: what the
    adopt gate accepts (the safe values the code sets, which an import cannot record; nothing changes in AWS)."""
    entry = CATALOG.get(tf_type)
    if entry is None or change.get("actions") != ["update"] or not change.get("importing"):
        return False
    before, after = change.get("before") or {}, change.get("after") or {}
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return bool(changed) and changed <= set(entry.argument_only_updates)


def problems(document: Mapping[str, Any], expected: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Everything that keeps the plan from being clean, in words that name the type and the attribute."""
    type_of = {address: tf_type for tf_type, imports in expected.items() for address in imports}
    wanted = {address: import_id for imports in expected.values() for address, import_id in imports.items()}
    found: list[str] = []
    imported: dict[str, str] = {}
    for rc in document.get("resource_changes") or []:
        if rc.get("mode") != "managed":
            continue
        address, change = rc["address"], rc["change"]
        if change.get("importing"):
            imported[address] = change["importing"].get("id")
        actions = [a for a in change.get("actions", []) if a not in ("no-op", "read")]
        if actions and not argument_only(change, rc.get("type", "")):
            owner = type_of.get(address, rc.get("type"))
            found.append(f"{owner}: {address} would {'/'.join(actions)}: " + "; ".join(changed_attributes(change)))
    for address, import_id in wanted.items():
        if imported.get(address) != import_id:
            found.append(f"{type_of[address]}: {address} is not imported as {import_id!r} "
                         f"(the plan imports {imported.get(address)!r})")
    found.extend(f"unexpected import of {a}" for a in sorted(set(imported) - set(wanted)))
    return found


def test_every_catalog_type_plans_clean(aws_client: Aws, aws_endpoint: str, tmp_path: Path) -> None:
    tree = tmp_path / "infrastructure"
    (tree / "modules" / MODULE).mkdir(parents=True)
    (tree / "main.tf").write_text(root_module(aws_endpoint), encoding="utf-8")
    (tree / "modules" / MODULE / "main.tf").write_text("# resources adopted by tfsync\n", encoding="utf-8")
    backend_in_moto(aws_client)

    expected = adopt_all(ONLY or PLANNED, aws_client, tree)
    document = plan(tree)

    assert problems(document, expected) == []
    assert sum(len(imports) for imports in expected.values()) >= len(ONLY or PLANNED)


def test_the_verdict_names_the_type_and_the_attribute() -> None:
    """The checker itself: a change, a replacement and a missing import are each reported by type and attribute."""
    expected = {"aws_sqs_queue": {"module.adopted.aws_sqs_queue.q": "https://q"},
                "aws_kms_key": {"module.adopted.aws_kms_key.k": "k-1"}}
    document = {"resource_changes": [
        {"address": "module.adopted.aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue",
         "change": {"actions": ["update"], "importing": {"id": "https://q"},
                    "before": {"max_message_size": 1048576, "name": "q"},
                    "after": {"max_message_size": 262144, "name": "q"}}},
        {"address": "module.adopted.aws_kms_key.k", "mode": "managed", "type": "aws_kms_key",
         "change": {"actions": ["delete", "create"], "before": {"key_usage": "A"}, "after": {"key_usage": "B"},
                    "replace_paths": [["key_usage"]]}},
    ]}
    found = problems(document, expected)
    assert found == [
        "aws_sqs_queue: module.adopted.aws_sqs_queue.q would update: max_message_size (1048576 -> 262144)",
        "aws_kms_key: module.adopted.aws_kms_key.k would delete/create: key_usage ('A' -> 'B') forces replacement",
        "aws_kms_key: module.adopted.aws_kms_key.k is not imported as 'k-1' (the plan imports None)",
    ]


def test_every_type_the_sandbox_offers_plans_clean_with_the_adopt_forms_defaults(
    aws_client: Aws, aws_env: dict[str, str], tmp_path: Path,
) -> None:
    """The sandbox's own ClickOps, then Adopt with the form's defaults (the suggested name, the root module): the
    tree plans with every import and no change."""
    from bot.classify import Classifier
    from bot.config import Settings
    from bot.events import CloudTrailRecord
    from sandbox.clickops import CREATORS, ClickOps

    clickops = ClickOps(Settings.from_env(aws_env), queue_url="")
    tree = tmp_path / "sandbox-infrastructure"
    tree.mkdir()
    (tree / "main.tf").write_text(root_module(aws_env["AWS_ENDPOINT_URL"]).split(f'module "{MODULE}"')[0],
                                  encoding="utf-8")
    backend_in_moto(aws_client)
    generator = CodeGenerator(lambda service, region: aws_client(service, region))
    expected: dict[str, dict[str, str]] = {}
    for tf_type in ONLY or sorted(set(CREATORS) & set(PLANNED)):
        raw, _ = clickops.make(tf_type, tags={"team": "platform"})
        result = Classifier().classify(CloudTrailRecord(raw, "clickops"))
        [resource] = [r for r in result.resources if r.tf_type == tf_type]
        generation = generator.generate(resource, None, root=tree, describe=True)
        write_tree(generation.files, tree)
        expected[tf_type] = dict(_imports(generation.files))

    assert problems(plan(tree), expected) == []
