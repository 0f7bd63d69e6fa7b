"""Queue message bodies built from real CloudTrail records of the corpus, varied to make distinct events.

The S3 CreateBucket record (s3__CreateBucket__1.json) gets a new bucket name, eventID and eventTime per event.
The corpus has no DeleteBucket record: `delete_bucket_record` derives one from that CreateBucket record the way
CloudTrail writes DeleteBucket (same identity and request shape: requestParameters.bucketName and Host, no
CreateBucketConfiguration). Read-only noise comes from the corpus's read-only records as they are. The corpus is
tests/data/corpus/cloudtrail (tests.paths.CORPUS).
"""

from __future__ import annotations

import copy
import gzip
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.paths import CORPUS

CREATE_BUCKET = "s3__CreateBucket__1.json"
NOISE = (
    "ec2__DescribeInstances__1.json",
    "sts__GetCallerIdentity__1.json",
    "cloudformation__DescribeStacks__1.json",
    "ssm__DescribeParameters__1.json",
)
_BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def corpus(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / name).read_text(encoding="utf-8"))


def event_id(n: int, salt: str = "") -> str:
    """A stable, distinct CloudTrail eventID for event n."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tfsync-test/{salt}/{n}"))


def _time(seconds: int) -> str:
    return (_BASE_TIME + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def create_bucket_record(bucket: str, eid: str, at: int = 0) -> dict[str, Any]:
    record = corpus(CREATE_BUCKET)
    record["requestParameters"]["bucketName"] = bucket
    record["eventID"] = eid
    record["eventTime"] = _time(at)
    return record


def delete_bucket_record(bucket: str, eid: str, at: int) -> dict[str, Any]:
    record = corpus(CREATE_BUCKET)
    record["eventName"] = "DeleteBucket"
    record["requestParameters"] = {"bucketName": bucket, "Host": record["requestParameters"]["Host"]}
    record["eventID"] = eid
    record["eventTime"] = _time(at)
    return record


def noise_record(n: int) -> dict[str, Any]:
    record = copy.deepcopy(corpus(NOISE[n % len(NOISE)]))
    record["eventID"] = event_id(n, "noise")
    return record


def eventbridge(record: dict[str, Any]) -> str:
    """The body EventBridge puts on the queue for a CloudTrail API call."""
    return json.dumps(
        {
            "version": "0",
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"eventbridge/{record.get('eventID', '')}")),
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws." + record["eventSource"].split(".")[0],
            "account": record.get("recipientAccountId", ""),
            "time": record["eventTime"],
            "region": record["awsRegion"],
            "resources": [],
            "detail": record,
        }
    )


def put_log_file(s3: Any, bucket: str, key: str, records: list[dict[str, Any]]) -> str:
    """Store a CloudTrail log file and return the CloudTrail-to-SNS notification body that names it."""
    s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(json.dumps({"Records": records}).encode()))
    return json.dumps({"s3Bucket": bucket, "s3ObjectKey": [key]})


def send_all(sqs: Any, queue_url: str, bodies: list[str]) -> None:
    for start in range(0, len(bodies), 10):
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + 10])]
        response = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        assert not response.get("Failed"), response["Failed"]


def queue_depth(sqs: Any, queue_url: str) -> int:
    """Messages in a queue, visible or in flight."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(v) for v in attributes.values())
