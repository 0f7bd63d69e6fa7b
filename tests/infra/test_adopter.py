"""The adopter module hands the adopt script what it needs: the root folder, the pull request API, and the build
overrides the bot sends (a route's repository, base branch and root folder among them), and refuses inputs the
script would refuse. Planned against moto with the real AWS provider (tests/infra/adopter_plan.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.runners.codebuild import OVERRIDE_NAMES, ROUTE_OVERRIDES
from tests.infra.adopter_plan import (
    PR_API_URL,
    VARIANTS,
    attached_policies,
    module_root,
    planned_adopter,
    project_environment,
)
from tests.infra.hcl import INFRA
from tests.infra.test_terraform import _plugin_dir, assert_refused_each, terraform

SCRIPT = (INFRA / "adopter" / "adopt.sh").read_text(encoding="utf-8")
BUILDSPEC = (INFRA / "modules" / "adopter" / "buildspec.yml.tftpl").read_text(encoding="utf-8")
ROUTE_NAMES = tuple(name for _, name in ROUTE_OVERRIDES)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory, moto_server: str) -> dict[str, Any]:
    return planned_adopter("full", tmp_path_factory, moto_server)


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory, moto_server: str) -> dict[str, Any]:
    return planned_adopter("minimal", tmp_path_factory, moto_server)


def test_the_project_hands_the_root_folder_and_the_pull_request_api_to_the_script(
    full: dict[str, Any], minimal: dict[str, Any]
) -> None:
    environment = project_environment(full)
    assert environment["TFSYNC_ROOT_DIR"] == "envs/prod"
    assert environment["TFSYNC_PR_PROVIDER"] == "gitlab" and environment["TFSYNC_PR_API_URL"] == PR_API_URL
    assert environment["TFSYNC_REPOSITORY_URL"] == "https://gitlab.example.com/platform/infra.git"
    assert environment["TFSYNC_BASE_BRANCH"] == "main"
    # Unset, the script infers them (and roots at the repository's top folder).
    environment = project_environment(minimal)
    assert environment["TFSYNC_ROOT_DIR"] == "."
    assert "TFSYNC_PR_PROVIDER" not in environment and "TFSYNC_PR_API_URL" not in environment


def test_every_setting_the_project_or_the_bot_gives_is_one_the_script_reads(full: dict[str, Any]) -> None:
    given = {*project_environment(full), *OVERRIDE_NAMES, *ROUTE_NAMES} - {"TFSYNC_ARTIFACT_BUCKET", "TFSYNC_JOB_KEY",
                                                                           "TF_IN_AUTOMATION"}
    unread = sorted(name for name in given if not re.search(r"\$\{?" + name + r"\b", SCRIPT))
    assert unread == []


def test_a_routes_repository_branch_and_root_folder_stay_overridable(full: dict[str, Any]) -> None:
    """A route's values come as build overrides, which replace the project's variables of the same name: each has a
    default in the project, and nothing between CodeBuild and the script (the buildspec) sets it again."""
    environment = project_environment(full)
    for name in ROUTE_NAMES:
        assert name in environment, name
        assert not re.search(rf"\b{name}=", BUILDSPEC), f"the buildspec sets {name}, hiding the override"
    # The buildspec runs the script with CodeBuild's environment as it is, adding only the job's folder.
    [run] = [line for line in BUILDSPEC.splitlines() if "adopt.sh" in line and "bash" in line]
    expected = r'\s*- TFSYNC_JOB_DIR="\$CODEBUILD_SRC_DIR/tfsync/job" bash "\$CODEBUILD_SRC_DIR/tfsync/adopt.sh"'
    assert re.fullmatch(expected, run), run


def test_the_build_reads_the_whole_state_with_read_only_access_by_default(
    full: dict[str, Any], minimal: dict[str, Any]
) -> None:
    assert attached_policies(full) == {"arn:aws:iam::aws:policy/ReadOnlyAccess"}
    assert attached_policies(minimal) == set()
    assert "read_policy_arns" not in VARIANTS["full"]


BAD_INPUTS = {
    "repository_root_dir": ("../elsewhere", "repository_root_dir must be a folder inside the repository"),
    "pr_provider": ("bitbucket", "pr_provider must be github or gitlab"),
    "pr_api_url": ("http://gitlab.example.com/api/v4", "pr_api_url must be an https:// URL without credentials"),
    "terraform_data_arns": (["team-config/*"], "terraform_data_arns and read_policy_arns must be ARNs"),
}


# module_root's call of the module, renamed for each bad input below.
ADOPTER_CALL = 'module "adopter" {\n  source           = "./adopter"\n'


def test_inputs_the_script_would_refuse_are_refused_at_plan(tmp_path: Path, aws_endpoint: str) -> None:
    """One plan of one module call per bad input, named after it, each of its own copy of the module: no call
    depends on another, so none's refusal stops another's check, and an error's file names the call it is of."""
    plugin_dir = _plugin_dir()
    calls = []
    for name, (value, _) in BAD_INPUTS.items():
        shutil.copytree(INFRA / "modules" / "adopter", tmp_path / name, ignore=shutil.ignore_patterns(".terraform*"))
        provider, found, call = module_root(aws_endpoint, {name: value}).partition(ADOPTER_CALL)
        assert found, f"module_root calls the module otherwise than {ADOPTER_CALL!r}"
        calls.append(f'module "{name}" {{\n  source           = "./{name}"\n{call}')
    (tmp_path / "main.tf").write_text(provider + "".join(calls), encoding="utf-8")
    assert terraform(tmp_path, "init", f"-plugin-dir={plugin_dir}")[0] == 0
    retcode, _, stderr = terraform(tmp_path, "plan", "-refresh=false")
    assert_refused_each(retcode, stderr, {name: (name, message) for name, (_, message) in BAD_INPUTS.items()})
