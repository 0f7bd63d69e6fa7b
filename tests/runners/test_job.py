"""What a job's result says about a plan that is not clean, in plain words, and what the record keeps of it;
and reports that fail, which never change how a job goes."""

from __future__ import annotations

import logging

import pytest

from bot.decisions import MAX_JOB_ERROR, failure_text
from bot.runners.job import (
    AdoptJob,
    JobPhase,
    JobResult,
    PlanChange,
    RecordingReporter,
    SafeReporter,
    result_from_line,
)


def test_each_kind_of_change_in_plain_words() -> None:
    update = PlanChange("aws_lb.web", ("update",), ("idle_timeout", "tags"))
    replace = PlanChange("aws_kms_key.k", ("delete", "create"), ("key_usage", "description"), ("key_usage",))
    create = PlanChange("aws_vpc.v", ("create",), ("cidr_block",))
    destroy = PlanChange("aws_subnet.s", ("delete",), ("id",))
    assert update.describe() == "aws_lb.web would be changed: idle_timeout, tags would change"
    assert replace.describe() == "aws_kms_key.k would be replaced: key_usage forces it; description would change"
    assert create.describe() == "aws_vpc.v would be created"
    assert destroy.describe() == "aws_subnet.s would be destroyed: id would change"


def test_the_script_result_carries_the_changes_and_whether_a_plan_proved_it() -> None:
    line = {"status": "failed", "error": "the plan is not clean", "verified": True,
            "plan": {"import": 1, "add": 0, "change": 1, "destroy": 0},
            "changes": [{"address": "aws_lb.web", "actions": ["update"], "attributes": ["idle_timeout"],
                         "replace": []}, "not a change", {"actions": ["update"]}]}
    result = result_from_line(line)
    assert result.verified is False, "a failed job is never verified"
    assert result.changes == (PlanChange("aws_lb.web", ("update",), ("idle_timeout",)),)
    assert result_from_line({"status": "succeeded", "verified": True}).verified
    assert not result_from_line({"status": "succeeded"}).verified


def test_the_record_keeps_the_reason_and_each_change() -> None:
    changes = tuple(PlanChange(f"aws_sqs_queue.q{i}", ("update",), ("max_message_size",)) for i in range(25))
    text = failure_text(JobResult(status="failed", error="the plan is not clean", changes=changes))
    assert text is not None and text.startswith("the plan is not clean\n• aws_sqs_queue.q0 would be changed")
    assert text.count("• ") == 21 and text.endswith("• … and 5 more") and len(text) <= MAX_JOB_ERROR
    assert failure_text(JobResult(status="succeeded")) is None


class _Down:
    async def phase(self, job: AdoptJob, phase: JobPhase) -> None:
        raise RuntimeError("Slack is down")

    async def result(self, job: AdoptJob, result: JobResult) -> None:
        raise RuntimeError("Slack is down")


_JOB = AdoptJob(job_id="r-1-v2", resource_id="r-1", tf_type="aws_s3_bucket", import_id="logs",
                address="aws_s3_bucket.logs", target_module="", mode="pr", files=(),
                imports=(("aws_s3_bucket.logs", "logs"),))


async def test_a_safe_reporter_passes_reports_on_and_logs_the_ones_that_fail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recording = RecordingReporter()
    safe = SafeReporter.wrap(recording)
    assert SafeReporter.wrap(safe) is safe, "wrapped once, however often it is handed on"
    await safe.phase(_JOB, JobPhase("plan", "succeeded"))
    await safe.result(_JOB, JobResult(status="succeeded"))
    assert recording.phases == [("r-1-v2", JobPhase("plan", "succeeded"))]
    assert recording.results == [("r-1-v2", JobResult(status="succeeded"))]

    down = SafeReporter(_Down())
    with caplog.at_level(logging.ERROR, logger="bot.runners.job"):
        await down.phase(_JOB, JobPhase("plan", "succeeded"))
        await down.result(_JOB, JobResult(status="failed", error="x"))
    logged = [r for r in caplog.records if r.name == "bot.runners.job"]
    assert [r.getMessage() for r in logged] == [
        "job r-1-v2: could not report the phase plan succeeded",
        "job r-1-v2: could not report its result (failed)",
    ]
    assert all(r.exc_info and str(r.exc_info[1]) == "Slack is down" for r in logged)
