"""What a job's result says about a plan that is not clean, in plain words, and what the record keeps of it."""

from __future__ import annotations

from bot.decisions import MAX_JOB_ERROR, failure_text
from bot.runners.job import JobResult, PlanChange, result_from_line


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
