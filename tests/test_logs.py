"""AWS credentials never reach the logs, even at DEBUG, where botocore logs every request it signs and every
response body it reads; Slack tokens neither."""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from bot.logs import MASK, RedactingFormatter, configure, redact
from tests.conftest import ROOT

# Run as `python -m bot` runs: bot.cli.main configures logging from TFSYNC_LOG_LEVEL, then the calls are made, each
# signature botocore computes is kept, and what must stay secret is written to SEEN for the test to look for.
SCRIPT = r"""
import json, logging, os, sys
from urllib.parse import parse_qs, urlsplit

import boto3
import botocore.auth
from botocore.config import Config
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from bot.cli import main

signatures = []
sign_v4 = botocore.auth.SigV4Auth.signature
sign_v1 = botocore.auth.HmacV1Auth.sign_string


def keep_v4(self, string_to_sign, request):
    signatures.append(sign_v4(self, string_to_sign, request))
    return signatures[-1]


def keep_v1(self, string_to_sign):
    signatures.append(sign_v1(self, string_to_sign))
    return signatures[-1]


botocore.auth.SigV4Auth.signature = keep_v4
botocore.auth.HmacV1Auth.sign_string = keep_v1


def calls(settings, out):
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint)
    sts.get_caller_identity()
    creds = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/tfsync-target", RoleSessionName="tfsync",
                            ExternalId=os.environ["EXTERNAL_ID"])["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name="us-east-1")
    session.client("sts", endpoint_url=endpoint).get_caller_identity()
    s3 = session.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket="tfsync-log-check")
    s3.list_buckets()
    # Presigned URLs, as S3 signs them by default here (SigV2 query) and with SigV4.
    v4 = session.client("s3", endpoint_url=endpoint, config=Config(signature_version="s3v4"))
    for client in (s3, v4):
        url = client.generate_presigned_url("get_object", Params={"Bucket": "tfsync-log-check", "Key": "k"})
        logging.getLogger("bot.check").debug("presigned URL: %s", url)
        query = parse_qs(urlsplit(url).query)
        signatures.extend(query.get("X-Amz-Signature", query.get("Signature", [])))

    class Item(Model):
        class Meta:
            table_name = "tfsync-log-check"
            region = "us-east-1"
            host = endpoint
            aws_access_key_id = creds["AccessKeyId"]
            aws_secret_access_key = creds["SecretAccessKey"]
            aws_session_token = creds["SessionToken"]

        key = UnicodeAttribute(hash_key=True)

    Item.create_table(read_capacity_units=1, write_capacity_units=1, wait=True)
    Item("r-1").save()
    Item.get("r-1")
    with open(os.environ["SEEN"], "w", encoding="utf-8") as fh:
        json.dump({"session": [creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]],
                   "signatures": signatures}, fh)
    return 0


sys.exit(main([], default=calls))
"""


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_a_debug_run_against_moto_logs_no_credential(aws_endpoint: str, tmp_path: Path) -> None:
    key_id = "AKIA" + _random(string.ascii_uppercase + string.digits, 16)
    secret = _random(string.ascii_letters + string.digits + "/+", 40)
    seen_file = tmp_path / "seen.json"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "AWS_ENDPOINT_URL": aws_endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": key_id,
        "AWS_SECRET_ACCESS_KEY": secret,
        "TFSYNC_LOG_LEVEL": "DEBUG",
        "SEEN": str(seen_file),
        "EXTERNAL_ID": "tfsync-" + _random(string.ascii_lowercase + string.digits, 24),
    }
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    log = done.stderr
    seen = json.loads(seen_file.read_text(encoding="utf-8"))

    # The run did log what carries credentials: signed requests, the AssumeRole answer, the presigned URL,
    # PynamoDB's DynamoDB calls.
    for shown in ("DEBUG botocore", "Authorization", "X-Amz-Security-Token", "AssumeRoleResponse", "presigned URL",
                  "PutItem", "GetItem", f"Credential={MASK}", f"Signature={MASK}", f"<SecretAccessKey>{MASK}<"):
        assert shown in log, shown
    session_key_id, session_secret, session_token = seen["session"]
    assert session_key_id.startswith("ASIA") and len(seen["signatures"]) >= 8
    hidden = [key_id, secret, session_key_id, session_secret, session_token, env["EXTERNAL_ID"], *seen["signatures"]]
    for value in hidden:
        assert len(value) >= 16
        for form in {value, quote(value, safe=""), quote(value)}:
            assert form not in log


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("headers={'Authorization': b'AWS4-HMAC-SHA256 Credential=ASIAQX7EXAMPLE12/20250101/us-east-1/sts/"
         "aws4_request, SignedHeaders=host;x-amz-date, Signature=9f3c2b'}", "ASIAQX7EXAMPLE12"),
        ("Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=9f3c2b77aa", "9f3c2b77aa"),
        ("Signature:\n" + "ab" * 32, "ab" * 32),
        ("x-amz-security-token:IQoJb3JpZ2luX2VjE/abc+def==\nx-amz-date:20250101T000000Z", "IQoJb3JpZ2luX2VjE"),
        ("{'X-Amz-Security-Token': b'IQoJb3JpZ2lu+/=='}", "IQoJb3JpZ2lu"),
        ("https://b.s3.amazonaws.com/k?X-Amz-Credential=ASIAQX7%2F20250101%2Fus-east-1%2Fs3%2Faws4_request"
         "&X-Amz-Date=20250101T000000Z", "ASIAQX7"),
        ("https://b.s3.amazonaws.com/k?X-Amz-Security-Token=IQoJb3%2Bx&X-Amz-Signature=c0ffee00", "c0ffee00"),
        ("https://b.s3.amazonaws.com/k?X-Amz-Security-Token=IQoJb3%2Bx&X-Amz-Signature=c0ffee00", "IQoJb3%2Bx"),
        ("b'<Credentials><AccessKeyId>ASIAXML</AccessKeyId><SecretAccessKey>xml/secret+1</SecretAccessKey>"
         "<SessionToken>xmltoken==</SessionToken></Credentials>'", "xml/secret+1"),
        ('b\'{"Credentials":{"AccessKeyId":"ASIAJSON","SecretKey":"json/secret","SessionToken":"jt=="}}\'',
         "json/secret"),
        ("{'aws_secret_access_key': 'repr/secret', 'region_name': 'us-east-1'}", "repr/secret"),
        ("aws_session_token=kv-token-value and more", "kv-token-value"),
        ("token=xoxb-1234-5678-abcdefghij in a payload", "xoxb-1234-5678-abcdefghij"),
        ("app token xapp-1-A01-123-abcdef", "xapp-1-A01-123-abcdef"),
        ("{'Authorization': b'AWS ASIAQX7EXAMPLE123:c2lnbmF0dXJl+/='}", "c2lnbmF0dXJl"),
        ("https://b.s3.amazonaws.com/k?AWSAccessKeyId=ASIAQX7EXAMPLE99&Signature=c2ln%2B", "ASIAQX7EXAMPLE99"),
        ("Action=AssumeRole&SecurityToken=IQoJv2token&Version=2011-06-15", "IQoJv2token"),
        ("'body': {'Action': 'AssumeRole', 'ExternalId': 'tfsync-ext-123'}", "tfsync-ext-123"),
    ],
)
def test_redact_masks_each_kind_of_credential(text: str, secret: str) -> None:
    shown = redact(text)
    assert secret not in shown and MASK in shown


def test_redact_keeps_what_is_not_a_credential() -> None:
    text = ("Making request for OperationModel(name=ListBuckets) with params: {'url_path': '/', "
            "'SignedHeaders': 'host;x-amz-date', 'NextToken': 'page-2', 'x-amz-date': '20250101T000000Z'}")
    assert redact(text) == text


def test_configure_leaves_a_configured_root_alone_and_redacts_its_own_handler() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        root.handlers = []
        configure("DEBUG", stream)
        [handler] = root.handlers
        assert isinstance(handler.formatter, RedactingFormatter) and root.level == logging.DEBUG
        headers = {"Authorization": "Credential=AKIA1/x, Signature=ab"}
        logging.getLogger("botocore.endpoint").debug("Sending %s", headers)
        configure("INFO", io.StringIO())  # a second call changes nothing
        assert root.handlers == [handler] and root.level == logging.DEBUG
    finally:
        root.handlers, root.level = saved[0], saved[1]
    assert stream.getvalue() == (
        f"DEBUG botocore.endpoint: Sending {{'Authorization': 'Credential={MASK}, Signature={MASK}'}}\n"
    )
