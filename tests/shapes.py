"""Builders for the envelopes AWS wraps CloudTrail records in, in the shapes AWS documents and delivers them."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any
from urllib.parse import quote_plus

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:tfsync-cloudtrail"
LOG_BUCKET = "acme-cloudtrail-logs"


def log_key(account: str = "123456789012", region: str = "us-east-1", stamp: str = "20240501T1205Z") -> str:
    """A log-file key as CloudTrail names it: AWSLogs/<account>/CloudTrail/<region>/<y>/<m>/<d>/<file>.json.gz."""
    day = f"{stamp[0:4]}/{stamp[4:6]}/{stamp[6:8]}"
    return f"AWSLogs/{account}/CloudTrail/{region}/{day}/{account}_CloudTrail_{region}_{stamp}_Xq3T0mBcBtn1wPkv.json.gz"


def digest_key(account: str = "123456789012", region: str = "us-east-1") -> str:
    return (
        f"AWSLogs/{account}/CloudTrail-Digest/{region}/2024/05/01/"
        f"{account}_CloudTrail-Digest_{region}_acme-trail_{region}_20240501T120512Z.json.gz"
    )


def eventbridge(record: dict[str, Any], detail_type: str = "AWS API Call via CloudTrail") -> dict[str, Any]:
    """An EventBridge event carrying one CloudTrail record, as a rule target (SQS, Lambda) receives it."""
    # Tolerant of the malformed records tests feed it: the envelope's own fields fall back to plain values.
    service = str(record.get("eventSource", "unknown.amazonaws.com")).split(".")[0]
    identity = record.get("userIdentity")
    account = record.get("recipientAccountId") or (identity.get("accountId") if isinstance(identity, dict) else None)
    return {
        "version": "0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, str(record.get("eventID")))),
        "detail-type": detail_type,
        "source": f"aws.{service}",
        "account": account if isinstance(account, str) else "123456789012",
        "time": record.get("eventTime", "2024-05-01T12:00:00Z"),
        "region": record.get("awsRegion", "us-east-1"),
        "resources": [],
        "detail": record,
    }


def codebuild_state_change(status: str = "SUCCEEDED") -> dict[str, Any]:
    """A CodeBuild 'Build State Change' event, shaped as the CodeBuild user guide shows it."""
    build = "arn:aws:codebuild:us-west-2:123456789012:build/tfsync-adopt:8745a7a9-c340-456a-9166-edf953571bEX"
    return {
        "version": "0",
        "id": "bfdc1220-60ff-44ee-8ddb-b0f2a1b4c3d5",
        "detail-type": "CodeBuild Build State Change",
        "source": "aws.codebuild",
        "account": "123456789012",
        "time": "2024-05-01T16:14:28Z",
        "region": "us-west-2",
        "resources": [build],
        "detail": {
            "build-status": status,
            "project-name": "tfsync-adopt",
            "build-id": build,
            "additional-information": {
                "initiator": "tfsync",
                "build-complete": True,
                "build-start-time": "May 1, 2024 4:12:29 PM",
                "timeout-in-minutes": 60,
                "logs": {"group-name": "/aws/codebuild/tfsync-adopt", "stream-name": "8745a7a9"},
            },
            "current-phase": "COMPLETED",
            "current-phase-context": "[]",
            "version": "1",
        },
    }


def sns(message: str | dict[str, Any], message_id: str = "d4f1ba6e-7f2c-5b1e-9a43-1c6e0b2f9a11") -> dict[str, Any]:
    """An SNS notification as an SQS subscription without raw delivery stores it; Message is a JSON string."""
    body = message if isinstance(message, str) else json.dumps(message)
    return {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": TOPIC_ARN,
        "Message": body,
        "Timestamp": "2024-05-01T12:05:31.482Z",
        "SignatureVersion": "1",
        "Signature": (
            "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L"
            "10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q="
        ),
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
        "UnsubscribeURL": (
            "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
            f"{TOPIC_ARN}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55"
        ),
    }


def cloudtrail_delivery(keys: list[str], bucket: str = LOG_BUCKET) -> dict[str, Any]:
    """The message CloudTrail publishes to its SNS topic when it delivers log files."""
    return {"s3Bucket": bucket, "s3ObjectKey": keys}


def s3_event(key: str, bucket: str = LOG_BUCKET, event_name: str = "ObjectCreated:Put") -> dict[str, Any]:
    """An S3 event notification for one object; S3 URL-encodes the key (spaces as '+')."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventTime": "2024-05-01T12:05:30.113Z",
                "eventName": event_name,
                "userIdentity": {"principalId": "AWS:AROAJ4KZ7ZQLFDUMNMX5Y:regionalDeliverySession"},
                "requestParameters": {"sourceIPAddress": "52.95.4.10"},
                "responseElements": {
                    "x-amz-request-id": "C3D13FE58DE4C810",
                    "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "tfsync-log-files",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": quote_plus(key, safe="/"),
                        "size": 1843,
                        "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                        "sequencer": "0055AED6DCD90281E5",
                    },
                },
            }
        ]
    }


def log_file(records: list[dict[str, Any]], compress: bool = True) -> bytes:
    """A CloudTrail log file: {"Records": [...]}, gzip-compressed as CloudTrail writes it to S3."""
    data = json.dumps({"Records": records}).encode()
    return gzip.compress(data) if compress else data


def dumps(document: Any) -> bytes:
    return json.dumps(document).encode()
