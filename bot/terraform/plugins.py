"""Where a machine keeps Terraform providers unpacked for offline use (`terraform init -plugin-dir=DIR`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

AWS_PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"
# The usual places, in order: a machine-wide folder, then Terraform's own per-user plugin folders.
USUAL_PLUGIN_DIRS = (
    Path("/opt/tf-plugins"),
    Path("/usr/share/terraform/plugins"),
    Path.home() / ".terraform.d" / "plugins",
    Path.home() / ".local" / "share" / "terraform" / "plugins",
)


def find_plugin_dir(configured: Path | None = None, usual: Iterable[Path] = USUAL_PLUGIN_DIRS) -> Path | None:
    """The plugin directory holding the hashicorp/aws provider: the configured one if given (None if it lacks
    the provider), else the first usual place that has it."""
    candidates = (configured,) if configured is not None else tuple(usual)
    for folder in candidates:
        if (folder / AWS_PROVIDER).is_dir():
            return folder
    return None
