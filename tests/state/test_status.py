"""The status machine and the short resource id: pure, no AWS."""

from __future__ import annotations

import pytest

from bot.errors import TfsyncError
from bot.state import IllegalTransition, Status, TransitionConflict, resource_id
from bot.state.status import OPEN_STATUSES, TRANSITIONS, check_transition

LEGAL = {
    ("detected", "adopting"), ("adopting", "adopted"), ("adopting", "adopt_failed"), ("adopt_failed", "adopting"),
    ("detected", "deleting"), ("deleting", "deleted"), ("deleting", "delete_failed"), ("delete_failed", "deleting"),
    ("detected", "ignored"), ("ignored", "detected"), ("gone", "detected"), ("deleted", "detected"),
    *((s.value, "gone") for s in Status if s is not Status.GONE),
}  # fmt: skip


@pytest.mark.parametrize("source", [s.value for s in Status])
@pytest.mark.parametrize("target", [s.value for s in Status])
def test_every_pair_of_statuses_is_legal_exactly_when_the_machine_says(source: str, target: str) -> None:
    if (source, target) in LEGAL:
        assert check_transition("r-x", source, target) == (Status(source), Status(target))
    else:
        with pytest.raises(IllegalTransition) as caught:
            check_transition("r-x", source, target)
        assert isinstance(caught.value, TfsyncError)
        assert (caught.value.from_status, caught.value.to_status) == (source, target)


def test_the_table_and_the_open_statuses() -> None:
    assert {(s.value, t.value) for s, targets in TRANSITIONS.items() for t in targets} == LEGAL
    assert set(OPEN_STATUSES) == {Status.DETECTED, Status.ADOPTING, Status.ADOPT_FAILED, Status.DELETING,
                                  Status.DELETE_FAILED}


def test_unknown_status_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown status 'adopt'"):
        check_transition("r-x", "adopt", "detected")


def test_conflict_is_a_typed_error_naming_both_sides() -> None:
    error = TransitionConflict("r-x", "adopting", "detected", 1, "deleting", 2)
    assert isinstance(error, TfsyncError)
    assert "expected detected v1, it is now deleting v2" in str(error)


def test_resource_id_is_short_stable_and_distinct() -> None:
    arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/" + "x" * 1500
    rid = resource_id("111122223333", "us-east-1", "aws_lb", arn)
    assert rid == resource_id("111122223333", "us-east-1", "aws_lb", arn)
    assert len(rid) == 14 and rid.startswith("r-")
    others = {
        resource_id("111122223333", "us-east-2", "aws_lb", arn),
        resource_id("111122223334", "us-east-1", "aws_lb", arn),
        resource_id("111122223333", "us-east-1", "aws_alb", arn),
        resource_id("111122223333", "us-east-1", "aws_lb", arn + "y"),
        # The separator keeps field boundaries: ("ab", "c") and ("a", "bc") differ.
        resource_id("11112222333", "3us-east-1", "aws_lb", arn),
    }
    assert rid not in others and len(others) == 5
