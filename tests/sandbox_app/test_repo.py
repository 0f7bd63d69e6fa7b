"""The sandbox's example Terraform repository: a real git repository whose modules Terraform loads."""

from __future__ import annotations

from pathlib import Path

from bot.terraform import fmt_check, load_config_dir
from sandbox import repo
from sandbox.aws import MANAGED_EXAMPLES, example_state


def test_example_repository_is_valid_terraform_on_main(tmp_path: Path) -> None:
    path = repo.create_example_repository(tmp_path / "infra")
    [commit] = repo.log(path)
    assert commit.branches == ("main",)
    assert set(commit.files) == set(repo.FILES)
    assert fmt_check(path).clean
    root = load_config_dir(path)
    assert set(root["ModuleCalls"]) == {name for name, _folder, _what in repo.MODULES}
    declared = {(r["Type"], r["Name"]) for _name, folder, _what in repo.MODULES
                for r in load_config_dir(path / folder)["ManagedResources"].values()}
    assert {(e.tf_type, e.label) for e in MANAGED_EXAMPLES} <= declared
    # Reusing a repository keeps its history.
    assert repo.create_example_repository(path) == path and len(repo.log(path)) == 1


def test_example_state_manages_what_the_modules_declare(tmp_path: Path) -> None:
    path = repo.create_example_repository(tmp_path / "infra")
    state = example_state()
    assert state["version"] == 4
    for example, resource in zip(MANAGED_EXAMPLES, state["resources"], strict=True):
        code = (path / dict((n, f) for n, f, _ in repo.MODULES)[example.module] / "main.tf").read_text()
        assert f'resource "{example.tf_type}" "{example.label}"' in code
        assert f'"{example.import_id}"' in code
        assert resource["module"] == f"module.{example.module}"


def test_show_file_reads_a_commit(tmp_path: Path) -> None:
    path = repo.create_example_repository(tmp_path / "infra")
    [commit] = repo.log(path)
    assert repo.show_file(path, commit.sha, "main.tf") == repo.ROOT_MAIN
