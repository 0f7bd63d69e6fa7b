"""CloudTrail log files in S3: fetch the objects a notification points at and read every record in them."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot.errors import InputError
from bot.events import Envelope, LogFileRef, parse_body


def fetch_log_file(s3: Any, ref: LogFileRef, max_bytes: int) -> Envelope:
    """Download one log file and parse it; failures come back as errors in the envelope, never raised."""
    envelope = Envelope(ref.uri)
    try:
        response = s3.get_object(Bucket=ref.bucket, Key=ref.key)
        # Closed even when only the first max_bytes + 1 bytes are read, so the connection is not left hanging.
        with response["Body"] as body:
            data = body.read(max_bytes + 1)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        envelope.errors.append(InputError(ref.uri, f"cannot fetch the log file ({code}), named by {ref.source}"))
        return envelope
    except BotoCoreError as exc:
        envelope.errors.append(InputError(ref.uri, f"cannot fetch the log file ({exc}), named by {ref.source}"))
        return envelope
    if len(data) > max_bytes:
        size = response.get("ContentLength") or f"more than {max_bytes}"
        envelope.errors.append(InputError(ref.uri, f"log file is {size} bytes, over the {max_bytes}-byte limit"))
        return envelope
    parsed = parse_body(data, ref.uri, max_bytes)
    if parsed.log_files or parsed.service_events:
        parsed.errors.append(InputError(ref.uri, "a log file must hold CloudTrail records, not notifications"))
        parsed.log_files.clear()
        parsed.service_events.clear()
    return parsed


def expand(envelope: Envelope, s3: Any, max_bytes: int) -> Envelope:
    """The envelope with every log file it points at fetched and its records added in."""
    if not envelope.log_files:
        return envelope
    expanded = Envelope(envelope.source, list(envelope.records), [], list(envelope.service_events),
                        list(envelope.errors), list(envelope.notes))
    for ref in envelope.log_files:
        expanded.extend(fetch_log_file(s3, ref, max_bytes))
    return expanded
