"""tfsync's log lines: one a record on stderr, with every credential taken out of the text.

At DEBUG the libraries log what they send and receive: botocore the Authorization header it signs (the access key
id in `Credential=`, the `Signature=`), the session token header, the canonical request and the signature it
computes, and each response body (an sts:AssumeRole answer holds a secret key and a session token); presigned URLs
carry `X-Amz-Credential`, `X-Amz-Signature` and the token in their query. Logs are read by more people, and kept
longer, than any credential should be, so the redaction works on the finished line (message, arguments and
traceback alike) whatever logger wrote it.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

FORMAT = "%(levelname)s %(name)s: %(message)s"
MASK = "***"

# Names whose values are credentials, in JSON, Python reprs and key=value text: `"SecretAccessKey": "..."`,
# `'SessionToken': '...'`, `aws_secret_access_key=...`.
# SigV2 query signing (S3's default for some presigned URLs) names them AWSAccessKeyId and SecurityToken; the
# external id a role requires (in each sts:AssumeRole request) is kept out too.
_CREDENTIAL_NAMES = (
    r"aws_secret_access_key|aws_session_token|aws_?access_?key_?id|secret_?access_?key|secret_?key|session_?token"
    r"|security_?token|access_?key_?id|external_?id"
)
# Each pattern keeps its first group (the name and what separates it from the value) and masks the rest.
_PATTERNS: tuple[re.Pattern[str], ...] = (
    # SigV4 Authorization header and presigned URLs: Credential=AKIA.../date/region/service/aws4_request,
    # X-Amz-Credential=ASIA...%2F..., Signature=<hex>, X-Amz-Signature=<hex>.
    re.compile(r"((?:x-amz-)?credential=)[^,\s'\"&\\]+", re.IGNORECASE),
    re.compile(r"((?:x-amz-)?signature=)[^,\s'\"&\\]+", re.IGNORECASE),
    # The SigV2 (hmacv1) Authorization header S3 still signs some requests with: "AWS <key id>:<signature>".
    re.compile(r"(\bAWS )[A-Z0-9]{16,128}:[^\s'\",\\]+"),
    # botocore.auth's own line: "Signature:\n<hex>".
    re.compile(r"(signature:\s*)[0-9a-f]{64}", re.IGNORECASE),
    # The session token as a header (repr or canonical request) or a query parameter.
    re.compile(r"(x-amz-security-token['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s&,}\\]+", re.IGNORECASE),
    # Credentials in XML response bodies (sts, iam): <SecretAccessKey>...</SecretAccessKey>.
    re.compile(r"(<(?:SecretAccessKey|SecretKey|SessionToken|AccessKeyId)>)[^<]*", re.IGNORECASE),
    # ... and in JSON bodies, reprs and key=value text.
    re.compile(rf"(['\"]?\b(?:{_CREDENTIAL_NAMES})['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s,}}&<\\]+", re.IGNORECASE),
    # Slack tokens, should a library log one: bot (xoxb-), user (xoxp-), app-level (xapp-) and the rest.
    re.compile(r"(\b)(?:xox[a-z]|xapp)-[0-9A-Za-z-]+"),
)


def redact(text: str) -> str:
    """The text with the value of every credential it holds replaced by MASK."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return text


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line has passed through redact()."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure(level: str, stream: TextIO | None = None) -> None:
    """Log at `level` to stream (stderr), through redaction, as logging.basicConfig would.

    Like basicConfig, it does nothing when the root logger has handlers already: a process embedding tfsync (or a
    test runner) keeps its own.
    """
    root = logging.getLogger()
    if root.handlers:
        return
    logging.basicConfig(level=level, stream=stream or sys.stderr, format=FORMAT)
    for handler in root.handlers:
        handler.setFormatter(RedactingFormatter(FORMAT))
