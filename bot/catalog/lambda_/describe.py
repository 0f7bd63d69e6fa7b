"""AWS Lambda functions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_DEFAULTS = {"memory_size": 128, "timeout": 3, "architectures": ["x86_64"], "package_type": "Zip",
             "reserved_concurrent_executions": -1}
_DEFAULT_EPHEMERAL = 512
_CODE_NOTE = (
    "AWS never returns a function's zip package: filename is where the package would go, and ignore_changes keeps "
    "the deployed code as it is; put the package there and remove ignore_changes to deploy code from Terraform."
)
_ENV_NOTE = "Environment variables are copied as AWS holds them: move any secret into a secret store before committing."


def _args(
    config: Mapping[str, Any], image_uri: Any, tags: Mapping[str, str], concurrency: Any = None
) -> dict[str, Any]:
    vpc = config.get("VpcConfig") or {}
    ephemeral = dig(config, "EphemeralStorage", "Size")
    args: dict[str, Any] = {
        "function_name": config.get("FunctionName"),
        "description": config.get("Description") or None,
        "role": config.get("Role"),
        "package_type": config.get("PackageType"),
        "image_uri": image_uri if config.get("PackageType") == "Image" else None,
        "runtime": config.get("Runtime"),
        "handler": config.get("Handler"),
        "architectures": config.get("Architectures"),
        "memory_size": config.get("MemorySize"),
        "timeout": config.get("Timeout"),
        "reserved_concurrent_executions": concurrency,
        "layers": [layer.get("Arn") for layer in config.get("Layers") or () if layer.get("Arn")],
        "kms_key_arn": config.get("KMSKeyArn"),
        "environment": {"variables": variables} if (variables := dig(config, "Environment", "Variables")) else None,
        "tracing_mode": mode if (mode := dig(config, "TracingConfig", "Mode")) not in (None, "PassThrough") else None,
        "ephemeral_storage": ephemeral if ephemeral and ephemeral != _DEFAULT_EPHEMERAL else None,
        "vpc_config": {
            "subnet_ids": sorted_strings(vpc.get("SubnetIds")),
            "security_group_ids": sorted_strings(vpc.get("SecurityGroupIds")),
        }
        if vpc.get("SubnetIds")
        else None,
        "tags": clean_tags(tags),
    }
    for key, default in _DEFAULTS.items():
        if args.get(key) == default:
            args[key] = None
    return args


def _notes(args: Mapping[str, Any]) -> tuple[str, ...]:
    notes = [] if args.get("image_uri") else [_CODE_NOTE]
    if args.get("environment"):
        notes.append(_ENV_NOTE)
    return tuple(notes)


def _describe_function(clients: Clients, resource: Resource) -> Model:
    function = clients("lambda").get_function(FunctionName=resource.import_id)
    args = _args(function["Configuration"], dig(function, "Code", "ImageUri"), function.get("Tags") or {},
                 dig(function, "Concurrency", "ReservedConcurrentExecutions"))
    return Model(args=args, notes=_notes(args))


def _function_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    response = record.response if record is not None else {}

    def field(name: str) -> Any:
        lower = name[0].lower() + name[1:]
        return response.get(lower, request.get(lower))

    config = {
        "FunctionName": resource.import_id,
        "Description": field("Description"),
        "Role": field("Role"),
        "PackageType": field("PackageType"),
        "Runtime": field("Runtime"),
        "Handler": field("Handler"),
        "Architectures": field("Architectures"),
        "MemorySize": field("MemorySize"),
        "Timeout": field("Timeout"),
        "Layers": [{"Arn": layer.get("arn")} for layer in response.get("layers") or () if isinstance(layer, dict)],
        "KMSKeyArn": field("KMSKeyArn") or request.get("kMSKeyArn"),
        "TracingConfig": {"Mode": dig(response, "tracingConfig", "mode")},
        "VpcConfig": {
            "SubnetIds": dig(response, "vpcConfig", "subnetIds"),
            "SecurityGroupIds": dig(response, "vpcConfig", "securityGroupIds"),
        },
    }
    args = _args(config, dig(request, "code", "imageUri"), resource.tags)
    return Model(args=args, notes=_notes(args))


CODEGEN = (TypeCodegen("aws_lambda_function", _describe_function, _function_from_event),)
