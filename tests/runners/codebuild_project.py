"""The adopter CodeBuild project on moto, its artifact bucket and log group, and a build's log: for the tests that
start builds, follow them, or follow them again after the process that started them died."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

Aws = Callable[..., Any]
PROJECT = "tfsync-adopt"
BUCKET = "tfsync-artifacts"
LOG_GROUP = f"/aws/codebuild/{PROJECT}"


def create_project(aws: Aws) -> None:
    """The versioned artifact bucket, the adopter project and its log group, as infra/ makes them."""
    s3 = aws("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    aws("codebuild").create_project(
        name=PROJECT,
        # moto insists on a source location even for NO_SOURCE, which AWS does not; the value is never read.
        source={"type": "NO_SOURCE", "buildspec": "version: 0.2\n", "location": "unused"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
                     "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::123456789012:role/tfsync-adopt",
    )
    aws("logs").create_log_group(logGroupName=LOG_GROUP)


def write_log(aws: Aws, build_id: str, *lines: str) -> None:
    """The build's log stream (named by the build's UUID, as CodeBuild names it) with these lines."""
    logs = aws("logs")
    stream = build_id.rpartition(":")[2]
    now = int(time.time() * 1000)  # CloudWatch Logs drops events older than its retention window
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
    logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=stream,
                        logEvents=[{"timestamp": now + n, "message": line} for n, line in enumerate(lines)])


async def started_build(aws: Aws) -> str:
    """The id of the first build of the project, once one is started."""
    codebuild = aws("codebuild")
    for _ in range(200):
        ids = await asyncio.to_thread(lambda: codebuild.list_builds_for_project(projectName=PROJECT)["ids"])
        if ids:
            return str(ids[0])
        await asyncio.sleep(0.05)
    raise AssertionError("no build was started")
