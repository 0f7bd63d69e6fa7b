"""Athena workgroups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_athena_workgroup(aws: Aws) -> Made:
    config = {"ResultConfiguration": {"OutputLocation": "s3://query-results/analysts/",
                                      "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
              "EnforceWorkGroupConfiguration": True, "PublishCloudWatchMetricsEnabled": False,
              "BytesScannedCutoffPerQuery": 10737418240}
    aws("athena").create_work_group(Name="analysts", Description='For "analysts" ${team}', Configuration=config,
                                    Tags=[{"Key": "team", "Value": "bi"}])
    record = cloudtrail("athena.amazonaws.com", "CreateWorkGroup",
                        {"name": "analysts", "description": 'For "analysts" ${team}',
                         "configuration": {"resultConfiguration": {"outputLocation": "s3://query-results/analysts/"},
                                           "enforceWorkGroupConfiguration": True},
                         "tags": [{"key": "team", "value": "bi"}]},
                        None)
    expect = {"name": "analysts", "description": 'For "analysts" ${team}',
              "configuration": [{"bytes_scanned_cutoff_per_query": 10737418240,
                                 "enforce_workgroup_configuration": True,
                                 "publish_cloudwatch_metrics_enabled": False,
                                 "result_configuration": [{"output_location": "s3://query-results/analysts/",
                                                           "encryption_configuration": [
                                                               {"encryption_option": "SSE_S3"}]}]}],
              "tags": {"team": "bi"}}
    return Made(record, "analysts", expect)


def _workgroup_gone(aws: Aws, name: str) -> bool:
    try:
        # moto answers a missing workgroup with none; AWS with InvalidRequestException.
        return not aws("athena").get_work_group(WorkGroup=name).get("WorkGroup")
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "InvalidRequestException"


CASES = {"aws_athena_workgroup": make_athena_workgroup}
GONE = {"aws_athena_workgroup": _workgroup_gone}
PROVIDER_ENDPOINTS = {"athena"}
