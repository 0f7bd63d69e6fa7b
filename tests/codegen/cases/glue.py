"""Glue jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]
_TRUST = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": '
          '"glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]}')


def make_glue_job(aws: Aws) -> Made:
    role = aws("iam").create_role(RoleName="glue-etl", AssumeRolePolicyDocument=_TRUST)["Role"]["Arn"]
    command = {"Name": "glueetl", "ScriptLocation": "s3://etl-scripts/nightly ${date}.py", "PythonVersion": "3"}
    arguments = {"--job-language": "python", "--TempDir": "s3://etl-scripts/tmp/", "--enable-metrics": "true"}
    aws("glue").create_job(Name="nightly-etl", Description="Nightly load %{x}", Role=role, Command=command,
                           GlueVersion="4.0", WorkerType="G.1X", NumberOfWorkers=5, Timeout=120, MaxRetries=2,
                           DefaultArguments=arguments, ExecutionProperty={"MaxConcurrentRuns": 3},
                           Tags={"team": "data"})
    record = cloudtrail("glue.amazonaws.com", "CreateJob",
                        {"name": "nightly-etl", "role": role,
                         "command": {"name": "glueetl", "scriptLocation": "s3://etl-scripts/nightly ${date}.py"},
                         "tags": {"team": "data"}},
                        {"name": "nightly-etl"})
    expect = {"name": "nightly-etl", "description": "Nightly load %{x}", "role_arn": role, "glue_version": "4.0",
              "worker_type": "G.1X", "number_of_workers": 5, "timeout": 120, "max_retries": 2,
              "command": [{"script_location": "s3://etl-scripts/nightly ${date}.py", "python_version": "3"}],
              "execution_property": [{"max_concurrent_runs": 3}], "default_arguments": arguments,
              "tags": {"team": "data"}}
    return Made(record, "nightly-etl", expect)


def _job_gone(aws: Aws, name: str) -> bool:
    try:
        aws("glue").get_job(JobName=name)
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "EntityNotFoundException"
    return False


CASES = {"aws_glue_job": make_glue_job}
GONE = {"aws_glue_job": _job_gone}
PROVIDER_ENDPOINTS = {"glue"}
