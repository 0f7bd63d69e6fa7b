"""checkov finds nothing in infra/, and every check it is told to skip says why, next to the resource."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

from tests.infra.hcl import INFRA, tf_files

SCRIPT = INFRA / "scripts" / "checkov.sh"
# bin/dev test installs checkov's virtualenv; this is a no-op then, and makes a bare pytest run work too.
pytestmark = pytest.mark.timeout(900)
SKIP = re.compile(r"#checkov:skip=([A-Z0-9_]+)(?::(.*))?")


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    # The first run makes checkov's own virtualenv (from PyPI); the scan itself is offline and takes seconds.
    subprocess.run(["bash", str(SCRIPT), "--install-only"], check=True, timeout=600)
    scan = subprocess.run(
        ["bash", str(SCRIPT), "--output", "json"], capture_output=True, text=True, timeout=120, check=False
    )
    assert scan.returncode in (0, 1), scan.stderr
    result = json.loads(scan.stdout)
    assert isinstance(result, dict) and result.get("check_type") == "terraform", scan.stdout[:2000]
    return result


def test_checkov_finds_no_failed_check(report: dict[str, Any]) -> None:
    summary = report["summary"]
    failed = [f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in report["results"]["failed_checks"]]
    assert not failed, "\n".join(failed)
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 100, summary
    assert summary["resource_count"] > 40, summary


def test_every_skip_is_written_next_to_its_resource_with_a_reason(report: dict[str, Any]) -> None:
    comments: list[tuple[str, str, str]] = []
    for path in tf_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "checkov:skip" in line:
                match = SKIP.search(line)
                assert match, f"{path}: malformed skip {line.strip()}"
                comments.append((str(path.relative_to(INFRA)), match.group(1), (match.group(2) or "").strip()))
    assert all(len(reason) >= 20 for _, _, reason in comments), [c for c in comments if len(c[2]) < 20]
    skipped = report["results"]["skipped_checks"]
    assert all(c["check_result"].get("suppress_comment") for c in skipped)
    used = {(c["file_path"].lstrip("/"), c["check_id"]) for c in skipped}
    stale = [(path, check) for path, check, _ in comments if (path, check) not in used]
    assert not stale, f"skips that no longer suppress anything: {stale}"
