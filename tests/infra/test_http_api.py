"""Slack over HTTP: the http_api module and bot_runtime's HTTP mode, planned in examples/complete against moto.

In HTTP mode Slack's requests reach the bot's ECS tasks through an API Gateway HTTP API with one route,
`POST /slack/events`, an HTTP_PROXY integration over a VPC link to the Cloud Map service the tasks register with,
and a security group on the tasks that admits the VPC link's group on the bot's port and nothing else. In socket
mode none of it exists.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.infra.hcl import INFRA, module_blocks, module_locals
from tests.infra.test_terraform import PLAN_VARIABLES, _moto_override, _plan, _plugin_dir, infra_copy, terraform

__all__ = ["infra_copy"]  # the fixture, shared with test_terraform

ECS_VARIABLES: dict[str, Any] = {
    "create_ecs_service": True,
    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/tfsync:1.0.0",
    "vpc_id": "vpc-12345678",
    "subnet_ids": ["subnet-12345678", "subnet-87654321"],
}
# The bot's environment and secrets hold ARNs known only after apply, which would leave the whole container
# definition unknown in the plan; in the planned copy they are emptied (a Terraform override file), so the plan
# shows the rest of the definition as the module writes it.
KNOWN_CONTAINER_OVERRIDE = """
locals {
  environment = {}
  bot_secrets = {}
}
"""
HTTP_PORT = 8080


def _plan_complete(copy: Path, endpoint: str, variables: dict[str, Any]) -> dict[str, Any]:
    plugin_dir = _plugin_dir()
    (copy / "modules" / "bot_runtime" / "known_container_override.tf").write_text(
        KNOWN_CONTAINER_OVERRIDE, encoding="utf-8"
    )
    directory = copy / "examples" / "complete"
    (directory / "moto_override.tf").write_text(_moto_override(endpoint), encoding="utf-8")
    retcode, _, stderr = terraform(directory, "init", f"-plugin-dir={plugin_dir}")
    assert retcode == 0, stderr
    return _plan(directory, PLAN_VARIABLES | ECS_VARIABLES | variables)


def _changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changes = {c["address"]: c["change"] for c in plan["resource_changes"] if c["mode"] == "managed"}
    assert all(change["actions"] == ["create"] for change in changes.values())
    return changes


def _of_type(changes: dict[str, dict[str, Any]], resource_type: str) -> dict[str, dict[str, Any]]:
    return {a: c for a, c in changes.items() if a.rsplit(".", 2)[-2] == resource_type}


def _container(changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    task = changes["module.bot_runtime.aws_ecs_task_definition.this[0]"]["after"]
    definitions = json.loads(task["container_definitions"])
    assert len(definitions) == 1
    return dict(definitions[0])


def _module(plan: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(plan["configuration"]["root_module"]["module_calls"][name])


def _resource_config(module: dict[str, Any], address: str) -> dict[str, Any]:
    return next(r for r in module["module"]["resources"] if r["address"] == address)


def _references(expression: dict[str, Any]) -> set[str]:
    return set(expression.get("references", []))


def _ingress(changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every ingress rule the plan creates: rule resources, and inline ingress of security groups."""
    rules = _of_type(changes, "aws_vpc_security_group_ingress_rule")
    rules |= {a: c for a, c in _of_type(changes, "aws_security_group_rule").items() if c["after"]["type"] == "ingress"}
    inline = {a: c for a, c in _of_type(changes, "aws_security_group").items() if c["after"].get("ingress")}
    return rules | inline


def test_http_mode_routes_only_post_slack_events_through_a_vpc_link_to_the_services_tasks(
    infra_copy: Path, aws_endpoint: str
) -> None:
    plan = _plan_complete(infra_copy, aws_endpoint, {"slack_mode": "http"})
    changes = _changes(plan)
    after = {address: change["after"] for address, change in changes.items()}
    api_module, bot_module = _module(plan, "http_api"), _module(plan, "bot_runtime")

    # An HTTP API with exactly one route, POST /slack/events, and no $default route catching anything else.
    apis = _of_type(changes, "aws_apigatewayv2_api")
    assert list(apis) == ["module.http_api[0].aws_apigatewayv2_api.this"]
    api = after["module.http_api[0].aws_apigatewayv2_api.this"]
    assert api["protocol_type"] == "HTTP"
    assert api["target"] is None and api["route_key"] is None  # no quick-create catch-all route
    routes = _of_type(changes, "aws_apigatewayv2_route")
    assert [r["after"]["route_key"] for r in routes.values()] == ["POST /slack/events"]
    route_config = _resource_config(api_module, "aws_apigatewayv2_route.slack_events")["expressions"]
    assert "aws_apigatewayv2_integration.this.id" in _references(route_config["target"])

    # The integration: HTTP_PROXY over the VPC link to the Cloud Map service, with nothing rewritten on the way
    # (the body and Slack's signature headers reach the bot as Slack sent them).
    integrations = _of_type(changes, "aws_apigatewayv2_integration")
    assert len(integrations) == 1
    integration = after["module.http_api[0].aws_apigatewayv2_integration.this"]
    assert integration["integration_type"] == "HTTP_PROXY"
    assert integration["connection_type"] == "VPC_LINK"
    assert integration["payload_format_version"] == "1.0"
    assert not integration["request_parameters"] and not integration["request_templates"]
    assert not integration["response_parameters"]
    integration_config = _resource_config(api_module, "aws_apigatewayv2_integration.this")["expressions"]
    assert "aws_service_discovery_service.this.arn" in _references(integration_config["integration_uri"])
    assert "aws_apigatewayv2_vpc_link.this.id" in _references(integration_config["connection_id"])
    assert set(after["module.http_api[0].aws_apigatewayv2_vpc_link.this"]["subnet_ids"]) == set(
        ECS_VARIABLES["subnet_ids"]
    )

    # Cloud Map: SRV records (address and port), health from ECS.
    discovery = after["module.http_api[0].aws_service_discovery_service.this"]
    assert [r["type"] for r in discovery["dns_config"][0]["dns_records"]] == ["SRV"]
    assert discovery["health_check_custom_config"] == [{"failure_threshold": 1}]

    # The stage: throttled, access logs to a log group encrypted with the module's KMS key.
    stage = after["module.http_api[0].aws_apigatewayv2_stage.this"]
    assert stage["name"] == "$default" and stage["auto_deploy"] is True
    route_settings = stage["default_route_settings"][0]
    assert route_settings["throttling_rate_limit"] > 0 and route_settings["throttling_burst_limit"] > 0
    access_log = stage["access_log_settings"][0]
    assert json.loads(access_log["format"])["requestId"] == "$context.requestId"
    stage_config = _resource_config(api_module, "aws_apigatewayv2_stage.this")["expressions"]
    destination = stage_config["access_log_settings"][0]["destination_arn"]
    assert "aws_cloudwatch_log_group.access.arn" in _references(destination)
    assert changes["module.http_api[0].aws_cloudwatch_log_group.access"]["after_unknown"]["kms_key_id"] is True
    assert after["module.http_api[0].aws_kms_key.this[0]"]["enable_key_rotation"] is True

    # The service registers its tasks (container tfsync, the bot's port) with the module's Cloud Map service.
    service = changes["module.bot_runtime.aws_ecs_service.this[0]"]
    registries = service["after"]["service_registries"]
    assert registries == [{"container_name": "tfsync", "container_port": HTTP_PORT, "port": None}]
    assert service["after_unknown"]["service_registries"] == [{"registry_arn": True}]
    assert "module.http_api[0].service_discovery_service_arn" in _references(
        bot_module["expressions"]["service_discovery_service_arn"]
    )

    # The container: the port mapping and the image's heartbeat check as its health check.
    container = _container(changes)
    assert container["portMappings"] == [{"containerPort": HTTP_PORT, "hostPort": HTTP_PORT, "protocol": "tcp"}]
    health = container["healthCheck"]
    assert health["command"] == ["CMD", "python", "-m", "bot", "health"]
    assert {"interval", "timeout", "retries", "startPeriod"} <= set(health)

    # Nothing comes in anywhere but on the bot's port, from the VPC link's group, into the tasks' HTTP group.
    ingress = _ingress(changes)
    assert list(ingress) == ["module.bot_runtime.aws_vpc_security_group_ingress_rule.http[0]"]
    rule = after["module.bot_runtime.aws_vpc_security_group_ingress_rule.http[0]"]
    assert (rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("tcp", HTTP_PORT, HTTP_PORT)
    assert rule["cidr_ipv4"] is None and rule["cidr_ipv6"] is None and rule["prefix_list_id"] is None
    rule_config = _resource_config(bot_module, "aws_vpc_security_group_ingress_rule.http")["expressions"]
    assert "aws_security_group.http[0].id" in _references(rule_config["security_group_id"])
    assert _references(rule_config["referenced_security_group_id"]) == {"var.vpc_link_security_group_id"}
    link_group = bot_module["expressions"]["vpc_link_security_group_id"]
    assert "module.http_api[0].security_group_id" in _references(link_group)
    link_group_output = api_module["module"]["outputs"]["security_group_id"]["expression"]
    assert "aws_security_group.vpc_link.id" in _references(link_group_output)
    service_config = _resource_config(bot_module, "aws_ecs_service.this")["expressions"]
    assert "aws_security_group.http" in _references(service_config["network_configuration"][0]["security_groups"])
    # The VPC link may send to that group on that port only.
    egress = _of_type(changes, "aws_vpc_security_group_egress_rule")
    link_egress = {a: c["after"] for a, c in egress.items() if a.startswith("module.http_api[0].")}
    assert list(link_egress) == ["module.http_api[0].aws_vpc_security_group_egress_rule.to_service"]
    assert link_egress["module.http_api[0].aws_vpc_security_group_egress_rule.to_service"]["from_port"] == HTTP_PORT
    assert "module.bot_runtime.http_security_group_id" in _references(
        api_module["expressions"]["service_security_group_id"]
    )

    # The request URL for the Slack app manifest, once the API exists.
    assert plan["planned_values"]["outputs"]["slack_request_url"].get("value") is None  # unknown until apply
    assert "module.http_api[0].request_url" in _references(
        plan["configuration"]["root_module"]["outputs"]["slack_request_url"]["expression"]
    )


def test_socket_mode_has_no_api_no_registry_no_port_and_nothing_in(infra_copy: Path, aws_endpoint: str) -> None:
    plan = _plan_complete(infra_copy, aws_endpoint, {})
    changes = _changes(plan)

    assert "module.bot_runtime.aws_ecs_service.this[0]" in changes
    assert not [a for a in changes if a.startswith("module.http_api")]
    for prefix in ("aws_apigatewayv2_", "aws_service_discovery_"):
        assert not [a for a in changes if a.rsplit(".", 2)[-2].startswith(prefix)], prefix
    assert "module.bot_runtime.aws_security_group.http[0]" not in changes
    assert _ingress(changes) == {}
    assert changes["module.bot_runtime.aws_ecs_service.this[0]"]["after"]["service_registries"] == []
    container = _container(changes)
    assert container.get("portMappings") is None
    # The heartbeat check replaces a stuck task in either mode.
    assert container["healthCheck"]["command"] == ["CMD", "python", "-m", "bot", "health"]
    assert plan["planned_values"]["outputs"]["slack_request_url"]["value"] is None


def test_http_mode_without_the_ecs_service_is_refused_at_plan(infra_copy: Path, aws_endpoint: str) -> None:
    plugin_dir = _plugin_dir()
    directory = infra_copy / "examples" / "complete"
    (directory / "moto_override.tf").write_text(_moto_override(aws_endpoint), encoding="utf-8")
    variables = PLAN_VARIABLES | ECS_VARIABLES | {"create_ecs_service": False, "slack_mode": "http"}
    (directory / "test.auto.tfvars.json").write_text(json.dumps(variables), encoding="utf-8")
    assert terraform(directory, "init", f"-plugin-dir={plugin_dir}")[0] == 0
    retcode, _, stderr = terraform(directory, "plan", "-refresh=false")
    assert retcode == 1
    assert "http_api needs vpc_id, subnet_ids, service_security_group_id and service_port" in " ".join(stderr.split())


@pytest.mark.parametrize("kind", ["request_parameters", "request_templates", "response_parameters"])
def test_the_integration_rewrites_nothing(kind: str) -> None:
    # The bot checks X-Slack-Signature against the raw body and X-Slack-Request-Timestamp: a mapping could change
    # either on the way.
    integration = module_blocks(INFRA / "modules" / "http_api", "resource", "aws_apigatewayv2_integration")
    assert list(integration) == ["this"]
    assert kind not in integration["this"]


def test_the_module_routes_one_path_and_it_is_the_bots() -> None:
    from slack_adapters.http_mode import EVENTS_PATH

    module = INFRA / "modules" / "http_api"
    routes = module_blocks(module, "resource", "aws_apigatewayv2_route")
    assert list(routes) == ["slack_events"]
    assert routes["slack_events"]["route_key"] == "POST ${local.events_path}"
    assert module_locals(module)["events_path"] == EVENTS_PATH
