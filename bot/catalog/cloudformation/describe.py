"""AWS CloudFormation stacks: the template, parameters and stack settings. A parameter CloudFormation hides (NoEcho)
comes back as a placeholder, never its value; the parameters are kept out of Terraform's changes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

# What CloudFormation answers for a NoEcho parameter's value.
_HIDDEN = "****"


def _template(body: Any) -> Any:
    """A JSON template as data for jsonencode(); a YAML one as its text."""
    if isinstance(body, Mapping):
        return JsonDocument(dict(body))
    if isinstance(body, str):
        try:
            decoded = json.loads(body)
        except ValueError:
            return body
        return JsonDocument(decoded) if isinstance(decoded, dict) else body
    return None


def _no_echo(template: Any) -> set[str]:
    """The parameters a JSON template marks NoEcho."""
    if isinstance(template, str):
        try:
            template = json.loads(template)
        except ValueError:
            return set()
    declared = template.get("Parameters") if isinstance(template, Mapping) else None
    if not isinstance(declared, Mapping):
        return set()
    return {k for k, v in declared.items() if isinstance(v, Mapping) and str(v.get("NoEcho")).lower() == "true"}


def _stack_args(stack: Mapping[str, Any], template: Any, policy: Any) -> dict[str, Any]:
    parameters = {p.get("ParameterKey"): p.get("ParameterValue", "") for p in stack.get("Parameters") or ()
                  if p.get("ParameterKey")}
    # CloudFormation answers a NoEcho parameter with its placeholder; where an answer carries the value anyway, the
    # template's own NoEcho marks keep it out of the code.
    for key in _no_echo(template) & set(parameters):
        parameters[key] = _HIDDEN
    return {
        "name": stack.get("StackName"),
        "template_body": _template(template),
        "parameters": parameters,
        "hidden_parameters": sorted(k for k, v in parameters.items() if v == _HIDDEN),
        "capabilities": sorted_strings(stack.get("Capabilities")),
        "notification_arns": sorted_strings(stack.get("NotificationARNs")),
        "disable_rollback": True if stack.get("DisableRollback") else None,
        "timeout_in_minutes": stack.get("TimeoutInMinutes") or None,
        "iam_role_arn": stack.get("RoleARN") or None,
        "policy_body": _template(policy) if policy else None,
        "tags": clean_tags(pair_tags(stack.get("Tags"))),
    }


def _describe_stack(clients: Clients, resource: Resource) -> Model:
    cloudformation = clients("cloudformation")
    stacks = cloudformation.describe_stacks(StackName=resource.import_id).get("Stacks") or []
    if not stacks or stacks[0].get("StackStatus") == "DELETE_COMPLETE":
        raise NotFound(f"stack {resource.import_id} does not exist")
    template = cloudformation.get_template(StackName=resource.import_id).get("TemplateBody")
    policy = cloudformation.get_stack_policy(StackName=resource.import_id).get("StackPolicyBody")
    args = _stack_args(stacks[0], template, policy)
    notes: tuple[str, ...] = ()
    if args["hidden_parameters"]:
        notes = (f"CloudFormation hides the value of {', '.join(args['hidden_parameters'])} (NoEcho): the code holds "
                 "its placeholder. Put the real value in before letting Terraform manage the parameters.",)
    return Model(args=args, notes=notes)


def _stack_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    # CloudTrail keeps parameter keys only, never their values; the template is rarely in the record.
    stack = {
        "StackName": request.get("stackName") or resource.import_id,
        "Capabilities": request.get("capabilities"),
        "NotificationARNs": request.get("notificationARNs"),
        "DisableRollback": request.get("disableRollback"),
        "TimeoutInMinutes": request.get("timeoutInMinutes"),
        "RoleARN": request.get("roleARN"),
        "Tags": [{"Key": k, "Value": v} for k, v in resource.tags.items()],
    }
    return Model(args=_stack_args(stack, request.get("templateBody"), None),
                 notes=("Written from the creation event: CloudTrail keeps no parameter values, and the template "
                        "only when it was sent in the request.",))


CODEGEN = (TypeCodegen("aws_cloudformation_stack", _describe_stack, _stack_from_event),)
