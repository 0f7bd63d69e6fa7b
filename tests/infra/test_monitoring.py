"""infra/modules/monitoring: every alarm on the metric and dimensions it is about, a dashboard naming them, the alarm
topic encrypted and open to CloudWatch alarms only, Slack through AWS Chatbot; and the complete example wired to the
other modules' queues, rules, build project and service.

Terraform runs as in test_terraform.py: the unpacked hashicorp/aws provider (skipped without one), plans against
moto with -refresh=false.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.metrics import METRICS, NAMESPACE
from tests.infra.hcl import INFRA
from tests.infra.test_terraform import PLAN_VARIABLES, _moto_override, _plan, _plugin_dir, terraform

ACCOUNT = "123456789012"  # moto's
RULES = ["tfsync-cloudtrail-0", "tfsync-codebuild"]
ROOT = """
module "monitoring" {
  source = "./modules/monitoring"

  name                   = "tfsync"
  queue_name             = "tfsync-events"
  dead_letter_queue_name = "tfsync-events-dlq"
  codebuild_project_name = "tfsync-adopt"
  event_rule_names       = %s
  ecs_service            = { cluster_name = "tfsync", service_name = "tfsync-bot" }
  slack_workspace_id     = %s
  slack_channel_id       = %s
  alarm_email_addresses  = ["platform@example.com"]
  alarm_https_endpoints  = ["https://hooks.example.com/tfsync"]
}

variable "region" {
  type    = string
  default = "us-east-1"
}
"""
ALARMS = {
    # address: (namespace, metric, dimensions, statistic, comparison, threshold, treat_missing_data)
    'aws_cloudwatch_metric_alarm.metric["dlq_depth"]': (
        "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": "tfsync-events-dlq"}, "Maximum",
        "GreaterThanThreshold", 0, "notBreaching"),
    'aws_cloudwatch_metric_alarm.metric["queue_oldest_message"]': (
        "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": "tfsync-events"}, "Maximum",
        "GreaterThanThreshold", 900, "notBreaching"),
    'aws_cloudwatch_metric_alarm.metric["consumer_errors"]': (
        NAMESPACE, "ConsumerErrors", None, "Sum", "GreaterThanOrEqualToThreshold", 5, "notBreaching"),
    'aws_cloudwatch_metric_alarm.metric["slack_errors"]': (
        NAMESPACE, "SlackErrors", None, "Sum", "GreaterThanOrEqualToThreshold", 20, "notBreaching"),
    'aws_cloudwatch_metric_alarm.metric["adopt_build_failures"]': (
        "AWS/CodeBuild", "FailedBuilds", {"ProjectName": "tfsync-adopt"}, "Sum", "GreaterThanThreshold", 0,
        "notBreaching"),
    **{f'aws_cloudwatch_metric_alarm.metric["failed_invocations:{i}"]': (
        "AWS/Events", "FailedInvocations", {"RuleName": rule}, "Sum", "GreaterThanThreshold", 0, "notBreaching")
       for i, rule in enumerate(RULES)},
}  # fmt: skip


@pytest.fixture
def module_root(tmp_path: Path) -> Iterator[Path]:
    """A root module calling the monitoring module with literal inputs (every option on), next to a copy of it."""
    root = tmp_path / "root"
    shutil.copytree(INFRA / "modules" / "monitoring", root / "modules" / "monitoring")
    yield root


def _write_root(root: Path, workspace: str | None, channel: str | None) -> None:
    def hcl(value: str | None) -> str:
        return "null" if value is None else json.dumps(value)

    (root / "main.tf").write_text(ROOT % (json.dumps(RULES), hcl(workspace), hcl(channel)), encoding="utf-8")


def _after(plan: dict[str, Any], prefix: str) -> dict[str, dict[str, Any]]:
    """The planned values of the managed resources under `prefix`, by address without it."""
    return {c["address"].removeprefix(prefix): c["change"]["after"] for c in plan["resource_changes"]
            if c["mode"] == "managed" and c["address"].startswith(prefix)}


def test_the_module_plans_every_alarm_on_its_metric_and_a_dashboard_naming_them(
    module_root: Path, aws_endpoint: str,
) -> None:
    plugin_dir = _plugin_dir()
    _write_root(module_root, "T07EA123LEP", "C07EZ1ABC23")
    (module_root / "moto_override.tf").write_text(_moto_override(aws_endpoint), encoding="utf-8")
    retcode, _, stderr = terraform(module_root, "init", f"-plugin-dir={plugin_dir}")
    assert retcode == 0, stderr
    _, stdout, stderr = terraform(module_root, "validate", "-json")
    validated = json.loads(stdout or "{}")
    assert validated.get("valid"), json.dumps(validated.get("diagnostics"), indent=2) + stderr
    assert not [d for d in validated["diagnostics"] if d["severity"] == "warning"], validated["diagnostics"]

    after = _after(_plan(module_root, {}), "module.monitoring.")

    topic = after["aws_sns_topic.alarms"]
    assert topic["name"] == "tfsync-alarms"
    assert "aws_kms_key.this[0]" in after and after["aws_kms_key.this[0]"]["enable_key_rotation"] is True
    key_policy = json.loads(after["aws_kms_key.this[0]"]["policy"])
    assert any(s["Principal"] == {"Service": "cloudwatch.amazonaws.com"} for s in key_policy["Statement"])

    alarms = {a: v for a, v in after.items() if a.startswith("aws_cloudwatch_metric_alarm.")}
    assert set(alarms) == {*ALARMS, "aws_cloudwatch_metric_alarm.bot_absent[0]"}
    for address, (namespace, metric, dimensions, statistic, comparison, threshold, missing) in ALARMS.items():
        alarm = alarms[address]
        assert (alarm["namespace"], alarm["metric_name"], alarm["dimensions"]) == (namespace, metric, dimensions)
        assert (alarm["statistic"], alarm["comparison_operator"], alarm["threshold"]) == (
            statistic, comparison, threshold), address
        assert alarm["treat_missing_data"] == missing, address
        assert alarm["alarm_description"] and alarm["actions_enabled"] is True
    rule_alarms = [alarms[f'aws_cloudwatch_metric_alarm.metric["failed_invocations:{i}"]'] for i in range(len(RULES))]
    assert [a["alarm_name"] for a in rule_alarms] == [f"{rule}-failed-invocations" for rule in RULES]

    absent = alarms["aws_cloudwatch_metric_alarm.bot_absent[0]"]
    assert absent["treat_missing_data"] == "breaching" and absent["comparison_operator"] == "GreaterThanThreshold"
    queries = {q["id"]: q for q in absent["metric_query"]}
    assert queries["missing"]["expression"] == "desired - FILL(running, 0)" and queries["missing"]["return_data"]
    for query, metric in (("running", "RunningTaskCount"), ("desired", "DesiredTaskCount")):
        (watched,) = queries[query]["metric"]
        assert (watched["namespace"], watched["metric_name"]) == ("ECS/ContainerInsights", metric)
        assert watched["dimensions"] == {"ClusterName": "tfsync", "ServiceName": "tfsync-bot"}

    chatbot = after["aws_chatbot_slack_channel_configuration.this[0]"]
    assert (chatbot["slack_team_id"], chatbot["slack_channel_id"]) == ("T07EA123LEP", "C07EZ1ABC23")
    assert chatbot["guardrail_policy_arns"] == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]
    subscriptions = {v["protocol"]: v["endpoint"] for a, v in after.items()
                     if a.startswith("aws_sns_topic_subscription.")}
    assert subscriptions == {"email": "platform@example.com", "https": "https://hooks.example.com/tfsync"}

    _check_dashboard(json.loads(after["aws_cloudwatch_dashboard.this[0]"]["dashboard_body"]), alarms)


def _check_dashboard(body: dict[str, Any], alarms: dict[str, dict[str, Any]]) -> None:
    widgets = body["widgets"]
    (alarm_widget,) = [w for w in widgets if w["type"] == "alarm"]
    prefix = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:"
    assert sorted(alarm_widget["properties"]["alarms"]) == sorted(prefix + a["alarm_name"] for a in alarms.values())
    named: set[tuple[str, str]] = set()
    searched = []
    for widget in widgets:
        if widget["type"] != "metric":
            continue
        assert widget["properties"]["region"] == "us-east-1"
        for line in widget["properties"]["metrics"]:
            if isinstance(line[0], dict):
                searched.append(line[0]["expression"])
            else:
                named.add((line[0], line[1]))
    # Every metric the bot writes, and every metric an alarm watches, is on the dashboard.
    assert {(NAMESPACE, m.name) for m in METRICS} <= named
    assert {(v[0], v[1]) for v in ALARMS.values()} <= named
    assert {("ECS/ContainerInsights", "RunningTaskCount"), ("ECS/ContainerInsights", "DesiredTaskCount")} <= named
    assert searched == [f"SEARCH('{{{NAMESPACE},Error}} MetricName=\"SlackErrors\"', 'Sum', 300)"]


def test_a_slack_workspace_without_a_channel_is_refused_at_plan(module_root: Path, aws_endpoint: str) -> None:
    plugin_dir = _plugin_dir()
    _write_root(module_root, "T07EA123LEP", None)
    (module_root / "moto_override.tf").write_text(_moto_override(aws_endpoint), encoding="utf-8")
    assert terraform(module_root, "init", f"-plugin-dir={plugin_dir}")[0] == 0
    retcode, _, stderr = terraform(module_root, "plan", "-refresh=false")
    assert retcode == 1
    assert "slack_workspace_id and slack_channel_id go together" in " ".join(stderr.split())


def test_the_complete_example_plans_with_monitoring_wired_to_the_other_modules(
    tmp_path: Path, aws_endpoint: str,
) -> None:
    plugin_dir = _plugin_dir()
    copy = tmp_path / "infra"
    shutil.copytree(INFRA, copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "__pycache__"))
    directory = copy / "examples" / "complete"
    (directory / "moto_override.tf").write_text(_moto_override(aws_endpoint), encoding="utf-8")
    retcode, _, stderr = terraform(directory, "init", f"-plugin-dir={plugin_dir}")
    assert retcode == 0, stderr
    plan = _plan(directory, PLAN_VARIABLES | {
        "create_ecs_service": True, "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/tfsync:1.0.0",
        "vpc_id": "vpc-12345678", "subnet_ids": ["subnet-12345678"],
        "alarm_slack_workspace_id": "T07EA123LEP", "alarm_slack_channel_id": "C07EZ1ABC23",
        "alarm_email_addresses": ["platform@example.com"],
    })  # fmt: skip
    after = _after(plan, "module.monitoring.")
    changes = {c["address"]: c["change"] for c in plan["resource_changes"] if c["mode"] == "managed"}
    unknown = {a.removeprefix("module.monitoring."): c["after_unknown"] for a, c in changes.items()
               if a.startswith("module.monitoring.")}

    detection_rules = [a for a in changes if a.startswith("module.detection.aws_cloudwatch_event_rule.")]
    rule_alarms = [a for a in after if a.startswith('aws_cloudwatch_metric_alarm.metric["failed_invocations:')]
    assert len(rule_alarms) == len(detection_rules) > 1, "one FailedInvocations alarm per detection rule"
    assert "aws_chatbot_slack_channel_configuration.this[0]" in after
    assert "aws_cloudwatch_dashboard.this[0]" in after

    for address, (namespace, metric, dimensions, *_) in ALARMS.items():
        address = address if "event_rule" not in address else rule_alarms[0]
        alarm = after[address]
        assert (alarm["namespace"], alarm["metric_name"]) == (namespace, metric), address
        # Queue and rule names come from the other modules' ARNs, known only after apply (their source is checked
        # below, on the configuration).
        if unknown[address].get("dimensions") is True:
            assert dimensions is not None and "dimensions" not in alarm, address
        else:
            assert set(alarm.get("dimensions") or {}) == set(dimensions or {}), address
    builds = after['aws_cloudwatch_metric_alarm.metric["adopt_build_failures"]']
    assert builds["dimensions"] == {"ProjectName": "tfsync-adopt"}
    absent = after["aws_cloudwatch_metric_alarm.bot_absent[0]"]
    watched = {q["metric"][0]["metric_name"] for q in absent["metric_query"] if q.get("metric")}
    assert watched == {"RunningTaskCount", "DesiredTaskCount"}

    call = plan["configuration"]["root_module"]["module_calls"]["monitoring"]["expressions"]
    wiring = {
        "queue_name": "module.detection.queue_arn",
        "dead_letter_queue_name": "module.detection.dlq_arn",
        "event_rule_names": "module.detection.event_rule_arns",
        "codebuild_project_name": "module.adopter.project_name",
        "ecs_service": "module.bot_runtime.ecs_cluster_arn",
    }
    for argument, source in wiring.items():
        assert source in call[argument]["references"], (argument, call[argument])
    assert "module.bot_runtime.ecs_service_name" in call["ecs_service"]["references"]
