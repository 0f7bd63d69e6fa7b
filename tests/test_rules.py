"""Ignore rules: each scope, expiry, and loading from a JSON file with clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.classify import Classifier
from bot.errors import ConfigError
from bot.events import CloudTrailRecord
from bot.rules import IgnoreRule, first_match, load_rules, rule_from_dict
from tests.conftest import corpus_record

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
# s3__CreateBucket__1: bucket test-backt-testfile01 in ap-northeast-1, account 999999999999, by an IAM user.
BUCKET = {
    "account_id": "999999999999",
    "region": "ap-northeast-1",
    "tf_type": "aws_s3_bucket",
    "name": "test-backt-testfile01",
    "actor": "arn:aws:iam::999999999999:user/test001@test.com",
    "tags": {"team": "data", "env": "sandbox-3"},
}


def classify(*rules: IgnoreRule, now: datetime = NOW):
    record = CloudTrailRecord(corpus_record("s3__CreateBucket__1.json"), "s3__CreateBucket__1.json")
    return Classifier(ignore_rules=rules, clock=lambda: now).classify(record)


@pytest.mark.parametrize(
    ("scope", "hit", "miss"),
    [
        ("account_id", "999999999999", "111111111111"),
        ("region", "ap-northeast-1", "us-east-1"),
        ("region", "ap-*", "eu-*"),
        ("tf_type", "aws_s3_bucket", "aws_sqs_queue"),
        ("name_pattern", "test-backt-*", "prod-*"),
        ("name_pattern", "TEST-BACKT-TESTFILE01", "test-backt"),  # case-insensitive, whole name
        ("actor", "arn:aws:iam::999999999999:user/test001@test.com", "arn:aws:iam::999999999999:user/bob"),
        ("actor", "*:user/TEST001@*", "*:role/*"),
        ("tag", "team", "owner"),
        ("tag", "team=data", "team=web"),
        ("tag", "env=sandbox-*", "env=prod*"),
    ],
)
def test_each_scope_matches_and_misses(scope, hit, miss):
    assert IgnoreRule(id="r", **{scope: hit}).matches(**BUCKET)
    assert not IgnoreRule(id="r", **{scope: miss}).matches(**BUCKET)


def test_every_set_field_must_match():
    both = IgnoreRule(id="r", region="ap-*", tf_type="aws_s3_bucket")
    assert both.matches(**BUCKET)
    assert not IgnoreRule(id="r", region="ap-*", tf_type="aws_iam_role").matches(**BUCKET)
    assert not both.matches(**{**BUCKET, "region": "us-east-1"})


def test_tag_value_is_case_sensitive_and_key_exact():
    assert not IgnoreRule(id="r", tag="team=DATA").matches(**BUCKET)
    assert not IgnoreRule(id="r", tag="Team").matches(**BUCKET)


@pytest.mark.parametrize(
    ("scope", "hit", "miss"),
    [
        ("account_id", "999999999999", "111111111111"),
        ("region", "ap-northeast-*", "us-*"),
        ("tf_type", "aws_s3_bucket", "aws_instance"),
        ("name_pattern", "test-*", "*-prod"),
        ("actor", "*test001@test.com", "*:role/admin"),
    ],
)
def test_scopes_through_the_classifier(scope, hit, miss):
    result = classify(IgnoreRule(id="sandbox", **{scope: hit}))
    assert (result.verdict, result.reason_code) == ("ignored", "ignore-rule")
    assert result.reason == f"ignore-rule: rule sandbox ({scope}={hit})"
    # The resource is still reported, so a person can see what the rule hid.
    assert [(r.tf_type, r.import_id) for r in result.resources] == [("aws_s3_bucket", "test-backt-testfile01")]
    assert classify(IgnoreRule(id="sandbox", **{scope: miss})).verdict == "detected"


def test_first_active_matching_rule_is_the_one_reported():
    miss = IgnoreRule(id="a", region="us-*")
    expired = IgnoreRule(id="b", region="ap-*", expires_at=NOW - timedelta(seconds=1))
    hit = IgnoreRule(id="c", tf_type="aws_s3_bucket")
    assert classify(miss, expired, hit).reason == "ignore-rule: rule c (tf_type=aws_s3_bucket)"


def test_expiry():
    rule = IgnoreRule(id="tmp", region="ap-*", expires_at=NOW + timedelta(hours=1))
    assert rule.active(NOW) and classify(rule).verdict == "ignored"
    assert not rule.active(NOW + timedelta(hours=1))
    assert classify(rule, now=NOW + timedelta(hours=1)).verdict == "detected"
    assert classify(rule, now=NOW + timedelta(days=3)).verdict == "detected"
    assert first_match([rule], NOW + timedelta(hours=2), **BUCKET) is None
    assert first_match([rule], NOW, **BUCKET) is rule


def write(tmp_path: Path, document: object, name: str = "rules.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def test_load_rules_list_and_object_forms(tmp_path):
    rules = [
        {"id": "sandbox", "account_id": "999999999999", "region": "ap-*", "reason": "sandbox account",
         "created_by": "U024BE7LH", "expires_at": "2024-06-01T00:00:00Z"},
        {"tag": "team=data"},
        {"name_pattern": "tmp-*", "expires_at": "2024-06-01T09:30:00"},
    ]
    loaded = load_rules(write(tmp_path, rules))
    wrapped = load_rules(write(tmp_path, {"rules": rules}, "wrapped.json"))
    assert [r.id for r in wrapped] == ["sandbox", "wrapped.json[1]", "wrapped.json[2]"]
    assert [(r.tag, r.name_pattern, r.expires_at) for r in wrapped] == [
        (r.tag, r.name_pattern, r.expires_at) for r in loaded
    ]
    first, second, third = loaded
    assert first == IgnoreRule(
        id="sandbox", account_id="999999999999", region="ap-*", reason="sandbox account", created_by="U024BE7LH",
        expires_at=datetime(2024, 6, 1, tzinfo=UTC),
    )
    assert second.id == "rules.json[1]" and second.tag == "team=data" and second.expires_at is None
    assert third.expires_at == datetime(2024, 6, 1, 9, 30, tzinfo=UTC)  # no zone given: UTC
    assert classify(*loaded).reason.startswith("ignore-rule: rule sandbox (account_id=999999999999, region=ap-*)")
    assert load_rules(write(tmp_path, [])) == ()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "ignore rules {path}: not JSON (Expecting property name enclosed in double quotes: "
                      "line 1 column 2 (char 1))"),
        ({"rule": []}, 'ignore rules {path}: expected a list of rules or {{"rules": [...]}}'),
        ("42", 'ignore rules {path}: expected a list of rules or {{"rules": [...]}}'),
        (["region"], "rules.json[0]: a rule must be an object"),
        ([{"region": "us-east-1", "regoin": "x"}], "rules.json[0]: unknown rule fields ['regoin']"),
        ([{"region": ["us-east-1"]}], "rules.json[0]: region must be a string"),
        ([{"tf_type": "aws_s3_bucket"}, {"reason": "no scope"}],
         "rules.json[1]: a rule needs at least one of account_id, region, tf_type, name_pattern, actor, tag"),
        ([{"account_id": "", "region": "us-east-1"}],
         "rules.json[0]: account_id is empty; leave it out to match any value"),
        ([{"tag": "=data"}], "rules.json[0]: tag '=data' has no key; write key or key=value-pattern"),
        ([{"region": "us-east-1", "expires_at": 1717200000}], "rules.json[0]: expires_at must be an ISO 8601 string"),
        ([{"region": "us-east-1", "expires_at": "next week"}],
         "rules.json[0]: expires_at 'next week' is not an ISO 8601 time"),
        ([{"region": "us-east-1", "id": 7}], "rules.json[0]: id must be a non-empty string"),
    ],
)
def test_load_rules_errors(tmp_path, document, message):
    path = write(tmp_path, document)
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    assert str(caught.value) == message.format(path=path)


def test_load_rules_missing_file(tmp_path):
    path = tmp_path / "absent.json"
    with pytest.raises(ConfigError, match=r"^ignore rules .*absent\.json: No such file or directory$"):
        load_rules(path)


def test_rule_from_dict_names_its_place():
    with pytest.raises(ConfigError, match=r"^settings\[3\]: a rule must be an object$"):
        rule_from_dict("x", "settings[3]")
    assert rule_from_dict({"region": "eu-*"}, "settings[3]").id == "settings[3]"
