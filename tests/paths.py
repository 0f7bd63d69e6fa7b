"""Where the tests' data lives: inside the checkout, under tests/data (see tests/data/PROVENANCE.md).

Tests and the benchmarks both read these; nothing reads a folder outside the repository.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
# Real CloudTrail records, one a file, and PROVENANCE.tsv naming each record's public source and expected verdict.
CORPUS = DATA / "corpus" / "cloudtrail"
# Slack's published OpenAPI description of its Web API.
SLACK_SPEC = DATA / "slack" / "slack_web_openapi_v2.json"
