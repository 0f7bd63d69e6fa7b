"""The adopter module planned against moto with the real AWS provider, once per variant and test session: the
policy, the project's environment and the attachments the tests read are the ones Terraform renders. Given a KMS
key of its own, the module's role policy is known at plan time (it names its own resources by their ARNs)."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from tests.infra.hcl import INFRA
from tests.infra.test_terraform import MOTO_SERVICES, _plugin_dir, terraform

ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
STATE_BUCKET_ARN = "arn:aws:s3:::team-tfstate"
STATE_OBJECT_ARN = "arn:aws:s3:::team-tfstate/prod/terraform.tfstate"
LOCK_TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/team-tflock"
STATE_KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/99999999-8888-7777-6666-555555555555"
# The data the team's Terraform manages, as a team would list it.
DATA_OBJECTS = "arn:aws:s3:::team-config/app/*"
DATA_SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:app/db-password-??????"
DATA_TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/feature-flags"
DATA_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
PR_API_URL = "https://gitlab.example.com/api/v4"

VARIANTS: dict[str, dict[str, Any]] = {
    # Everything set: the team's data, the state, a monorepo's root folder, GitLab.
    "full": {
        "terraform_state_bucket_arns": [STATE_BUCKET_ARN],
        "terraform_state_object_arns": [STATE_OBJECT_ARN],
        "terraform_lock_table_arns": [LOCK_TABLE_ARN],
        "terraform_state_kms_key_arns": [STATE_KEY_ARN],
        "terraform_data_arns": [DATA_OBJECTS, DATA_SECRET, DATA_TABLE, DATA_KEY],
        "repository_root_dir": "envs/prod",
        "pr_provider": "gitlab",
        "pr_api_url": PR_API_URL,
    },
    # The defaults, but no read policy: the catalog's services only.
    "minimal": {"read_policy_arns": []},
}


def module_root(endpoint: str, variables: dict[str, Any]) -> str:
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in MOTO_SERVICES)
    inputs = "\n".join(f"  {name} = {json.dumps(value)}" for name, value in variables.items())
    return f"""
provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}

module "adopter" {{
  source           = "./adopter"
  repository_url   = "https://gitlab.example.com/platform/infra.git"
  adopt_script     = "#!/usr/bin/env bash\\n"
  terraform_sha256 = "{"a" * 64}"
  kms_key_arn      = "{KEY_ARN}"
{inputs}
}}
"""


_PLANS: dict[str, dict[str, Any]] = {}


def planned_adopter(variant: str, tmp_path_factory: pytest.TempPathFactory, moto_server: str) -> dict[str, Any]:
    """{address: planned values} of the module's resources with VARIANTS[variant]'s inputs."""
    if variant not in _PLANS:
        plugin_dir = _plugin_dir()
        root = tmp_path_factory.mktemp(f"adopter-{variant}")
        shutil.copytree(INFRA / "modules" / "adopter", root / "adopter", ignore=shutil.ignore_patterns(".terraform*"))
        (root / "main.tf").write_text(module_root(moto_server, VARIANTS[variant]), encoding="utf-8")
        retcode, _, stderr = terraform(root, "init", f"-plugin-dir={plugin_dir}")
        assert retcode == 0, stderr
        retcode, _, stderr = terraform(root, "plan", "-refresh=false", "-out=plan.bin")
        assert retcode == 0, stderr
        retcode, stdout, stderr = terraform(root, "show", "-json", "plan.bin")
        assert retcode == 0, stderr
        changes = json.loads(stdout)["resource_changes"]
        _PLANS[variant] = {c["address"].removeprefix("module.adopter."): c["change"]["after"]
                           for c in changes if c["mode"] == "managed"}
    return _PLANS[variant]


def role_policy(after: dict[str, Any]) -> list[dict[str, Any]]:
    policy = after["aws_iam_role_policy.this"]["policy"]
    assert isinstance(policy, str), "the adopter role's policy is not known at plan"
    return list(json.loads(policy)["Statement"])


def project_environment(after: dict[str, Any]) -> dict[str, str | None]:
    """The project's environment variables (None: known only after apply)."""
    [environment] = after["aws_codebuild_project.this"]["environment"]
    return {v["name"]: v.get("value") for v in environment["environment_variable"]}


def attached_policies(after: dict[str, Any]) -> set[str]:
    return {v["policy_arn"] for a, v in after.items() if a.startswith("aws_iam_role_policy_attachment.read[")}
