"""ClickOps for the sandbox: create a resource of any catalog type in the embedded AWS, as a person at the console
(or Terraform) would, and put the CloudTrail event that call produces on the real queue, in EventBridge's shape.

Each type's creator lives with its type in bot/catalog/<service>/create.py: it makes the resource with boto3 and
returns the `requestParameters` and `responseElements` CloudTrail records for that call. This module shapes the
whole record around them and sends it. The import ID reported back is the one the catalog reads from that record,
so it is what tfsync will see.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot import aws
from bot.catalog import CATALOG, CREATE, ExtractError
from bot.catalog._create import Call, CreateContext, CreateError, Creator, slug
from bot.config import Settings
from bot.events import CLOUDTRAIL_DETAIL_TYPE, CloudTrailRecord
from sandbox.aws import ACCOUNT_ID

logger = logging.getLogger(__name__)

BURST_SIZE = 20
CONSOLE = "console"
TERRAFORM = "terraform"
ORIGINS = (CONSOLE, TERRAFORM)
TERRAFORM_USER_AGENT = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 os/linux lang/go#1.23.3"
)
# What the consoles put in userAgent; the S3 console's is its own, most others say console.<service>.
_CONSOLE_AGENTS = {
    "s3.amazonaws.com": "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.226 "
                        "OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 vendor/Oracle_Corporation]",
    "ec2.amazonaws.com": "console.ec2.amazonaws.com",
}
_DEFAULT_CONSOLE_AGENT = "console.amazonaws.com"
_SSO_ROLE = "AWSReservedSSO_AdministratorAccess_5d2f1a7b9c3e4d60"


class ClickOpsError(Exception):
    """The resource could not be made: an unknown type, a bad name, or the (embedded) AWS said no."""


@dataclass(frozen=True, slots=True)
class Created:
    """What one ClickOps creation made and emitted."""

    tf_type: str
    name: str
    import_id: str
    event_id: str
    origin: str
    actor: str

    def as_dict(self) -> dict[str, str]:
        return {"tf_type": self.tf_type, "name": self.name, "import_id": self.import_id, "event_id": self.event_id,
                "as": self.origin, "actor": self.actor}


# Every catalog type's creator, from its service's package (bot/catalog/<service>/create.py).
CREATORS: Mapping[str, Creator] = CREATE


def default_name(tf_type: str) -> str:
    base = tf_type.removeprefix("aws_").replace("_", "-")
    return f"demo-{base}-{secrets.token_hex(2)}"


# --- the CloudTrail record and its EventBridge envelope ----------------------------------------------------------


def user_identity(actor: str) -> dict[str, Any]:
    """Who made the call: an email is an IAM Identity Center (SSO) session, anything else an IAM user name."""
    actor = actor.strip() or "alice@example.com"
    if "@" in actor:
        issuer = f"arn:aws:iam::{ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/{_SSO_ROLE}"
        return {
            "type": "AssumedRole",
            "principalId": f"AROAYSANDBOXSSOROLE:{actor}",
            "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{_SSO_ROLE}/{actor}",
            "accountId": ACCOUNT_ID,
            "accessKeyId": "ASIAYSANDBOXCONSOLE",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": "AROAYSANDBOXSSOROLE", "arn": issuer,
                                  "accountId": ACCOUNT_ID, "userName": _SSO_ROLE},
                "attributes": {"creationDate": _now(), "mfaAuthenticated": "false"},
            },
        }
    user = re.sub(r"[^\w+=,.@-]+", "-", actor)[:64]
    return {"type": "IAMUser", "principalId": "AIDAYSANDBOXUSER", "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/{user}",
            "accountId": ACCOUNT_ID, "accessKeyId": "ASIAYSANDBOXCONSOLE", "userName": user}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cloudtrail_record(tf_type: str, call: Call, actor: str, origin: str, region: str) -> dict[str, Any]:
    """The CloudTrail record of one creation, as AWS writes it for a console (or Terraform) call."""
    entry = CATALOG[tf_type]
    console = origin == CONSOLE
    record: dict[str, Any] = {
        "eventVersion": "1.10",
        "userIdentity": user_identity(actor),
        "eventTime": _now(),
        "eventSource": entry.event_source,
        "eventName": call.event_name or entry.create_events[0],
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.24" if console else "198.51.100.7",
        "userAgent": _CONSOLE_AGENTS.get(entry.event_source, _DEFAULT_CONSOLE_AGENT) if console
        else TERRAFORM_USER_AGENT,
        "requestParameters": call.request,
        "responseElements": call.response,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT_ID,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                       "clientProvidedHostHeader": f"{entry.event_source.split('.')[0]}.{region}.amazonaws.com"},
    }
    if console:
        record["sessionCredentialFromConsole"] = "true"
    return record


def eventbridge_event(record: dict[str, Any]) -> dict[str, Any]:
    """The EventBridge event that carries a CloudTrail record to the queue (detail-type AWS API Call via CloudTrail)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": CLOUDTRAIL_DETAIL_TYPE,
        "source": "aws." + record["eventSource"].split(".")[0],
        "account": record["recipientAccountId"],
        "time": record["eventTime"],
        "region": record["awsRegion"],
        "resources": [],
        "detail": record,
    }


class ClickOps:
    """Makes resources in the embedded AWS and sends their creation events to the queue tfsync consumes."""

    def __init__(self, settings: Settings, queue_url: str, region: str | None = None) -> None:
        self.settings = settings
        self.queue_url = queue_url
        self.region = region or settings.aws_region
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._ctx = CreateContext(client=self._client, account_id=ACCOUNT_ID, region=self.region, counter=self._next)

    def _next(self) -> int:
        with self._lock:
            return next(self._counter)

    def _client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = aws.client(self.settings, service, self.region)
            return self._clients[service]

    @staticmethod
    def types() -> list[dict[str, Any]]:
        """The catalog types ClickOps can make, for the page's picker."""
        return [{"tf_type": tf_type, "label": CATALOG[tf_type].label or tf_type, "service": CATALOG[tf_type].service,
                 "loses_data": CATALOG[tf_type].loses_data} for tf_type in sorted(CREATORS)]

    def make(self, tf_type: str, name: str = "", tags: Mapping[str, str] | None = None,
             actor: str = "alice@example.com", origin: str = CONSOLE) -> tuple[dict[str, Any], list[Any]]:
        """Make one resource in the embedded AWS: its CloudTrail record and what the catalog reads from it."""
        if tf_type not in CREATORS:
            raise ClickOpsError(f"{tf_type!r} is not a type tfsync knows; choose one of the catalog's types")
        if origin not in ORIGINS:
            raise ClickOpsError(f"'as' must be one of {', '.join(ORIGINS)}, got {origin!r}")
        clean_tags = {str(k).strip(): str(v) for k, v in (tags or {}).items() if str(k).strip()}
        name = name.strip() or default_name(tf_type)
        try:
            call = CREATORS[tf_type](self._ctx, name, clean_tags)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            why = f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip()
            raise ClickOpsError(f"AWS refused: {why}") from None
        except BotoCoreError as exc:
            raise ClickOpsError(f"the embedded AWS failed: {exc}") from None
        except CreateError as exc:
            raise ClickOpsError(str(exc)) from None
        record = cloudtrail_record(tf_type, call, actor, origin, self.region)
        try:
            found = CATALOG[tf_type].resolve(CloudTrailRecord(record, "sandbox clickops"))
        except ExtractError as exc:
            raise ClickOpsError(f"the creation record for {tf_type} is incomplete: {exc}") from None
        return record, found

    def create(self, tf_type: str, name: str = "", tags: Mapping[str, str] | None = None,
               actor: str = "alice@example.com", origin: str = CONSOLE) -> Created:
        """Make one resource and emit its creation event; ClickOpsError when it cannot be made."""
        record, found = self.make(tf_type, name, tags, actor, origin)
        name = name.strip() or default_name(tf_type)
        body = json.dumps(eventbridge_event(record))
        aws.client(self.settings, "sqs").send_message(QueueUrl=self.queue_url, MessageBody=body)
        created = Created(tf_type=tf_type, name=found[0].name if found else name,
                          import_id=found[0].import_id if found else "", event_id=record["eventID"], origin=origin,
                          actor=actor)
        logger.info("clickops: %s %s made %s %s (event %s)", actor, "in the console" if origin == CONSOLE
                    else "with Terraform", tf_type, created.import_id, created.event_id)
        return created

    def burst(self, tf_type: str, name: str = "", tags: Mapping[str, str] | None = None,
              actor: str = "alice@example.com", origin: str = CONSOLE, count: int = BURST_SIZE) -> list[Created]:
        """`count` resources at once (as a person clicking fast, or a script run from a laptop)."""
        base = slug(name or default_name(tf_type), limit=40)
        names = [f"{base}-{index:02d}" for index in range(1, count + 1)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            return list(pool.map(lambda n: self.create(tf_type, n, tags, actor, origin), names))
