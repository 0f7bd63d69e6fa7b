"""Every corpus record (tests/data/corpus/cloudtrail) gets the verdict PROVENANCE.tsv expects, and the import IDs."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.catalog
from bot.catalog import CATALOG
from bot.classify import Classifier
from bot.events import parse_body
from tests.conftest import CORPUS, corpus_records

# The note's words for each ignore reason, mapped to tfsync's reason codes.
IGNORE_REASONS = {
    "failed call": "failed-call",
    "made by Terraform": "terraform",
    "made by CloudFormation": "cloudformation",
    "made by an AWS service": "aws-service",
    "read-only call": "read-only",
}
# CREATE records of resource types outside the catalog: reported as unsupported, never dropped.
UNSUPPORTED = {
    "iam__CreateAccessKey__1.json",
    "iam__CreateAccessKey__2.json",
    "iam__CreateAccessKey__3.json",
    "iam__CreateAccessKey__4.json",
}


def expected_ids() -> dict[str, list[tuple[str, str]]]:
    merged: dict[str, list[tuple[str, str]]] = {}
    for module in pkgutil.iter_modules(tests.catalog.__path__):
        ids = getattr(importlib.import_module(f"tests.catalog.{module.name}"), "CORPUS_IDS", {})
        assert not set(ids) & set(merged), f"{module.name} repeats corpus files"
        merged.update(ids)
    return merged


ROWS = corpus_records()


def classify_file(name: str):
    envelope = parse_body((CORPUS / name).read_bytes(), name, 1 << 20)
    assert not envelope.errors, envelope.errors
    [result] = Classifier().classify_envelope(envelope)
    return result


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_corpus_verdict(row):
    note = row["note"]
    result = classify_file(row["file"])
    if note.startswith("expect=CREATE"):
        ids = expected_ids()
        if row["file"] in UNSUPPORTED:
            assert result.verdict == "unsupported", result
            assert result.event_name in result.reason
            return
        assert row["file"] in ids, f"no expected import ID written for {row['file']}"
        outside = [tf_type for tf_type, _ in ids[row["file"]] if tf_type not in CATALOG]
        if outside:
            # A catalog type's create event that made another Terraform type (DocumentDB through the RDS API).
            assert result.verdict == "unsupported", result
            assert all(tf_type in result.reason for tf_type in outside), result
        else:
            assert result.verdict == "detected", result
            assert [(r.tf_type, r.import_id) for r in result.resources] == ids[row["file"]]
    else:
        assert note.startswith("expect=IGNORE")
        wanted = next(code for words, code in IGNORE_REASONS.items() if words in note.split(";")[1])
        assert result.verdict == "ignored", result
        assert result.reason_code == wanted, result


def test_every_expected_id_names_a_corpus_file():
    files = {row["file"] for row in ROWS}
    assert set(expected_ids()) <= files
