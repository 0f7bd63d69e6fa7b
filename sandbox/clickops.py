"""ClickOps for the sandbox: create a resource of any catalog type in the embedded AWS, as a person at the console
(or Terraform) would, and put the CloudTrail event that call produces on the real queue, in EventBridge's shape.

Each type's creator lives with its type in bot/catalog/<service>/create.py: it makes the resource with boto3 and
returns the `requestParameters` and `responseElements` CloudTrail records for that call. This module shapes the
whole record around them and sends it. The import ID reported back is the one the catalog reads from that record,
so it is what tfsync will see.

A resource can be made in either sandbox account (sandbox/aws.py): in the other one, with clients signed by the
organisation's access role there, and the event says that account, as that account's trail would.
"""

from __future__ import annotations

import functools
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
from sandbox.aws import ACCOUNT_ID, ACCOUNTS, console_access

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
    account: str = ACCOUNT_ID

    def as_dict(self) -> dict[str, str]:
        return {"tf_type": self.tf_type, "name": self.name, "import_id": self.import_id, "event_id": self.event_id,
                "as": self.origin, "actor": self.actor, "account": self.account}


# SQS takes up to ten messages a call.
SQS_BATCH = 10
# Every catalog type's creator, from its service's package (bot/catalog/<service>/create.py).
CREATORS: Mapping[str, Creator] = CREATE
# Types whose creator works against AWS but not against the embedded one (moto 5.2): the sandbox does not offer them,
# and says why when asked. tests/codegen/cases/ declares the same types as UNSERVED, tested with recorded responses.
EMULATOR_GAPS: Mapping[str, str] = {
    "aws_docdb_cluster": "moto refuses the docdb engine on CreateDBCluster and has no DocumentDB backend",
    "aws_ecrpublic_repository": "moto does not serve ECR Public (every call answers 404 'Not yet implemented')",
    "aws_s3_directory_bucket": "moto does not make S3 directory buckets (CreateBucket with a directory "
                               "configuration answers NoSuchBucket)",
}


def default_name(tf_type: str) -> str:
    base = tf_type.removeprefix("aws_").replace("_", "-")
    return f"demo-{base}-{secrets.token_hex(2)}"


# --- the CloudTrail record and its EventBridge envelope ----------------------------------------------------------


def user_identity(actor: str, account: str = ACCOUNT_ID) -> dict[str, Any]:
    """Who made the call, in `account`: an email is an IAM Identity Center (SSO) session, anything else an IAM user
    name."""
    actor = actor.strip() or "alice@example.com"
    if "@" in actor:
        issuer = f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/{_SSO_ROLE}"
        return {
            "type": "AssumedRole",
            "principalId": f"AROAYSANDBOXSSOROLE:{actor}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{_SSO_ROLE}/{actor}",
            "accountId": account,
            "accessKeyId": "ASIAYSANDBOXCONSOLE",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": "AROAYSANDBOXSSOROLE", "arn": issuer,
                                  "accountId": account, "userName": _SSO_ROLE},
                "attributes": {"creationDate": _now(), "mfaAuthenticated": "false"},
            },
        }
    user = re.sub(r"[^\w+=,.@-]+", "-", actor)[:64]
    return {"type": "IAMUser", "principalId": "AIDAYSANDBOXUSER", "arn": f"arn:aws:iam::{account}:user/{user}",
            "accountId": account, "accessKeyId": "ASIAYSANDBOXCONSOLE", "userName": user}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cloudtrail_record(tf_type: str, call: Call, actor: str, origin: str, region: str,
                      account: str = ACCOUNT_ID) -> dict[str, Any]:
    """The CloudTrail record of one creation in `account`, as AWS writes it for a console (or Terraform) call."""
    entry = CATALOG[tf_type]
    console = origin == CONSOLE
    record: dict[str, Any] = {
        "eventVersion": "1.10",
        "userIdentity": user_identity(actor, account),
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
        "recipientAccountId": account,
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
        self._access = console_access(settings)
        self._clients: dict[tuple[str, str], Any] = {}
        self._contexts = {
            account: CreateContext(client=functools.partial(self._client, account), account_id=account,
                                   region=self.region, counter=self._next)
            for account in ACCOUNTS
        }

    def _next(self) -> int:
        with self._lock:
            return next(self._counter)

    def _client(self, account: str, service: str) -> Any:
        with self._lock:
            if (account, service) not in self._clients:
                self._clients[account, service] = self._access.client(account, service, self.region)
            return self._clients[account, service]

    @staticmethod
    def types() -> list[dict[str, Any]]:
        """The catalog types ClickOps can make, for the page's picker."""
        return [{"tf_type": tf_type, "label": CATALOG[tf_type].label or tf_type, "service": CATALOG[tf_type].service,
                 "loses_data": CATALOG[tf_type].loses_data} for tf_type in sorted(CREATORS)
                if tf_type not in EMULATOR_GAPS]

    def make(self, tf_type: str, name: str = "", tags: Mapping[str, str] | None = None,
             actor: str = "alice@example.com", origin: str = CONSOLE,
             account: str = ACCOUNT_ID) -> tuple[dict[str, Any], list[Any]]:
        """Make one resource in the embedded AWS, in `account`: its CloudTrail record and what the catalog reads
        from it."""
        if account not in self._contexts:
            raise ClickOpsError(f"'account' must be one of {', '.join(ACCOUNTS)}, got {account!r}")
        if tf_type not in CREATORS:
            raise ClickOpsError(f"{tf_type!r} is not a type tfsync knows; choose one of the catalog's types")
        if tf_type in EMULATOR_GAPS:
            raise ClickOpsError(f"the sandbox cannot make a {tf_type}: {EMULATOR_GAPS[tf_type]}")
        if origin not in ORIGINS:
            raise ClickOpsError(f"'as' must be one of {', '.join(ORIGINS)}, got {origin!r}")
        clean_tags = {str(k).strip(): str(v) for k, v in (tags or {}).items() if str(k).strip()}
        name = name.strip() or default_name(tf_type)
        try:
            call = CREATORS[tf_type](self._contexts[account], name, clean_tags)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            why = f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip()
            raise ClickOpsError(f"AWS refused: {why}") from None
        except BotoCoreError as exc:
            raise ClickOpsError(f"the embedded AWS failed: {exc}") from None
        except CreateError as exc:
            raise ClickOpsError(str(exc)) from None
        record = cloudtrail_record(tf_type, call, actor, origin, self.region, account)
        try:
            found = CATALOG[tf_type].resolve(CloudTrailRecord(record, "sandbox clickops"))
        except ExtractError as exc:
            raise ClickOpsError(f"the creation record for {tf_type} is incomplete: {exc}") from None
        return record, found

    def create(self, tf_type: str, name: str = "", tags: Mapping[str, str] | None = None,
               actor: str = "alice@example.com", origin: str = CONSOLE, account: str = ACCOUNT_ID, *,
               send_event: bool = True) -> Created:
        """Make one resource in `account` and emit its creation event; ClickOpsError when it cannot be made. With
        `send_event` False the event is lost on the way, as in a trail gap or an outage: only a scan finds it."""
        created, body = self._made(tf_type, name, tags, actor, origin, account)
        if send_event:
            aws.client(self.settings, "sqs").send_message(QueueUrl=self.queue_url, MessageBody=body)
        else:
            logger.info("clickops: the creation event of %s %s is lost on the way", tf_type, created.import_id)
        return created

    def _made(self, tf_type: str, name: str, tags: Mapping[str, str] | None, actor: str, origin: str,
              account: str) -> tuple[Created, str]:
        """One resource made, and the EventBridge body of its creation event, not yet sent."""
        record, found = self.make(tf_type, name, tags, actor, origin, account)
        name = name.strip() or default_name(tf_type)
        created = Created(tf_type=tf_type, name=found[0].name if found else name,
                          import_id=found[0].import_id if found else "", event_id=record["eventID"], origin=origin,
                          actor=actor, account=account)
        logger.info("clickops: %s %s made %s %s in account %s (event %s)", actor, "in the console"
                    if origin == CONSOLE else "with Terraform", tf_type, created.import_id, account, created.event_id)
        return created, json.dumps(eventbridge_event(record))

    def burst(self, tf_type: str, name: str = "", tags: Mapping[str, str] | None = None,
              actor: str = "alice@example.com", origin: str = CONSOLE, count: int = BURST_SIZE,
              account: str = ACCOUNT_ID) -> list[Created]:
        """`count` resources at once (as a script run from a laptop): all made, then their creation events sent
        together, as EventBridge delivers a burst's events within moments of each other. Sent as they were made,
        on a slow machine they would trickle in over seconds and look like so many separate creations."""
        base = slug(name or default_name(tf_type), limit=40)
        names = [f"{base}-{index:02d}" for index in range(1, count + 1)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            made = list(pool.map(lambda n: self._made(tf_type, n, tags, actor, origin, account), names))
        sqs = aws.client(self.settings, "sqs")
        for start in range(0, len(made), SQS_BATCH):
            batch = made[start:start + SQS_BATCH]
            answer = sqs.send_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(index), "MessageBody": body} for index, (_, body) in enumerate(batch)])
            if answer.get("Failed"):
                raise ClickOpsError(f"the queue refused {len(answer['Failed'])} of the burst's events: "
                                    f"{answer['Failed'][0].get('Message', '')}")
        return [created for created, _ in made]
