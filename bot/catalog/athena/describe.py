"""Amazon Athena workgroups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _pascal(body: Any) -> Any:
    if isinstance(body, list):
        return [_pascal(item) for item in body]
    if not isinstance(body, Mapping):
        return body
    return {k[0].upper() + k[1:]: _pascal(v) for k, v in body.items() if isinstance(k, str) and k}


def _result(config: Mapping[str, Any]) -> dict[str, Any] | None:
    result = config.get("ResultConfiguration") or {}
    encryption = result.get("EncryptionConfiguration") or {}
    block = {
        "output_location": result.get("OutputLocation") or None,
        "expected_bucket_owner": result.get("ExpectedBucketOwner"),
        "encryption_option": encryption.get("EncryptionOption"),
        "kms_key_arn": encryption.get("KmsKey"),
        "s3_acl_option": dig(result, "AclConfiguration", "S3AclOption"),
    }
    return block if any(v is not None for v in block.values()) else None


def _workgroup_args(group: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    config = group.get("Configuration") or {}
    engine = dig(config, "EngineVersion", "SelectedEngineVersion")
    return {
        "name": group.get("Name"),
        "description": group.get("Description") or None,
        "state": group.get("State") if group.get("State") not in (None, "ENABLED") else None,
        "configuration": {
            "bytes_scanned_cutoff_per_query": config.get("BytesScannedCutoffPerQuery"),
            # Both default to true in the provider, where AWS's own default for a new workgroup is false.
            "enforce_workgroup_configuration": config.get("EnforceWorkGroupConfiguration") is True,
            "publish_cloudwatch_metrics_enabled": config.get("PublishCloudWatchMetricsEnabled") is True,
            "requester_pays_enabled": True if config.get("RequesterPaysEnabled") else None,
            "execution_role": config.get("ExecutionRole"),
            "selected_engine_version": engine if engine and engine != "AUTO" else None,
            "result": _result(config),
        },
        "tags": clean_tags(tags),
    }


def _describe_workgroup(clients: Clients, resource: Resource) -> Model:
    athena = clients("athena")
    group = athena.get_work_group(WorkGroup=resource.import_id).get("WorkGroup")
    if not group:
        raise NotFound(f"Athena workgroup {resource.import_id}")
    arn = resource.arn or f"arn:aws:athena:{clients.region}:{resource.account_id}:workgroup/{resource.import_id}"
    tags = pair_tags(athena.list_tags_for_resource(ResourceARN=arn).get("Tags"))
    return Model(args=_workgroup_args(group, tags))


def _workgroup_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    group = _pascal(record.request) if record is not None else {}
    group["Name"] = resource.import_id
    return Model(args=_workgroup_args(group, resource.tags))


CODEGEN = (TypeCodegen("aws_athena_workgroup", _describe_workgroup, _workgroup_from_event),)
