"""`python -m bot classify`, run as a real process: one JSON line per record, exit codes, every input kind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, ROOT, corpus_record
from tests.shapes import LOG_BUCKET, cloudtrail_delivery, dumps, eventbridge, log_file, log_key, sns

RESOURCE_FIELDS = {"tf_type", "import_id", "name", "arn", "region", "account_id", "actor", "console_url"}
LINE_FIELDS = {"source", "event_id", "event_name", "verdict", "reason", "resources"}


def run(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> tuple[int, list[dict], str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "AWS_ENDPOINT_URL"))}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env={**base, **(env or {})}, input=stdin,
        capture_output=True, timeout=120,
    )
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    for line in lines:
        assert set(line) >= LINE_FIELDS, line
        assert (line["reason"] is None) == (line["verdict"] == "detected"), line
        for resource in line["resources"]:
            assert set(resource) >= RESOURCE_FIELDS, resource
    return proc.returncode, lines, proc.stderr.decode()


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_bucket_creation_line_has_every_field():
    path = str(CORPUS / "s3__CreateBucket__1.json")
    code, [line], _ = run("classify", path)
    assert code == 0
    assert line == {
        "source": path,
        "event_id": "16ab98c7-8007-4df8-9722-9b1732fa7f78",
        "event_name": "CreateBucket",
        "verdict": "detected",
        "reason": None,
        "reason_code": None,
        "resources": [
            {
                "tf_type": "aws_s3_bucket",
                "import_id": "test-backt-testfile01",
                "resolve": None,
                "name": "test-backt-testfile01",
                "arn": "arn:aws:s3:::test-backt-testfile01",
                "region": "ap-northeast-1",
                "account_id": "999999999999",
                "actor": "arn:aws:iam::999999999999:user/test001@test.com",
                "console_url": "https://s3.console.aws.amazon.com/s3/buckets/test-backt-testfile01?region=ap-northeast-1",
                "suggested_name": "test_backt_testfile01",
                "loses_data": True,
                "tags": {},
            }
        ],
    }


def test_one_line_per_record_across_inputs(tmp_path):
    bare = str(CORPUS / "ec2__DescribeInstances__1.json")
    event = eventbridge(corpus_record("s3__CreateBucket__2.json"))
    wrapped = write(tmp_path, "event.json", dumps(sns(json.dumps(event))))
    trail = write(tmp_path, "trail.json.gz", log_file([corpus_record("s3__CreateBucket__4.json"),
                                                       corpus_record("iam__CreateUser__5.json"),
                                                       corpus_record("s3__CreateBucket__5.json")]))
    code, lines, _ = run("classify", bare, wrapped, trail)
    assert code == 0
    assert [(line["source"], line["verdict"], line["reason"]) for line in lines] == [
        (bare, "ignored", "read-only: DescribeInstances is a read-only call"),
        (f"{wrapped} (SNS d4f1ba6e-7f2c-5b1e-9a43-1c6e0b2f9a11)", "detected", None),
        (f"{trail}#Records[0]", "detected", None),
        (f"{trail}#Records[1]", "ignored", "failed-call: errorCode=EntityAlreadyExists"),
        (f"{trail}#Records[2]", "ignored", lines[4]["reason"]),
    ]
    assert lines[4]["reason"].startswith("terraform: userAgent ")
    assert [r["import_id"] for r in lines[1]["resources"]] == ["custodian-create-bucket-v4"]
    assert [r["import_id"] for r in lines[2]["resources"]] == ["bucket-test-iad"]
    assert lines[3]["event_name"] == "CreateUser" and lines[3]["resources"] == []


def test_stdin():
    body = (CORPUS / "s3__CreateBucket__3.json").read_bytes()
    code, [line], _ = run("classify", "-", stdin=body)
    assert code == 0
    assert line["source"] == "-"
    assert [(r["tf_type"], r["import_id"]) for r in line["resources"]] == [
        ("aws_s3_bucket", "cloudtrailwatcher-000000000000")
    ]


def test_malformed_input_exits_1_and_the_others_are_still_classified(tmp_path):
    broken = write(tmp_path, "broken.json", b'{"Records": [')
    first, last = str(CORPUS / "s3__CreateBucket__1.json"), str(CORPUS / "sts__GetCallerIdentity__1.json")
    code, lines, _ = run("classify", first, broken, "-", last, stdin=b"\x1f\x8b\x08\x00")
    assert code == 1
    assert [(line["source"], line["verdict"]) for line in lines] == [
        (first, "detected"),
        (broken, "error"),
        ("-", "error"),
        (last, "ignored"),
    ]
    assert lines[1]["reason"] == "not JSON: Expecting value at line 1 column 14"
    assert lines[1]["event_id"] is None and lines[1]["resources"] == []
    assert lines[2]["reason"] == "truncated gzip data: the stream ends before its end marker"


def test_one_bad_record_in_a_log_file_exits_1(tmp_path):
    bad = corpus_record("s3__CreateBucket__2.json")
    bad["userIdentity"] = "root"
    trail = write(tmp_path, "trail.json.gz", log_file([corpus_record("s3__CreateBucket__1.json"), bad]))
    code, lines, _ = run("classify", trail)
    assert code == 1
    assert [(line["source"], line["verdict"], line["reason"]) for line in lines] == [
        (f"{trail}#Records[0]", "detected", None),
        (f"{trail}#Records[1]", "error", "CloudTrail record field 'userIdentity' must be an object, got a string"),
    ]


def test_nonexistent_path_is_an_error_line(tmp_path):
    missing = str(tmp_path / "no-such-file.json")
    good = str(CORPUS / "s3__CreateBucket__4.json")
    code, lines, _ = run("classify", missing, good)
    assert code == 1
    assert lines[0] == {
        "source": missing, "event_id": None, "event_name": None, "verdict": "error",
        "reason": "cannot read: No such file or directory", "reason_code": "malformed", "resources": [],
    }
    assert lines[1]["verdict"] == "detected"
    code, [line], _ = run("classify", str(tmp_path))
    assert (code, line["reason"]) == (1, "cannot read: Is a directory")


def test_service_event_and_digest_are_logged_not_dropped(tmp_path):
    from tests.shapes import codebuild_state_change, digest_key

    build = write(tmp_path, "build.json", dumps(codebuild_state_change()))
    digest = write(tmp_path, "digest.json", dumps(cloudtrail_delivery([digest_key()])))
    code, lines, stderr = run("classify", build, digest)
    assert (code, lines) == (0, [])
    assert f"{build}: codebuild-state event, not a CloudTrail record" in stderr
    assert "is a CloudTrail digest file, skipped" in stderr


def test_delivery_notification_fetches_the_log_file_from_s3(aws_client, aws_env, tmp_path):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=LOG_BUCKET)
    present, absent = log_key(stamp="20240501T1205Z"), log_key(stamp="20240501T1300Z")
    s3.put_object(Bucket=LOG_BUCKET, Key=present, Body=log_file([corpus_record("s3__CreateBucket__1.json"),
                                                                   corpus_record("kinesis__DescribeStream__1.json")]))
    notice = write(tmp_path, "notice.json", dumps(sns(cloudtrail_delivery([present]), message_id="n-1")))
    code, lines, _ = run("classify", notice, env=aws_env)
    assert code == 0
    assert [(line["source"], line["verdict"]) for line in lines] == [
        (f"s3://{LOG_BUCKET}/{present}#Records[0]", "detected"),
        (f"s3://{LOG_BUCKET}/{present}#Records[1]", "ignored"),
    ]
    missing = write(tmp_path, "missing.json", dumps(cloudtrail_delivery([absent])))
    code, [line], _ = run("classify", missing, env=aws_env)
    assert code == 1
    assert (line["source"], line["reason"]) == (
        f"s3://{LOG_BUCKET}/{absent}",
        f"cannot fetch the log file (NoSuchKey), named by {missing}",
    )


def rules_file(tmp_path: Path, rules: Any) -> str:
    return write(tmp_path, "rules.json", json.dumps(rules).encode())


def test_ignore_rules_option_and_setting(tmp_path):
    path = str(CORPUS / "s3__CreateBucket__1.json")
    rules = rules_file(tmp_path, [{"id": "tokyo", "region": "ap-northeast-1"}])
    for args, env in (((("--ignore-rules", rules)), {}), ((), {"TFSYNC_IGNORE_RULES_FILE": rules})):
        code, [line], _ = run("classify", *args, path, env=env)
        assert code == 0
        assert (line["verdict"], line["reason"]) == ("ignored", "ignore-rule: rule tokyo (region=ap-northeast-1)")


def test_own_roles_setting():
    path = str(CORPUS / "ec2__CreateVpc__1.json")  # an SSO administrator's session
    role = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_*"
    code, [line], _ = run("classify", path, env={"TFSYNC_OWN_ROLE_ARNS": role})
    assert code == 0
    assert line["verdict"] == "ignored" and line["reason"].startswith("tfsync-role: made by tfsync's own role ")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TFSYNC_STATE_LOCATIONS": "acme-tfstate/prod.tfstate"},
         "tfsync: configuration error: TFSYNC_STATE_LOCATIONS: 'acme-tfstate/prod.tfstate' is not an s3://bucket/key"),
        ({"TFSYNC_STATE_LOCATIONS": "s3:///prod.tfstate"},
         "tfsync: configuration error: TFSYNC_STATE_LOCATIONS: 's3:///prod.tfstate' is not an s3://bucket/key"),
        ({"TFSYNC_MAX_LOG_FILE_BYTES": "lots"},
         "tfsync: configuration error: TFSYNC_MAX_LOG_FILE_BYTES must be a whole number, got 'lots'"),
        ({"TFSYNC_LOG_LEVEL": "chatty"},
         "tfsync: configuration error: TFSYNC_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ({"TFSYNC_IGNORE_RULES_FILE": "/nonexistent/rules.json"},
         "tfsync: ignore rules /nonexistent/rules.json: No such file or directory"),
    ],
)
def test_configuration_errors_exit_2(env, message):
    code, lines, stderr = run("classify", str(CORPUS / "s3__CreateBucket__1.json"), env=env)
    assert (code, lines) == (2, [])
    assert message in stderr


def test_usage_errors_exit_2():
    code, lines, stderr = run("classify")
    assert (code, lines) == (2, []) and "PATH" in stderr
    code, lines, stderr = run("no-such-command")
    assert (code, lines) == (2, []) and "classify" in stderr


@pytest.mark.parametrize(("token", "missing"), [("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
                                                ("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN")])
def test_half_set_slack_tokens_are_an_error_not_the_sandbox(token: str, missing: str) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "AWS_ENDPOINT_URL", "SLACK_"))}
    proc = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env={**base, token: "xoxb-not-a-real-token"},
                          capture_output=True, timeout=120, text=True)
    assert proc.returncode == 2, proc.stderr
    assert f"{missing} is not set: tfsync on Slack needs both Slack tokens" in proc.stderr
    assert "sandbox ready" not in proc.stdout and "xoxb-not-a-real-token" not in proc.stdout + proc.stderr


def _summaries(results: list[Any]) -> list[tuple]:
    return [(r.source, r.event_id, r.verdict, r.reason, [(x.tf_type, x.import_id) for x in r.resources])
            for r in results]


@pytest.mark.parametrize("compress", [False, True])
def test_a_large_log_file_is_read_as_a_stream_with_the_verdicts_of_a_whole_read(tmp_path, compress):
    import gzip

    from bot.classify import Classifier
    from bot.events import parse_body

    records = [corpus_record(path.name) for path in sorted(CORPUS.glob("*.json"))] * 12  # past one run of records
    data = json.dumps({"Records": records}, separators=(",", ":")).encode()
    trail = write(tmp_path, "trail.json.gz" if compress else "trail.json", gzip.compress(data) if compress else data)
    code, lines, _ = run("classify", trail)
    expected = Classifier().classify_envelope(parse_body(data, trail, 1 << 30))
    assert code == (1 if any(r.verdict == "error" for r in expected) else 0)
    assert len(lines) == len(records) > 1000
    assert [(line["source"], line["event_id"], line["verdict"], line["reason"],
             [(r["tf_type"], r["import_id"]) for r in line["resources"]]) for line in lines] == _summaries(expected)


def test_a_log_file_broken_after_good_records_is_one_error_line(tmp_path):
    records = [corpus_record("s3__CreateBucket__1.json"), corpus_record("sts__GetCallerIdentity__1.json")] * 200
    data = json.dumps({"Records": records}, separators=(",", ":")).encode()
    broken = write(tmp_path, "broken.json", data[:-100] + b"]}")  # cut inside the last record
    good = str(CORPUS / "s3__CreateBucket__4.json")
    code, lines, _ = run("classify", broken, good)
    assert code == 1
    assert [(line["source"], line["verdict"]) for line in lines] == [(broken, "error"), (good, "detected")]
    assert lines[0]["reason"].startswith("not JSON: ")


def test_a_file_over_the_log_file_limit_is_refused_unread(tmp_path):
    path = str(CORPUS / "s3__CreateBucket__1.json")
    size = (CORPUS / "s3__CreateBucket__1.json").stat().st_size
    code, [line], _ = run("classify", path, env={"TFSYNC_MAX_LOG_FILE_BYTES": "100"})
    assert (code, line["verdict"], line["reason"]) == (1, "error", f"body is {size} bytes, over the 100-byte limit")


def test_lines_are_compact_utf8_json(tmp_path):
    record = corpus_record("s3__CreateBucket__1.json")
    path = write(tmp_path, "café.json", json.dumps(record).encode())
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "AWS_ENDPOINT_URL"))}
    proc = subprocess.run([sys.executable, "-m", "bot", "classify", path], cwd=ROOT, env=base, capture_output=True,
                          timeout=120, check=True)
    [line] = proc.stdout.splitlines()
    assert line.startswith(b'{"source":"' + path.encode() + b'","event_id":')  # UTF-8 as is, not \u escapes
    assert json.loads(line)["verdict"] == "detected"


def test_a_lone_surrogate_is_written_escaped(tmp_path):
    record = corpus_record("sts__GetCallerIdentity__1.json")
    record["eventName"] = "Get\ud800Identity"
    path = write(tmp_path, "odd.json", json.dumps(record).encode())  # ASCII, with the surrogate as an escape
    code, [line], _ = run("classify", path)
    assert (code, line["event_name"], line["verdict"]) == (0, "Get\ud800Identity", "ignored")


def test_lines_written_to_a_text_stream_keep_every_character(tmp_path):
    import io

    from bot.cli import main

    records = [dict(corpus_record("sts__GetCallerIdentity__1.json"), eventID=f"é-{n}-\u65e5") for n in range(3000)]
    path = write(tmp_path, "trail.json", json.dumps({"Records": records}, ensure_ascii=False).encode())
    out = io.StringIO()
    assert main(["classify", path], env={}, out=out) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["event_id"] for line in lines] == [f"é-{n}-\u65e5" for n in range(3000)]
