"""Amazon OpenSearch Service domains (OpenSearch and Elasticsearch engines)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, json_doc, pair_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

# What AWS sets on every domain, reported back unless changed. The provider holds advanced_options as one map, so
# it is written whole when anything else is in it, and left out (read back as is) when these are all it holds.
_DEFAULT_ADVANCED = {"rest.action.multi.allow_explicit_index": "true", "override_main_response_version": "false"}
_SECURITY_NOTE = ("Fine-grained access control is on: its master user's password is not read back; set "
                  "advanced_security_options.master_user_options if this code should manage it.")


def _pascal(body: Any) -> Any:
    """CloudTrail's camelCase fields (eBSOptions, clusterConfig) under the API's names (EBSOptions, ClusterConfig),
    at every level; the older Elasticsearch API's names mapped to the OpenSearch API's."""
    if isinstance(body, list):
        return [_pascal(item) for item in body]
    if not isinstance(body, Mapping):
        return body
    out: dict[str, Any] = {}
    for key, value in body.items():
        if not isinstance(key, str) or not key:
            continue
        name = {"eBSOptions": "EBSOptions", "aRN": "ARN", "elasticsearchClusterConfig": "ClusterConfig",
                "ElasticsearchClusterConfig": "ClusterConfig", "elasticsearchVersion": "ElasticsearchVersion",
                "enforceHTTPS": "EnforceHTTPS", "tLSSecurityPolicy": "TLSSecurityPolicy",
                "eBSEnabled": "EBSEnabled", "vPCOptions": "VPCOptions"}.get(key, key[0].upper() + key[1:])
        # Advanced options and log types are keyed by AWS's own names, which stay as they are.
        out[name] = value if name in ("AdvancedOptions", "LogPublishingOptions") else _pascal(value)
    return out


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _engine_version(domain: Mapping[str, Any]) -> str | None:
    version = domain.get("EngineVersion")
    if version:
        return str(version)
    legacy = domain.get("ElasticsearchVersion")
    return f"Elasticsearch_{legacy}" if legacy else None


def _cluster_config(config: Mapping[str, Any]) -> dict[str, Any] | None:
    if not config:
        return None
    zones = config.get("ZoneAwarenessEnabled") is True
    dedicated = config.get("DedicatedMasterEnabled") is True
    warm = config.get("WarmEnabled") is True
    count = config.get("InstanceCount")
    return {
        "instance_type": config.get("InstanceType"),
        "instance_count": count if count not in (None, 1) else None,
        "dedicated_master_enabled": True if dedicated else None,
        "dedicated_master_type": config.get("DedicatedMasterType") if dedicated else None,
        "dedicated_master_count": config.get("DedicatedMasterCount") if dedicated else None,
        "zone_awareness_enabled": True if zones else None,
        "availability_zone_count": (config.get("ZoneAwarenessConfig") or {}).get("AvailabilityZoneCount")
        if zones else None,
        "warm_enabled": True if warm else None,
        "warm_type": config.get("WarmType") if warm else None,
        "warm_count": config.get("WarmCount") if warm else None,
    }


def _ebs(options: Mapping[str, Any]) -> dict[str, Any] | None:
    if not options:
        return None
    if options.get("EBSEnabled") is not True:
        return {"ebs_enabled": False}
    volume_type = options.get("VolumeType")
    return {
        "ebs_enabled": True,
        "volume_type": volume_type,
        "volume_size": options.get("VolumeSize"),
        "iops": options.get("Iops") if volume_type in ("io1", "gp3") else None,
        "throughput": options.get("Throughput") if volume_type == "gp3" else None,
    }


def _advanced_options(options: Any) -> dict[str, str] | None:
    if not isinstance(options, Mapping) or not options:
        return None
    values = {str(k): str(v) for k, v in options.items()}
    return None if values.items() <= _DEFAULT_ADVANCED.items() else dict(sorted(values.items()))


def _logs(options: Any) -> list[dict[str, Any]]:
    if not isinstance(options, Mapping):
        return []
    return [
        {"log_type": log_type, "cloudwatch_log_group_arn": option.get("CloudWatchLogsLogGroupArn"),
         "enabled": False if option.get("Enabled") is False else None}
        for log_type, option in sorted(options.items())
        if isinstance(option, Mapping) and option.get("CloudWatchLogsLogGroupArn")
    ]


def _domain_args(domain: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    at_rest = domain.get("EncryptionAtRestOptions") or {}
    endpoint = domain.get("DomainEndpointOptions") or {}
    vpc = domain.get("VPCOptions") or {}
    security = domain.get("AdvancedSecurityOptions") or {}
    cognito = domain.get("CognitoOptions") or {}
    snapshot_hour = (domain.get("SnapshotOptions") or {}).get("AutomatedSnapshotStartHour")
    policies = json_doc(domain.get("AccessPolicies"))
    return {
        "domain_name": domain.get("DomainName"),
        "engine_version": _engine_version(domain),
        "cluster_config": _cluster_config(domain.get("ClusterConfig") or {}),
        "ebs_options": _ebs(domain.get("EBSOptions") or {}),
        "encrypt_at_rest": {"enabled": True} if _true(at_rest.get("Enabled")) else None,
        "node_to_node_encryption": {"enabled": True}
        if _true((domain.get("NodeToNodeEncryptionOptions") or {}).get("Enabled")) else None,
        "domain_endpoint_options": {
            "enforce_https": True, "tls_security_policy": endpoint.get("TLSSecurityPolicy"),
        } if _true(endpoint.get("EnforceHTTPS")) else None,
        "vpc_options": {
            "subnet_ids": sorted_strings(vpc.get("SubnetIds")),
            "security_group_ids": sorted_strings(vpc.get("SecurityGroupIds")),
        } if vpc.get("SubnetIds") else None,
        "advanced_security_options": {
            "enabled": True,
            "internal_user_database_enabled": True if security.get("InternalUserDatabaseEnabled") else None,
            "anonymous_auth_enabled": True if security.get("AnonymousAuthEnabled") else None,
        } if _true(security.get("Enabled")) else None,
        "cognito_options": {
            "enabled": True, "user_pool_id": cognito.get("UserPoolId"),
            "identity_pool_id": cognito.get("IdentityPoolId"), "role_arn": cognito.get("RoleArn"),
        } if _true(cognito.get("Enabled")) else None,
        "snapshot_hour": snapshot_hour or None,
        "access_policies": JsonDocument(policies) if policies else None,
        "advanced_options": _advanced_options(domain.get("AdvancedOptions")),
        "log_publishing_options": _logs(domain.get("LogPublishingOptions")),
        "tags": clean_tags(tags),
    }


def _notes(args: Mapping[str, Any]) -> tuple[str, ...]:
    return (_SECURITY_NOTE,) if args.get("advanced_security_options") else ()


def _describe_domain(clients: Clients, resource: Resource) -> Model:
    opensearch = clients("opensearch")
    domain = opensearch.describe_domain(DomainName=resource.import_id).get("DomainStatus")
    if not domain or domain.get("Deleted"):
        raise NotFound(f"OpenSearch domain {resource.import_id}")
    tags = pair_tags(opensearch.list_tags(ARN=domain["ARN"]).get("TagList"))
    args = _domain_args(domain, tags)
    return Model(args=args, notes=_notes(args))


def _domain_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _pascal(record.request) if record is not None else {}
    response = _pascal(record.response) if record is not None else {}
    status = response.get("DomainStatus")
    found = status if isinstance(status, Mapping) else {}
    domain = {**request, **{k: v for k, v in found.items() if v is not None}}
    domain["DomainName"] = resource.import_id
    args = _domain_args(domain, resource.tags)
    return Model(args=args, notes=_notes(args))


CODEGEN = (TypeCodegen("aws_opensearch_domain", _describe_domain, _domain_from_event),)
