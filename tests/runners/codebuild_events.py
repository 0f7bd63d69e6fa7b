"""EventBridge events as CodeBuild sends them ("CodeBuild Build State Change" / "Build Phase Change"), shaped after
the build notifications input format reference in the CodeBuild user guide, for a given build."""

from __future__ import annotations

import json
import uuid
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
_TIME = "Nov 29, 2026 9:14:28 PM"


def _additional(build_id: str, project: str, env: list[dict[str, str]], *, complete: bool) -> dict[str, Any]:
    stream = build_id.rpartition(":")[2]
    group = f"/aws/codebuild/{project}"
    return {
        "cache": {"type": "NO_CACHE"},
        "timeout-in-minutes": 30,
        "build-complete": complete,
        "initiator": "tfsync-bot",
        "build-start-time": _TIME,
        "source": {"buildspec": "version: 0.2\n", "type": "NO_SOURCE"},
        "artifact": {"location": ""},
        "environment": {
            "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
            "privileged-mode": False,
            "image-pull-credentials-type": "CODEBUILD",
            "compute-type": "BUILD_GENERAL1_SMALL",
            "type": "LINUX_CONTAINER",
            "environment-variables": [
                {"name": "TFSYNC_ARTIFACT_BUCKET", "type": "PLAINTEXT", "value": "tfsync-artifacts"},
                {"name": "TFSYNC_GIT_TOKEN", "type": "SECRETS_MANAGER",
                 "value": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:tfsync/repository-token"},
                *env,
            ],
        },
        "logs": {
            "group-name": group,
            "stream-name": stream,
            "deep-link": f"https://console.aws.amazon.com/cloudwatch/home?region={REGION}#logEvent:group={group};"
                         f"stream={stream}",
        },
        "phases": [
            {"phase-context": [], "start-time": _TIME, "end-time": _TIME, "duration-in-seconds": 0,
             "phase-type": "SUBMITTED", "phase-status": "SUCCEEDED"},
        ],
        "queued-timeout-in-minutes": 60,
    }


def _envelope(detail_type: str, build_arn: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": "aws.codebuild",
        "account": ACCOUNT,
        "time": "2026-11-29T21:14:28Z",
        "region": REGION,
        "resources": [build_arn],
        "detail": detail,
    }


def build_arn(build_id: str) -> str:
    return f"arn:aws:codebuild:{REGION}:{ACCOUNT}:build/{build_id}"


def state_change(build_id: str, project: str, status: str, env: list[dict[str, str]],
                 phase: str = "COMPLETED") -> bytes:
    """A "CodeBuild Build State Change" event; IN_PROGRESS while running, else a final status."""
    arn = build_arn(build_id)
    detail = {
        "build-status": status,
        "project-name": project,
        "build-id": arn,
        "additional-information": _additional(build_id, project, env, complete=status != "IN_PROGRESS"),
        "current-phase": phase,
        "current-phase-context": "[]",
        "version": "1",
    }
    return json.dumps(_envelope("CodeBuild Build State Change", arn, detail)).encode()


def phase_change(build_id: str, project: str, phase: str, status: str, env: list[dict[str, str]]) -> bytes:
    """A "CodeBuild Build Phase Change" event for a completed phase."""
    arn = build_arn(build_id)
    detail = {
        "completed-phase": phase,
        "project-name": project,
        "build-id": arn,
        "completed-phase-context": "[]" if status == "SUCCEEDED" else '[": Command did not exit successfully"]',
        "additional-information": _additional(build_id, project, env, complete=False),
        "completed-phase-status": status,
        "completed-phase-duration-seconds": 12,
        "version": "1",
        "completed-phase-start": _TIME,
        "completed-phase-end": _TIME,
    }
    return json.dumps(_envelope("CodeBuild Build Phase Change", arn, detail)).encode()
