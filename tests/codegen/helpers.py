"""Shared checks for generated Terraform: Terraform loads it and `terraform fmt` leaves it alone."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

from bot.classify import Classifier, Resource
from bot.codegen import GeneratedFile, Generation
from bot.events import CloudTrailRecord
from bot.terraform import fmt_check, load_config_dir

ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Made:
    """What a case created: its creation record, the import ID, and arguments the code must hold."""

    record: dict[str, Any]
    import_id: str
    expect: dict[str, Any]
    companions: dict[tuple[str, str], str] | None = None  # (type, label suffix) -> import ID


def cloudtrail(source: str, name: str, request: dict[str, Any], response: dict[str, Any] | None,
               region: str = "us-east-1") -> dict[str, Any]:
    """A console-made CloudTrail record in the shape AWS delivers (what a person's click produces)."""
    return {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEPRINCIPAL",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
            "accountId": ACCOUNT,
            "userName": "alice",
        },
        "eventTime": "2026-11-29T12:00:00Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
        "requestParameters": request,
        "responseElements": response,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
    }


def detect(raw: dict[str, Any]) -> tuple[CloudTrailRecord, list[Resource]]:
    record = CloudTrailRecord(raw, "test")
    result = Classifier().classify(record)
    assert result.verdict == "detected", result.reason
    return record, list(result.resources)


def write_tree(files: tuple[GeneratedFile, ...] | list[GeneratedFile], root: Path) -> None:
    for generated in files:
        path = root / generated.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generated.content, encoding="utf-8")


def assert_terraform_accepts(root: Path) -> None:
    """Every folder under root loads in Terraform's parser, and fmt -check finds nothing to change."""
    for folder in sorted({p.parent for p in root.rglob("*.tf")}):
        load_config_dir(folder)
    result = fmt_check(root)
    assert result.clean, (result.unformatted, result.errors, [p.read_text() for p in root.rglob("*.tf")])


def plain(value: Any) -> Any:
    """python-hcl2 keeps quotes and escapes; decode the strings for comparisons (simple values only)."""
    if isinstance(value, str) and len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return json.loads(value).replace("$${", "${").replace("%%{", "%{")
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items() if k != "__is_block__"}
    return value


def parse(generation: Generation) -> dict[str, Any]:
    """{"resources": {(type, label): args}, "imports": {to: id}} over every file of a generation."""
    resources: dict[tuple[str, str], Any] = {}
    imports: dict[str, str] = {}
    for generated in generation.files:
        doc = hcl2.loads(generated.content)
        for block in doc.get("resource", []):
            for tf_type, named in block.items():
                for label, args in named.items():
                    resources[(plain(tf_type), plain(label))] = plain(args)
        for block in doc.get("import", []):
            imports[block["to"].removeprefix("${").removesuffix("}")] = plain(block["id"])
    return {"resources": resources, "imports": imports}
