"""CloudFormation stacks: made in moto as the console makes them. They are never deleted from Slack."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]

_TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Description": "Queues for ${app}",
    "Parameters": {"QueueName": {"Type": "String"}, "Retention": {"Type": "Number", "Default": "345600"}},
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue",
                            "Properties": {"QueueName": {"Ref": "QueueName"},
                                           "MessageRetentionPeriod": {"Ref": "Retention"}}}},
}


def make_stack(aws: Aws) -> Made:
    body = json.dumps(_TEMPLATE)
    tags = {"team": "queues", "Name": "orders ${env}"}
    aws("cloudformation").create_stack(
        StackName="orders-queues", TemplateBody=body, TimeoutInMinutes=20,
        Parameters=[{"ParameterKey": "QueueName", "ParameterValue": "orders"},
                    {"ParameterKey": "Retention", "ParameterValue": "86400"}],
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    record = cloudtrail("cloudformation.amazonaws.com", "CreateStack",
                        {"stackName": "orders-queues", "timeoutInMinutes": 20,
                         "parameters": [{"parameterKey": "QueueName"}, {"parameterKey": "Retention"}],
                         "tags": [{"key": k, "value": v} for k, v in tags.items()]},
                        {"stackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/orders-queues/"
                                    "a38e6a60-b397-11e3-b0fc-08002755629e"})
    expect = {"name": "orders-queues", "timeout_in_minutes": 20,
              "parameters": {"QueueName": "orders", "Retention": "86400"}, "tags": tags}
    return Made(record, "orders-queues", expect)


CASES = {"aws_cloudformation_stack": make_stack}
PROVIDER_ENDPOINTS = {"cloudformation"}
