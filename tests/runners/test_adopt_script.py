"""infra/adopter/adopt.sh against a local bare repository, with Terraform replaced by a stand-in that records
its arguments and answers `show -json` with a recorded plan document (no provider can be downloaded here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from bot.runners.job import parse_result_line
from bot.terraform import environment
from bot.terraform.plugins import find_plugin_dir
from tests.conftest import DATA, ROOT

SCRIPT = ROOT / "infra" / "adopter" / "adopt.sh"
PLANS = DATA / "plans"
ADDRESS = "module.storage.aws_s3_bucket.logs"
COMPANION = "module.storage.aws_s3_bucket_versioning.logs"
BUCKET = "acme-logs"
BRANCH = "tfsync/adopt-r-abc123"
TOKEN = "ghp_not-a-real-token-0123456789"
TARGET_ACCOUNT = "999999999999"
TARGET_ROLE = f"arn:aws:iam::{TARGET_ACCOUNT}:role/tfsync-member"
HOSTILE = "$(touch pwned);`touch pwned2`'\"&|<>*?!#{x}\\n"

# Records each call as one JSON line (for apply, also where the remote's main branch is then); for `show -json`
# prints the plan named by TFSYNC_STUB_PLAN; `plan -out=F` writes F, as Terraform does, so the script's later steps
# find the file.
STUB = r"""#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
remote_main = None
if args[:1] == ["apply"]:
    # Where the remote's base branch is when the plan is applied (the clone's origin).
    import subprocess
    heads = subprocess.run(["git", "ls-remote", "origin", "refs/heads/main"], capture_output=True, text=True).stdout
    remote_main = heads.split()[0] if heads.strip() else None
with open(os.environ["TFSYNC_STUB_RECORD"], "a", encoding="utf-8") as fh:
    fh.write(json.dumps({"args": args, "cwd": os.getcwd(), "key": os.environ.get("AWS_ACCESS_KEY_ID"),
                         "token": bool(os.environ.get("AWS_SESSION_TOKEN")), "remote_main": remote_main}) + "\n")
fail = os.environ.get("TFSYNC_STUB_FAIL", "")
if args and args[0] == fail:
    sys.stderr.write(f"Error: {fail} failed on purpose\n")
    sys.exit(1)
if args[:1] == ["plan"]:
    for arg in args:
        if arg.startswith("-out="):
            open(arg[5:], "w").close()
if args[:2] == ["show", "-json"]:
    sys.stdout.write(open(os.environ["TFSYNC_STUB_PLAN"], encoding="utf-8").read())
"""


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare repository (acme/infra.git) whose main branch holds a root module calling modules/storage."""
    seed = tmp_path / "seed"
    (seed / "modules" / "storage").mkdir(parents=True)
    (seed / "main.tf").write_text('module "storage" {\n  source = "./modules/storage"\n}\n')
    (seed / "modules" / "storage" / "main.tf").write_text("# storage\n")
    _git(tmp_path, "init", "--quiet", "-b", "main", str(seed))
    _git(seed, "add", ".")
    _git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed")
    bare = tmp_path / "remote" / "acme" / "infra.git"
    bare.parent.mkdir(parents=True)
    _git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(bare))
    return bare


def _job(tmp_path: Path, *, import_id: str = BUCKET, tag: str = "data", mode: str = "pr") -> Path:
    job = tmp_path / "job"
    files = {
        "modules/storage/aws_s3_bucket.logs.tf": (
            f'resource "aws_s3_bucket" "logs" {{\n  bucket = "{BUCKET}"\n  tags = {{\n'
            f"    team = {json.dumps(tag)}\n  }}\n}}\n"
        ),
        "import.storage.aws_s3_bucket.logs.tf": (
            f"import {{\n  to = {ADDRESS}\n  id = {json.dumps(import_id)}\n}}\n"
            f"import {{\n  to = {COMPANION}\n  id = {json.dumps(import_id)}\n}}\n"
        ),
    }
    for path, content in files.items():
        target = job / "files" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    manifest = {
        "job_id": "r-abc123-v2",
        "resource_id": "r-abc123",
        "tf_type": "aws_s3_bucket",
        "import_id": import_id,
        "address": ADDRESS,
        "target_module": "storage",
        "mode": mode,
        "branch": BRANCH,
        "files": list(files),
        "imports": [{"address": ADDRESS, "id": import_id}, {"address": COMPANION, "id": import_id}],
    }
    (job / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return job


class _PullRequests:
    """A pull request API stand-in on 127.0.0.1, answering the calls the script makes: GitHub's list and create
    (/repos/<owner>/<name>/pulls, under any base path: GitHub Enterprise's /api/v3) and GitLab's
    (/projects/<url-encoded path>/merge_requests, under /api/v4)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.open: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, value: Any, code: int = 200) -> None:
                body = json.dumps(value).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _record(self, method: str, body: Any = None) -> dict[str, Any]:
                request = {"method": method, "path": self.path, "auth": self.headers["Authorization"],
                           "private_token": self.headers["PRIVATE-TOKEN"]}
                if body is not None:
                    request["body"] = body
                owner.requests.append(request)
                return request

            def do_GET(self) -> None:
                self._record("GET")
                if "/merge_requests" in self.path:
                    query = parse_qs(urlsplit(self.path).query)
                    self._reply([mr for mr in owner.open if mr.get("source_branch") == query["source_branch"][0]])
                else:
                    self._reply(owner.open)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self._record("POST", body)
                number = len(owner.open) + 1
                if "/merge_requests" in self.path:
                    mr = {"iid": number, "source_branch": body["source_branch"],
                          "web_url": f"https://gitlab.example/acme/infra/-/merge_requests/{number}"}
                    owner.open.append(mr)
                    self._reply(mr, 201)
                    return
                pr = {"number": number, "html_url": f"https://github.example/acme/infra/pull/{number}"}
                owner.open.append(pr)
                self._reply(pr, 201)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pulls() -> Iterator[_PullRequests]:
    api = _PullRequests()
    yield api
    api.close()


Run = Callable[..., tuple[subprocess.CompletedProcess[str], dict[str, Any] | None, list[list[str]]]]


@pytest.fixture
def run_script(tmp_path: Path, remote: Path, pulls: _PullRequests) -> Run:
    stub_dir = tmp_path / "terraform stand-in"  # a space: the command must stay one word
    stub_dir.mkdir()
    stub = stub_dir / "terraform"
    stub.write_text(STUB)
    stub.chmod(0o755)
    record = tmp_path / "terraform-calls.jsonl"
    counter = {"n": 0}

    def run(job: Path, plan: str = "clean_import", extra: dict[str, str] | None = None,
            mode: str = "pr") -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None, list[list[str]]]:
        counter["n"] += 1
        record.write_text("")
        work = tmp_path / f"work-{counter['n']}"
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "TFSYNC_JOB_DIR": str(job),
            "TFSYNC_REPOSITORY_URL": remote.as_uri(),
            "TFSYNC_BASE_BRANCH": "main",
            "TFSYNC_GIT_TOKEN": TOKEN,
            "TFSYNC_MODE": mode,
            "TFSYNC_RESOURCE_ID": "r-abc123",
            "TFSYNC_ADDRESS": ADDRESS,
            "TFSYNC_TARGET_MODULE": "storage",
            "TFSYNC_TERRAFORM": str(stub),
            "TFSYNC_PR_API_URL": pulls.url,
            "TFSYNC_WORK_DIR": str(work),
            "TFSYNC_STUB_RECORD": str(record),
            "TFSYNC_STUB_PLAN": str(PLANS / f"{plan}.json"),
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        env.update(extra or {})
        done = subprocess.run(["bash", str(SCRIPT)], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=60, check=False)
        calls = [json.loads(line)["args"] for line in record.read_text().splitlines()]
        return done, parse_result_line(done.stdout), calls

    return run


def _branch_files(remote: Path, branch: str) -> dict[str, str]:
    names = _git(remote, "ls-tree", "-r", "--name-only", branch).split()
    return {name: _git(remote, "show", f"{branch}:{name}") for name in names}


def test_a_clean_import_pushes_the_branch_and_opens_a_pull_request(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests
) -> None:
    done, result, calls = run_script(_job(tmp_path))

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("TFSYNC_RESULT ") == 1 and done.stdout.startswith("TFSYNC_RESULT ")
    assert result == {
        "status": "succeeded", "step": "done", "commit": _git(remote, "rev-parse", BRANCH).strip(),
        "pr": "https://github.example/acme/infra/pull/1",
        "plan": {"import": 2, "add": 0, "change": 0, "destroy": 0}, "changes": [], "verified": True, "accepted": "",
        "error": None,
    }
    assert [c[0] for c in calls] == ["init", "plan", "show"]
    assert "-input=false" in calls[0] and "-out=tfsync.tfplan" in calls[1]
    assert calls[2] == ["show", "-json", "tfsync.tfplan"]
    files = _branch_files(remote, BRANCH)
    assert set(files) == {"main.tf", "modules/storage/main.tf", "modules/storage/aws_s3_bucket.logs.tf",
                          "import.storage.aws_s3_bucket.logs.tf"}
    assert _git(remote, "rev-list", "--count", f"main..{BRANCH}").strip() == "1"
    assert _git(remote, "rev-list", "--count", "main").strip() == "1", "pr mode leaves the base branch alone"
    [listing, create] = pulls.requests
    query = parse_qs(urlsplit(listing["path"]).query)
    assert listing["method"] == "GET" and query == {"head": [f"acme:{BRANCH}"], "state": ["open"]}
    assert create["path"] == "/repos/acme/infra/pulls"
    assert create["body"]["head"] == BRANCH and create["body"]["base"] == "main"
    assert "2 to import, 0 to add, 0 to change, 0 to destroy" in create["body"]["body"]
    assert create["auth"] == f"Bearer {TOKEN}"
    assert TOKEN not in done.stdout + done.stderr
    assert TOKEN not in (tmp_path / "work-1" / "repository" / ".git" / "config").read_text()


def test_a_retry_reuses_the_branch_and_the_pull_request(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests
) -> None:
    job = _job(tmp_path)
    first, first_result, _ = run_script(job)
    second, second_result, _ = run_script(job)

    assert first.returncode == second.returncode == 0, second.stderr
    assert first_result and second_result
    assert second_result["commit"] == first_result["commit"]
    assert second_result["pr"] == first_result["pr"]
    assert _git(remote, "rev-list", "--count", f"main..{BRANCH}").strip() == "1"
    assert [r["method"] for r in pulls.requests] == ["GET", "POST", "GET"]


@pytest.mark.parametrize(
    ("plan", "words", "counts"),
    [
        ("import_with_change", "the plan is not clean", {"import": 2, "add": 0, "change": 1, "destroy": 0}),
        ("import_with_add", "the plan is not clean", {"import": 2, "add": 1, "change": 0, "destroy": 0}),
        ("import_with_destroy", "the plan is not clean", {"import": 2, "add": 0, "change": 0, "destroy": 1}),
        ("replace_on_import", "the plan is not clean", {"import": 2, "add": 1, "change": 0, "destroy": 1}),
        ("missing_import", "does not import everything expected", {"import": 1, "add": 1, "change": 0, "destroy": 0}),
    ],
)
def test_the_gate_refuses_a_plan_that_is_not_exactly_the_imports(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests, plan: str, words: str, counts: dict[str, int]
) -> None:
    done, result, calls = run_script(_job(tmp_path), plan=plan)

    assert done.returncode == 1
    assert result is not None and result["status"] == "failed" and result["step"] == "gate"
    assert words in result["error"]
    assert result["plan"] == counts
    assert result["commit"] is None and result["pr"] is None and result["verified"] is False
    if plan == "import_with_change":
        assert result["changes"] == [{"address": ADDRESS, "actions": ["update"], "attributes": ["tags"],
                                      "replace": []}]
    if plan == "replace_on_import":
        assert [(c["address"], c["actions"]) for c in result["changes"]] == [(ADDRESS, ["delete", "create"])]
    assert [c[0] for c in calls] == ["init", "plan", "show"], "nothing is applied after a refused plan"
    assert BRANCH not in _git(remote, "branch", "--list"), "nothing is pushed after a refused plan"
    assert pulls.requests == []


def test_an_unexpected_import_is_refused(tmp_path: Path, run_script: Run) -> None:
    job = _job(tmp_path)
    manifest = json.loads((job / "manifest.json").read_text())
    manifest["imports"] = manifest["imports"][:1]
    (job / "manifest.json").write_text(json.dumps(manifest))

    done, result, _ = run_script(job)

    assert done.returncode == 1 and result is not None
    assert "imports something tfsync did not ask for" in result["error"]


def _steps(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return [json.loads(line.removeprefix("TFSYNC_STEP ")) for line in done.stderr.splitlines()
            if line.startswith("TFSYNC_STEP ")]


def _apply_calls(tmp_path: Path) -> list[dict[str, Any]]:
    lines = (tmp_path / "terraform-calls.jsonl").read_text().splitlines()
    return [call for call in map(json.loads, lines) if call["args"][0] == "apply"]


def test_apply_mode_pushes_to_the_base_branch_then_applies_the_saved_plan(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests
) -> None:
    done, result, calls = run_script(_job(tmp_path, mode="apply"), mode="apply")

    assert done.returncode == 0, done.stderr
    assert result is not None and result["status"] == "succeeded" and result["pr"] is None
    assert [c[0] for c in calls] == ["init", "plan", "show", "apply"]
    assert calls[3][-1] == "tfsync.tfplan", "apply runs exactly the plan the gate passed"
    assert _git(remote, "rev-parse", "main").strip() == result["commit"]
    # The state is never ahead of the base branch: main already held the commit when the plan was applied.
    [apply] = _apply_calls(tmp_path)
    assert apply["remote_main"] == result["commit"]
    assert [s["name"] for s in _steps(done)][-3:] == ["commit", "push", "apply"]
    assert pulls.requests == []


def test_an_apply_that_fails_after_the_push_says_the_base_branch_imports_it_again(
    tmp_path: Path, remote: Path, run_script: Run
) -> None:
    done, result, _ = run_script(_job(tmp_path, mode="apply"), mode="apply", extra={"TFSYNC_STUB_FAIL": "apply"})

    assert done.returncode == 1 and result is not None
    commit = _git(remote, "rev-parse", "main").strip()
    assert result["step"] == "apply" and result["commit"] == commit
    assert result["error"] == (
        f"main has the import (commit {commit[:12]}), but terraform apply failed: Error: apply failed on purpose ; "
        "the next plan of main imports the resource again"
    )
    assert "import.storage.aws_s3_bucket.logs.tf" in _git(remote, "ls-tree", "-r", "--name-only", "main")


def test_a_refused_push_to_the_base_branch_applies_nothing(tmp_path: Path, remote: Path, run_script: Run) -> None:
    before = _git(remote, "rev-parse", "main")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text('#!/bin/sh\nwhile read -r old new ref; do\n  [ "$ref" != refs/heads/main ] || '
                    '{ echo "main is protected" >&2; exit 1; }\ndone\n')
    hook.chmod(0o755)

    done, result, calls = run_script(_job(tmp_path, mode="apply"), mode="apply")

    assert done.returncode == 1 and result is not None
    assert result["step"] == "push"
    assert result["error"] == (
        "pushing to main failed (it moved on, or it is protected); nothing was applied; "
        f"branch {BRANCH} holds the change"
    )
    assert [c[0] for c in calls] == ["init", "plan", "show"], "nothing is applied when main did not take the commit"
    assert _git(remote, "rev-parse", "main") == before
    assert _git(remote, "rev-parse", BRANCH).strip() == result["commit"]


def test_clone_failure_is_a_result_not_a_crash(tmp_path: Path, run_script: Run) -> None:
    done, result, calls = run_script(_job(tmp_path), extra={"TFSYNC_REPOSITORY_URL": (tmp_path / "nowhere").as_uri()})

    assert done.returncode == 1 and result is not None
    assert result["step"] == "clone" and "cloning the repository" in result["error"]
    assert calls == []


def test_a_job_whose_overrides_do_not_match_its_manifest_is_refused(tmp_path: Path, run_script: Run) -> None:
    done, result, calls = run_script(_job(tmp_path), extra={"TFSYNC_ADDRESS": "aws_s3_bucket.other"})

    assert done.returncode == 1 and result is not None
    assert "TFSYNC_ADDRESS does not match" in result["error"]
    assert calls == []


def test_a_manifest_path_outside_the_repository_is_refused(tmp_path: Path, run_script: Run) -> None:
    job = _job(tmp_path)
    manifest = json.loads((job / "manifest.json").read_text())
    manifest["files"].append("../escape.tf")
    (job / "manifest.json").write_text(json.dumps(manifest))

    done, result, _ = run_script(job)

    assert done.returncode == 1 and result is not None
    assert result["error"] == "the manifest names a file outside the repository"


def test_shell_metacharacters_in_ids_and_tags_stay_data(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests
) -> None:
    job = _job(tmp_path, import_id=HOSTILE, tag=HOSTILE)
    plan = json.loads((PLANS / "clean_import.json").read_text())
    for change in plan["resource_changes"]:
        if "importing" in change["change"]:
            change["change"]["importing"]["id"] = HOSTILE
    hostile_plan = tmp_path / "hostile-plan.json"
    hostile_plan.write_text(json.dumps(plan))

    done, result, _ = run_script(
        job, extra={"TFSYNC_IMPORT_ID": HOSTILE, "TFSYNC_STUB_PLAN": str(hostile_plan)}
    )

    assert done.returncode == 0, done.stderr
    assert result is not None and result["status"] == "succeeded"
    assert not list(tmp_path.rglob("pwned*")), "a value was run as a command"
    message = _git(remote, "log", "-1", "--format=%B", BRANCH)
    assert f"Import ID: {HOSTILE}" in message
    files = _branch_files(remote, BRANCH)
    assert json.dumps(HOSTILE) in files["modules/storage/aws_s3_bucket.logs.tf"]
    assert HOSTILE in pulls.requests[-1]["body"]["body"]


def test_the_token_is_read_from_secrets_manager(
    tmp_path: Path, run_script: Run, aws_client: Callable[..., Any], aws_endpoint: str
) -> None:
    aws_client("secretsmanager").create_secret(Name="tfsync/repository-token", SecretString=TOKEN)
    env = {
        "TFSYNC_GIT_TOKEN": "",
        "TFSYNC_GIT_TOKEN_SECRET": "tfsync/repository-token",
        "AWS_ENDPOINT_URL": aws_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done, result, _ = run_script(_job(tmp_path), extra=env)
    assert done.returncode == 0, done.stderr
    assert result is not None and result["status"] == "succeeded"
    assert TOKEN not in done.stdout + done.stderr

    missing, missing_result, calls = run_script(_job(tmp_path), extra={**env, "TFSYNC_GIT_TOKEN_SECRET": "absent"})
    assert missing.returncode == 1 and missing_result is not None
    assert missing_result["step"] == "token" and "Secrets Manager" in missing_result["error"]
    assert calls == []


def test_the_script_is_shellcheck_clean() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (Debian: apt-get install shellcheck); bin/dev test installs it")
    done = subprocess.run([shellcheck, "--severity=style", str(SCRIPT)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


def test_without_a_provider_the_code_is_committed_and_the_result_says_not_verified(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests
) -> None:
    done, result, calls = run_script(_job(tmp_path), extra={"TFSYNC_PLAN": "off", "TFSYNC_PR_API_URL": "none",
                                                            "TFSYNC_GIT_TOKEN": ""})

    assert done.returncode == 0, done.stderr
    assert result is not None and result["status"] == "succeeded" and result["verified"] is False
    assert result["plan"] == {"import": 0, "add": 0, "change": 0, "destroy": 0}
    assert calls == [], "no Terraform runs when there is no provider to plan with"
    assert _git(remote, "rev-parse", BRANCH).strip() == result["commit"]
    assert "Plan: not run" in _git(remote, "log", "-1", "--format=%B", BRANCH)
    assert pulls.requests == [], "TFSYNC_PR_API_URL=none: the pushed branch is the result"


def _hosted_as(tmp_path: Path, remote: Path, url: str, path: str = "acme/infra.git") -> dict[str, str]:
    """Environment under which git reaches `remote` (copied to `path`) as the clone URL `url` + `path`: git's
    url.<base>.insteadOf, so the script sees a hosted repository's URL and the clone stays on this machine."""
    hosted = tmp_path / "hosted"
    if not (hosted / path).exists():
        (hosted / path).parent.mkdir(parents=True, exist_ok=True)
        _git(tmp_path, "clone", "--quiet", "--bare", str(remote), str(hosted / path))
    return {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{hosted.as_uri()}/.insteadOf",
            "GIT_CONFIG_VALUE_0": url, "TFSYNC_REPOSITORY_URL": f"{url}{path}"}


def _recording_curl(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A PATH whose curl records its command line, then runs the real curl."""
    folder = tmp_path / "recording-curl"
    folder.mkdir(exist_ok=True)
    record = tmp_path / "curl-argv.txt"
    real = shutil.which("curl")
    assert real
    (folder / "curl").write_text(f'#!/bin/sh\nprintf \'%s\\n\' "$*" >>"{record}"\nexec "{real}" "$@"\n')
    (folder / "curl").chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}, record


@pytest.mark.parametrize("path", ["acme/infra.git", "platform/networking/live.git"], ids=["project", "subgroup"])
def test_gitlab_merge_requests_are_opened_and_reused(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests, path: str
) -> None:
    env = _hosted_as(tmp_path, remote, "https://gitlab.example.com/", path)
    curl_env, argv = _recording_curl(tmp_path)
    env |= curl_env | {"TFSYNC_PR_API_URL": f"{pulls.url}/api/v4"}
    job = _job(tmp_path)

    first, first_result, _ = run_script(job, extra=env)
    second, second_result, _ = run_script(job, extra=env)

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first_result and second_result
    assert first_result["pr"] == "https://gitlab.example/acme/infra/-/merge_requests/1"
    assert second_result["pr"] == first_result["pr"], "a retry reuses the open merge request"
    project = path.removesuffix(".git").replace("/", "%2F")
    assert [(r["method"], urlsplit(r["path"]).path) for r in pulls.requests] == [
        ("GET", f"/api/v4/projects/{project}/merge_requests"),
        ("POST", f"/api/v4/projects/{project}/merge_requests"),
        ("GET", f"/api/v4/projects/{project}/merge_requests"),
    ]
    listing, create, _ = pulls.requests
    assert parse_qs(urlsplit(listing["path"]).query) == {
        "source_branch": [BRANCH], "target_branch": ["main"], "state": ["opened"]}
    assert create["body"]["source_branch"] == BRANCH and create["body"]["target_branch"] == "main"
    assert create["body"]["title"] == f"tfsync: adopt {ADDRESS}"
    assert "2 to import, 0 to add, 0 to change, 0 to destroy" in create["body"]["description"]
    assert all(r["private_token"] == TOKEN and r["auth"] is None for r in pulls.requests)
    assert TOKEN not in first.stdout + first.stderr + second.stdout + second.stderr
    assert TOKEN not in argv.read_text(), "the token never reaches a command line"
    assert not list(tmp_path.glob("work-*/request-headers")), "the header file with the token is removed"


def test_github_enterprise_pull_requests_go_to_its_api(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests
) -> None:
    env = _hosted_as(tmp_path, remote, "https://ghe.example.com/")
    curl_env, argv = _recording_curl(tmp_path)
    done, result, _ = run_script(_job(tmp_path), extra=env | curl_env | {"TFSYNC_PR_API_URL": f"{pulls.url}/api/v3/"})

    assert done.returncode == 0, done.stderr
    assert result is not None and result["pr"] == "https://github.example/acme/infra/pull/1"
    [listing, create] = pulls.requests
    assert urlsplit(listing["path"]).path == create["path"] == "/api/v3/repos/acme/infra/pulls"
    assert parse_qs(urlsplit(listing["path"]).query) == {"head": [f"acme:{BRANCH}"], "state": ["open"]}
    assert create["auth"] == f"Bearer {TOKEN}" and create["private_token"] is None
    assert TOKEN not in argv.read_text() and TOKEN not in done.stdout + done.stderr


@pytest.mark.parametrize(("provider", "api_path"), [
    ("", "/api/v3/repos/acme/infra/pulls"),
    ("gitlab", "/api/v4/projects/acme%2Finfra/merge_requests"),
])
def test_without_an_api_url_the_repository_host_serves_the_api(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests, provider: str, api_path: str
) -> None:
    """A repository on a host other than github.com: GitHub Enterprise Server's API at /api/v3 of that host, or
    GitLab's at /api/v4 (the stand-in is that host here, on loopback)."""
    env = _hosted_as(tmp_path, remote, f"{pulls.url}/") | {"TFSYNC_PR_PROVIDER": provider, "TFSYNC_PR_API_URL": ""}
    done, result, _ = run_script(_job(tmp_path), extra=env)

    assert done.returncode == 0, done.stderr
    assert result is not None and result["pr"]
    assert {urlsplit(r["path"]).path for r in pulls.requests} == {api_path}


@pytest.mark.parametrize(("setting", "error"), [
    ({"TFSYNC_PR_PROVIDER": "bitbucket"}, "TFSYNC_PR_PROVIDER must be github or gitlab"),
    ({"TFSYNC_PR_API_URL": "http://api.example.com/api/v3"},
     "TFSYNC_PR_API_URL must be an https:// URL (the token is sent to it); http:// only on loopback"),
    ({"TFSYNC_PR_API_URL": "ftp://api.example.com"},
     "TFSYNC_PR_API_URL must be an https:// URL (the token is sent to it); http:// only on loopback"),
])
def test_a_pull_request_setting_that_cannot_work_stops_the_job_first(
    tmp_path: Path, run_script: Run, pulls: _PullRequests, setting: dict[str, str], error: str
) -> None:
    done, result, calls = run_script(_job(tmp_path), extra=setting)

    assert done.returncode == 1 and result is not None
    assert result["step"] == "setup" and result["error"] == error
    assert calls == [] and pulls.requests == []


def test_apply_mode_refuses_to_run_without_a_plan(tmp_path: Path, run_script: Run) -> None:
    done, result, calls = run_script(_job(tmp_path, mode="apply"), mode="apply", extra={"TFSYNC_PLAN": "off"})

    assert done.returncode == 1 and result is not None and "apply mode needs a plan" in result["error"]
    assert calls == []


def test_a_remote_repository_still_needs_a_token(tmp_path: Path, run_script: Run) -> None:
    done, result, _ = run_script(_job(tmp_path), extra={"TFSYNC_GIT_TOKEN": "",
                                                        "TFSYNC_REPOSITORY_URL": "https://git.example/acme/infra.git"})

    assert done.returncode == 1 and result is not None and "no repository token" in result["error"]


def test_the_root_folder_and_the_plugin_directory_are_honoured(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests
) -> None:
    # A monorepo: the root module lives in envs/prod.
    seed = tmp_path / "mono"
    (seed / "envs" / "prod" / "modules" / "storage").mkdir(parents=True)
    (seed / "envs" / "prod" / "main.tf").write_text('module "storage" {\n  source = "./modules/storage"\n}\n')
    (seed / "envs" / "prod" / "modules" / "storage" / "main.tf").write_text("# storage\n")
    _git(tmp_path, "init", "--quiet", "-b", "main", str(seed))
    _git(seed, "add", ".")
    _git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed")
    plugins = tmp_path / "plugins"

    done, result, calls = run_script(_job(tmp_path), extra={
        "TFSYNC_REPOSITORY_URL": str(seed), "TFSYNC_GIT_TOKEN": "", "TFSYNC_ROOT_DIR": "envs/prod",
        "TFSYNC_PLUGIN_DIR": str(plugins), "TFSYNC_PR_API_URL": "none"})

    assert done.returncode == 0, done.stderr
    assert result is not None and result["verified"] is True
    assert calls[0] == ["init", "-input=false", "-no-color", f"-plugin-dir={plugins}"]
    files = _branch_files(seed, BRANCH)
    assert "envs/prod/modules/storage/aws_s3_bucket.logs.tf" in files
    assert "envs/prod/import.storage.aws_s3_bucket.logs.tf" in files
    steps = [json.loads(line.removeprefix("TFSYNC_STEP ")) for line in done.stderr.splitlines()
             if line.startswith("TFSYNC_STEP ")]
    assert [s["name"] for s in steps] == ["token", "clone", "branch", "files", "init", "plan", "gate", "commit",
                                          "push"]
    assert all(s["status"] == "succeeded" and isinstance(s["seconds"], int) for s in steps)


@pytest.mark.parametrize("root", ["../outside", "/etc", "envs/../../x"])
def test_a_root_folder_outside_the_repository_is_refused(tmp_path: Path, run_script: Run, root: str) -> None:
    done, result, calls = run_script(_job(tmp_path), extra={"TFSYNC_ROOT_DIR": root})

    assert done.returncode == 1 and result is not None
    assert "TFSYNC_ROOT_DIR must be a folder inside the repository" in result["error"]
    assert calls == []


@pytest.mark.skipif(find_plugin_dir() is None, reason="not verified: no hashicorp/aws provider in a plugin directory")
@pytest.mark.parametrize("target_account", ["", "123456789012", TARGET_ACCOUNT],
                         ids=["no-account-named", "the-resources-account", "another-account"])
def test_codebuild_flavour_with_the_real_terraform_against_moto(
    tmp_path: Path, remote: Path, run_script: Run, pulls: _PullRequests, aws_client: Callable[..., Any],
    aws_endpoint: str, target_account: str,
) -> None:
    """As the build runs it (a token, a remote URL, the pull request API), with the real Terraform and provider:
    the code generation's own files for a topic made in moto plan clean, and a pull request is opened. Told that
    the resource is in another account than the one its provider reaches (a route whose root module's provider
    lands elsewhere), the gate refuses the plan: a namesake in the wrong account is never adopted."""
    from bot.codegen import CodeGenerator
    from bot.runners.job import imports_of
    from tests.codegen.helpers import detect
    from tests.codegen.test_types import CASES

    made = CASES["aws_sns_topic"](aws_client)
    record, [resource] = detect(made.record)
    with tempfile.TemporaryDirectory() as layout:
        root = Path(layout)
        (root / "main.tf").write_text('module "storage" {\n  source = "./modules/storage"\n}\n')
        generation = CodeGenerator(lambda s, r: aws_client(s, r)).generate(
            resource, record, name="alerts", modules=("storage",), root=root, describe=True)
    job = tmp_path / "real-job"
    for generated in generation.files:
        (job / "files" / generated.path).parent.mkdir(parents=True, exist_ok=True)
        (job / "files" / generated.path).write_text(generated.content)
    imports = imports_of(generation.files)
    (job / "manifest.json").write_text(json.dumps({
        "job_id": "r-topic-v2", "resource_id": "r-topic", "tf_type": "aws_sns_topic", "import_id": made.import_id,
        "address": imports[0][0], "target_module": "storage", "mode": "pr", "branch": "tfsync/adopt-r-topic",
        "files": [f.path for f in generation.files], "imports": [{"address": a, "id": i} for a, i in imports],
    }))
    terraform = tmp_path / "bin" / "terraform"
    terraform.parent.mkdir()
    terraform.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bot.terraform "$@"\n')
    terraform.chmod(0o755)
    env = {**environment(), "AWS_ENDPOINT_URL": aws_endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "TFSYNC_TERRAFORM": str(terraform),
           "TFSYNC_PLUGIN_DIR": str(find_plugin_dir()), "TFSYNC_ADDRESS": imports[0][0],
           "TFSYNC_RESOURCE_ID": "r-topic", "TFSYNC_TARGET_ACCOUNT_ID": target_account}

    done, result, _ = run_script(job, extra={k: v for k, v in env.items() if k != "PATH"})

    if target_account == TARGET_ACCOUNT:
        assert done.returncode == 1 and result is not None and result["step"] == "gate"
        assert result["error"] == ("the plan imports a resource in account 123456789012, not in 999999999999; "
                                   "check the provider configuration of .")
        assert result["verified"] is False and result["pr"] is None and pulls.requests == []
        assert "tfsync/adopt-r-topic" not in _git(remote, "branch", "--list")
        return
    assert done.returncode == 0, done.stderr[-3000:]
    assert result is not None and result["verified"] is True and result["changes"] == []
    assert result["plan"] == {"import": 1, "add": 0, "change": 0, "destroy": 0}
    assert result["pr"] == "https://github.example/acme/infra/pull/1"
    assert "alerts" in _git(remote, "ls-tree", "-r", "--name-only", "tfsync/adopt-r-topic")


@pytest.mark.parametrize(("allowed", "clean"), [(["tags"], True), (["skip_final_snapshot"], False)])
def test_the_gate_accepts_an_update_of_exactly_the_listed_terraform_only_arguments(
    tmp_path: Path, run_script: Run, pulls: _PullRequests, allowed: list[str], clean: bool
) -> None:
    job = _job(tmp_path)
    manifest = json.loads((job / "manifest.json").read_text())
    manifest["argument_only"] = {ADDRESS: allowed}
    (job / "manifest.json").write_text(json.dumps(manifest))

    done, result, _ = run_script(job, plan="import_with_change")

    assert result is not None
    if clean:
        assert done.returncode == 0 and result["verified"] is True, done.stderr
        assert result["plan"] == {"import": 2, "add": 0, "change": 0, "destroy": 0}
        assert result["accepted"] == f"{ADDRESS} (tags)" and result["changes"] == []
        assert "Terraform-only settings only, nothing in AWS" in pulls.requests[-1]["body"]["body"]
    else:
        assert done.returncode == 1 and "the plan is not clean" in result["error"]
        assert result["accepted"] == "" and [c["attributes"] for c in result["changes"]] == [["tags"]]


def _commit_link(tmp_path: Path, remote: Path, link: str, target: Path | str) -> None:
    """Commit to the remote's main branch a symbolic link at `link` to `target`, in place of what was there."""
    work = tmp_path / "linking"
    _git(tmp_path, "clone", "--quiet", str(remote), str(work))
    path = work / link
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.is_symlink() or path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    _git(work, "add", "-A")
    _git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "link")
    _git(work, "push", "--quiet", "origin", "main")


def _last_step(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    [*_, last] = [json.loads(line.removeprefix("TFSYNC_STEP ")) for line in done.stderr.splitlines()
                  if line.startswith("TFSYNC_STEP ")]
    return dict(last)


@pytest.mark.parametrize(
    ("link", "exists"),
    [("modules/storage", True), ("modules/storage", False), ("modules", True)],
    ids=["module-folder", "module-folder-dangling", "parent-folder"],
)
def test_a_folder_linked_outside_the_clone_is_refused_and_nothing_is_written_there(
    tmp_path: Path, remote: Path, run_script: Run, link: str, exists: bool
) -> None:
    elsewhere = tmp_path / "elsewhere"
    if exists:
        elsewhere.mkdir()
    _commit_link(tmp_path, remote, link, elsewhere)

    done, result, calls = run_script(_job(tmp_path))

    assert done.returncode == 1 and result is not None
    written = "modules/storage/aws_s3_bucket.logs.tf"
    outside = elsewhere / Path(written).relative_to(link)
    assert result["step"] == "files"
    assert result["error"] == (
        f"the repository's {written} leads outside the repository (to {outside}) through a symbolic link"
    )
    assert (_last_step(done)["name"], _last_step(done)["status"]) == ("files", "failed")
    assert list(elsewhere.iterdir()) == [] if exists else not elsewhere.exists()
    assert calls == [] and _git(remote, "branch", "--list", BRANCH) == ""


@pytest.mark.parametrize("inside", [False, True], ids=["to-outside", "to-inside"])
def test_a_target_file_that_is_a_link_is_refused(tmp_path: Path, remote: Path, run_script: Run, inside: bool) -> None:
    elsewhere = tmp_path / "elsewhere.tf"
    elsewhere.write_text("# not tfsync's\n")
    written = "modules/storage/aws_s3_bucket.logs.tf"
    _commit_link(tmp_path, remote, written, "main.tf" if inside else elsewhere)

    done, result, calls = run_script(_job(tmp_path))

    assert done.returncode == 1 and result is not None
    assert result["step"] == "files"
    assert result["error"] == f"the repository's {written} is a symbolic link; tfsync does not write through one"
    assert (_last_step(done)["name"], _last_step(done)["status"]) == ("files", "failed")
    assert elsewhere.read_text() == "# not tfsync's\n"
    assert calls == [] and _git(remote, "branch", "--list", BRANCH) == ""


def test_a_folder_linked_into_git_is_refused(tmp_path: Path, remote: Path, run_script: Run) -> None:
    _commit_link(tmp_path, remote, "modules/storage", "../.git/hooks")

    done, result, calls = run_script(_job(tmp_path))

    assert done.returncode == 1 and result is not None
    assert result["error"] == (
        "the repository's modules/storage/aws_s3_bucket.logs.tf leads into .git through a symbolic link"
    )
    assert not [p for p in (tmp_path / "work-1" / "repository" / ".git" / "hooks").iterdir() if p.suffix == ".tf"]
    assert calls == []




def _aws_env(aws_endpoint: str) -> dict[str, str]:
    return {"AWS_ENDPOINT_URL": aws_endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1"}


def test_terraform_acts_through_the_target_role_in_the_resources_account(
    tmp_path: Path, run_script: Run, aws_endpoint: str
) -> None:
    job = _job(tmp_path)
    external_id = "ext-adopt-3c9e1f-never-log"
    (job / "target.json").write_text(json.dumps({"account_id": TARGET_ACCOUNT, "role_arn": TARGET_ROLE,
                                                 "external_id": external_id}), encoding="utf-8")
    env = {**_aws_env(aws_endpoint), "TFSYNC_TARGET_ROLE_ARN": TARGET_ROLE, "TFSYNC_TARGET_ACCOUNT_ID": TARGET_ACCOUNT}

    done, result, calls = run_script(job, extra=env)

    assert done.returncode == 0, done.stderr
    assert result is not None and result["status"] == "succeeded"
    assert [c[0] for c in calls][:2] == ["init", "plan"]
    keys = {json.loads(line)["key"] for line in (tmp_path / "terraform-calls.jsonl").read_text().splitlines()}
    tokens = {json.loads(line)["token"] for line in (tmp_path / "terraform-calls.jsonl").read_text().splitlines()}
    [key] = keys
    assert key != "testing" and tokens == {True}, "every Terraform command ran with the assumed role's keys"
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=aws_endpoint, aws_access_key_id=key,
                       aws_secret_access_key="unused", aws_session_token="unused")
    assert sts.get_caller_identity()["Account"] == TARGET_ACCOUNT
    assert external_id not in done.stdout + done.stderr
    assert f"acting in account {TARGET_ACCOUNT} through {TARGET_ROLE}" in done.stderr


def test_a_role_that_lands_in_another_account_stops_the_job_before_terraform(
    tmp_path: Path, run_script: Run, aws_endpoint: str
) -> None:
    env = {**_aws_env(aws_endpoint), "TFSYNC_TARGET_ROLE_ARN": TARGET_ROLE, "TFSYNC_TARGET_ACCOUNT_ID": "111122223333"}

    done, result, calls = run_script(_job(tmp_path), extra=env)

    assert done.returncode == 1 and result is not None
    assert result["step"] == "account"
    assert result["error"] == f"the assumed role {TARGET_ROLE} acts in account {TARGET_ACCOUNT}, not 111122223333"
    assert calls == []


def test_a_target_file_for_another_role_stops_the_job(tmp_path: Path, run_script: Run, aws_endpoint: str) -> None:
    job = _job(tmp_path)
    (job / "target.json").write_text(json.dumps({"role_arn": "arn:aws:iam::111122223333:role/x"}), encoding="utf-8")
    env = {**_aws_env(aws_endpoint), "TFSYNC_TARGET_ROLE_ARN": TARGET_ROLE}

    done, result, calls = run_script(job, extra=env)

    assert done.returncode == 1 and result is not None and result["step"] == "account"
    assert result["error"] == "TFSYNC_TARGET_ROLE_ARN does not match the job's target.json"
    assert calls == []


@pytest.mark.parametrize("account", ["12345", "1234567890123", "12345678901a", "$(id)"])
def test_a_target_account_that_is_not_an_account_id_stops_the_job(tmp_path: Path, run_script: Run,
                                                                   account: str) -> None:
    done, result, calls = run_script(_job(tmp_path), extra={"TFSYNC_TARGET_ACCOUNT_ID": account})

    assert done.returncode == 1 and result is not None and result["step"] == "setup"
    assert result["error"] == "TFSYNC_TARGET_ACCOUNT_ID must be a 12-digit account id"
    assert calls == []
