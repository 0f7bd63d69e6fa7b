"""AWS Glue jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.base import dig, tags_from_map
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_DEFAULT_COMMAND = "glueetl"
_DEFAULT_CONCURRENCY = 1


def _pascal(body: Any) -> Any:
    """CloudTrail's camelCase fields under the API's names, at every level; argument maps keep their keys."""
    if not isinstance(body, Mapping):
        return body
    return {k[0].upper() + k[1:]: (v if k in ("defaultArguments", "nonOverridableArguments", "tags") else _pascal(v))
            for k, v in body.items() if isinstance(k, str) and k}


def _job_args(job: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    command = job.get("Command") or {}
    workers = job.get("WorkerType")
    concurrency = dig(job, "ExecutionProperty", "MaxConcurrentRuns")
    delay = dig(job, "NotificationProperty", "NotifyDelayAfter")
    execution_class = job.get("ExecutionClass")
    return {
        "name": job.get("Name"),
        "description": job.get("Description") or None,
        "role_arn": job.get("Role"),
        "glue_version": job.get("GlueVersion"),
        "command": {
            "name": command.get("Name") if command.get("Name") not in (None, _DEFAULT_COMMAND) else None,
            "script_location": command.get("ScriptLocation"),
            "python_version": command.get("PythonVersion"),
            "runtime": command.get("Runtime"),
        },
        "worker_type": workers,
        "number_of_workers": job.get("NumberOfWorkers") if workers else None,
        # Capacity is given either as workers or as DPUs; AWS reports the DPUs a worker setting comes to as well.
        "max_capacity": job.get("MaxCapacity") if not workers else None,
        "timeout": job.get("Timeout"),
        "max_retries": job.get("MaxRetries") or None,
        # Not computed by the provider: AWS's STANDARD is written as reported, or it reads as a change.
        "execution_class": execution_class or None,
        "security_configuration": job.get("SecurityConfiguration"),
        "connections": sorted_strings(dig(job, "Connections", "Connections")),
        "default_arguments": dict(sorted((job.get("DefaultArguments") or {}).items())),
        "non_overridable_arguments": dict(sorted((job.get("NonOverridableArguments") or {}).items())),
        "max_concurrent_runs": concurrency if concurrency not in (None, _DEFAULT_CONCURRENCY) else None,
        "notify_delay_after": delay,
        "tags": clean_tags(tags),
    }


def _describe_job(clients: Clients, resource: Resource) -> Model:
    glue = clients("glue")
    job = glue.get_job(JobName=resource.import_id).get("Job")
    if not job:
        raise NotFound(f"Glue job {resource.import_id}")
    arn = resource.arn or f"arn:aws:glue:{clients.region}:{resource.account_id}:job/{resource.import_id}"
    tags = tags_from_map(glue.get_tags(ResourceArn=arn).get("Tags"))
    return Model(args=_job_args(job, tags))


def _job_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    job = _pascal(record.request) if record is not None else {}
    job["Name"] = resource.import_id
    return Model(args=_job_args(job, resource.tags))


CODEGEN = (TypeCodegen("aws_glue_job", _describe_job, _job_from_event),)
