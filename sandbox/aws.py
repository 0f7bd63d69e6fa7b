"""Embedded AWS for the sandbox: moto in server mode on 127.0.0.1, provisioned as `infra/` provisions an account.

The queue and its dead-letter queue, the state tables, a Terraform state bucket holding an example state (so some
resources are already managed), and the adopter's versioned artifact bucket. Names follow infra/'s modules with
the installation name `tfsync`.

A second account, as an organisation trail brings them: moto serves every account, and a request signed with
credentials from sts:AssumeRole into a role of account 999999999999 acts in that account. ClickOps makes resources
there as a person signed into that account would; tfsync reaches it through the member role the sandbox makes
there (unless started without it, to show the refusal).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot import aws
from bot.accounts import AccountAccess
from bot.config import Secret, Settings

logger = logging.getLogger(__name__)

INSTALLATION = "tfsync"
ACCOUNT_ID = "123456789012"  # moto's account
OTHER_ACCOUNT_ID = "999999999999"  # a member account of the sandbox's organisation
ACCOUNTS = (ACCOUNT_ID, OTHER_ACCOUNT_ID)
MEMBER_ROLE_NAME = f"{INSTALLATION}-member"
# The role AWS Organizations makes in every account it creates: how the sandbox's people (and its set-up) get in.
CONSOLE_ROLE_NAME = "OrganizationAccountAccessRole"
QUEUE_NAME = f"{INSTALLATION}-events"
DLQ_NAME = f"{INSTALLATION}-events-dlq"
MAX_RECEIVE_COUNT = 5
STATE_BUCKET = f"{INSTALLATION}-sandbox-terraform-state"
STATE_KEY = "live/terraform.tfstate"
LOCK_TABLE = f"{INSTALLATION}-sandbox-terraform-locks"
ARTIFACT_BUCKET = f"{INSTALLATION}-artifacts-{ACCOUNT_ID}"
# moto's well-known fake credentials: boto3 signs even requests to moto, and the sandbox must never pick up a real
# profile or session from the environment it was started in.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
CREDENTIAL_LEAKS = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN",
                    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")


@dataclass(frozen=True, slots=True)
class ManagedExample:
    """A resource the example Terraform state manages (and the sandbox creates in moto to match)."""

    module: str
    tf_type: str
    label: str
    import_id: str
    attributes: dict[str, Any]


MANAGED_EXAMPLES = (
    ManagedExample("storage", "aws_s3_bucket", "assets", "acme-app-assets",
                   {"id": "acme-app-assets", "bucket": "acme-app-assets", "arn": "arn:aws:s3:::acme-app-assets"}),
    ManagedExample("storage", "aws_dynamodb_table", "orders", "acme-orders",
                   {"id": "acme-orders", "name": "acme-orders",
                    "arn": f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/acme-orders"}),
    ManagedExample("compute", "aws_iam_role", "app", "acme-app-runner",
                   {"id": "acme-app-runner", "name": "acme-app-runner",
                    "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/acme-app-runner"}),
)


def role_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{name}"


def console_access(settings: Settings) -> AccountAccess:
    """Clients in each sandbox account as a person signed into it: tfsync's own (moto's) credentials in its own
    account, the organisation's access role assumed in the other."""
    return AccountAccess(replace(settings, account_id=ACCOUNT_ID, member_role_name=None, role_external_id=Secret(""),
                                 account_roles={OTHER_ACCOUNT_ID: role_arn(OTHER_ACCOUNT_ID, CONSOLE_ROLE_NAME)}),
                         purpose="sandbox-console")


# The names the sandbox's two accounts go by in Slack (TFSYNC_ACCOUNT_ALIASES), unless it is given others.
ACCOUNT_ALIASES = {ACCOUNT_ID: "sandbox", OTHER_ACCOUNT_ID: "sandbox-member"}


def with_member_role(settings: Settings, enabled: bool) -> Settings:
    """The settings naming tfsync's own account, the sandbox's names for its accounts and, when `enabled`, the member
    role tfsync assumes in the other."""
    roles = dict(settings.account_roles)
    if enabled:
        roles.setdefault(OTHER_ACCOUNT_ID, role_arn(OTHER_ACCOUNT_ID, MEMBER_ROLE_NAME))
    return replace(settings, account_id=ACCOUNT_ID, account_roles=roles,
                   account_aliases=settings.account_aliases or ACCOUNT_ALIASES)


def provision_member_role(settings: Settings) -> str:
    """The role tfsync assumes in the other account (trusting tfsync's account), as an organisation's set-up makes
    it; its ARN."""
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}]}
    iam = console_access(settings).client(OTHER_ACCOUNT_ID, "iam")
    iam.create_role(RoleName=MEMBER_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust),
                    Description="tfsync acts in this account through this role")
    return role_arn(OTHER_ACCOUNT_ID, MEMBER_ROLE_NAME)


def use_fake_credentials() -> None:
    """Make boto3 and PynamoDB in this process sign with moto's fake keys and nothing else."""
    for name in CREDENTIAL_LEAKS:
        os.environ.pop(name, None)
    os.environ.update(FAKE_CREDENTIALS)


class _AtomicDynamoDB:
    """WSGI middleware running one DynamoDB request at a time, as DynamoDB makes each request atomic.

    moto applies a conditional write as an unlocked check-then-write, and rolls a failed transaction back by
    restoring a copy of whole tables taken when it began: without this, two replicas' concurrent conditional writes
    could both win, or a loser could undo the winner.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return self.app(environ, start_response)
        with self.lock:
            return list(self.app(environ, start_response))


_RECEIVE_LOCK = threading.Lock()


def _atomic_sqs_receives() -> None:
    """Make each SQS receive take its messages atomically, as SQS hands a message to one receive per visibility
    timeout. moto checks that a message is visible and then marks it received with no lock between, so two receives
    on two server threads could both take it (two consumers seeing one message, each deleting it). The taking runs
    under one lock; the long poll's waiting does not, so one receive's wait never holds up another's. Idempotent."""
    import time

    from moto.sqs.models import SQSBackend

    if getattr(SQSBackend.receive_message, "_tfsync_atomic", False):
        return
    take = SQSBackend.receive_message

    def receive_message(self: Any, queue_name: str, count: int, wait_seconds_timeout: int, visibility_timeout: int,
                        message_attribute_names: list[str] | None = None) -> Any:
        deadline = time.monotonic() + (wait_seconds_timeout or 0)
        while True:
            with _RECEIVE_LOCK:
                taken = take(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
            left = deadline - time.monotonic()
            if taken or left <= 0:
                return taken
            # Woken as soon as a message is sent (or becomes visible on the next look); at most a second apart.
            self.get_queue(queue_name).wait_for_messages(min(1.0, left))
            time.sleep(0.01)

    receive_message._tfsync_atomic = True  # type: ignore[attr-defined]
    SQSBackend.receive_message = receive_message  # type: ignore[method-assign]


def _fill_moto_gaps() -> None:
    """Calls the AWS provider makes that moto does not answer as AWS does, answered from moto's own state (the fills
    and what each stands in for are in sandbox/moto_gaps.py). Idempotent."""
    from sandbox import moto_gaps

    moto_gaps.install()


class EmbeddedAws:
    """moto in server mode on a free port of 127.0.0.1, in a thread of this process."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: Any = None

    def start(self) -> str:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from moto.server import ThreadedMotoServer
        from werkzeug.serving import make_server

        _fill_moto_gaps()
        _atomic_sqs_receives()

        class AtomicMotoServer(ThreadedMotoServer):
            def _server_entry(self) -> None:
                app = _AtomicDynamoDB(DomainDispatcherApplication(create_backend_app))
                self._server = make_server(self._ip_address, self._port, app, True,
                                           request_handler=MotoRequestHandler)
                self._server_ready_event.set()
                self._server.serve_forever()

        self._server = AtomicMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self.host, self.port = self._server.get_host_and_port()
        # moto keeps its accounts per process, not per server: start empty even if this process used moto before.
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")  # noqa: S310
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - the loopback server started above
        logger.info("embedded AWS (moto) listening on %s", self.endpoint)
        return self.endpoint

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


@dataclass(frozen=True, slots=True)
class Provisioned:
    queue_url: str
    dlq_url: str
    state_location: str
    artifact_bucket: str


def sandbox_settings(settings: Settings, endpoint: str) -> Settings:
    """The settings with every AWS endpoint pointing at the embedded moto server."""
    return replace(settings, aws_endpoint_url=endpoint, aws_service_endpoints={}, aws_region="us-east-1")


def provision(settings: Settings) -> Provisioned:
    """Create what infra/ would: queue + DLQ, state tables, the state bucket with its example state, artifacts."""
    from bot.state.schema import create_tables

    sqs = aws.client(settings, "sqs")
    dlq_url = sqs.create_queue(QueueName=DLQ_NAME, Attributes={"MessageRetentionPeriod": "1209600"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)})
    queue_url = sqs.create_queue(
        QueueName=QUEUE_NAME,
        Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": str(settings.visibility_timeout)},
    )["QueueUrl"]
    create_tables(settings)

    s3 = aws.client(settings, "s3")
    s3.create_bucket(Bucket=ARTIFACT_BUCKET)
    s3.put_bucket_versioning(Bucket=ARTIFACT_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket=STATE_BUCKET)
    s3.put_bucket_versioning(Bucket=STATE_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    aws.client(settings, "dynamodb").create_table(
        TableName=LOCK_TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
    )
    return Provisioned(queue_url=queue_url, dlq_url=dlq_url, state_location=f"s3://{STATE_BUCKET}/{STATE_KEY}",
                       artifact_bucket=ARTIFACT_BUCKET)


OWN_STATE_KEY = "tfsync/terraform.tfstate"


def seed_own_state(settings: Settings, provisioned: Provisioned, *, member_role: bool) -> str:
    """The state tfsync's own deployment keeps (infra/ deploys it with Terraform): its queues, tables, buckets and
    member role, so that a scan of the sandbox's accounts does not report tfsync's own resources as made by hand.
    Returns its location."""
    from bot.state.tables import MODELS

    def resource(tf_type: str, label: str, attributes: dict[str, Any]) -> dict[str, Any]:
        return {"module": "module.tfsync", "mode": "managed", "type": tf_type, "name": label,
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [{"schema_version": 0, "attributes": attributes, "sensitive_attributes": []}]}

    sqs = aws.client(settings, "sqs")
    resources = []
    for label, url in (("events", provisioned.queue_url), ("dlq", provisioned.dlq_url)):
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        resources.append(resource("aws_sqs_queue", label, {"id": url, "url": url, "arn": arn}))
    for model in MODELS:
        name = model.Meta.table_name
        resources.append(resource("aws_dynamodb_table", name.replace("-", "_"), {
            "id": name, "name": name, "arn": f"arn:aws:dynamodb:{settings.aws_region}:{ACCOUNT_ID}:table/{name}"}))
    resources.append(resource("aws_dynamodb_table", "terraform_locks", {
        "id": LOCK_TABLE, "name": LOCK_TABLE,
        "arn": f"arn:aws:dynamodb:{settings.aws_region}:{ACCOUNT_ID}:table/{LOCK_TABLE}"}))
    for label, bucket in (("artifacts", provisioned.artifact_bucket), ("terraform_state", STATE_BUCKET)):
        resources.append(resource("aws_s3_bucket", label, {"id": bucket, "bucket": bucket,
                                                           "arn": f"arn:aws:s3:::{bucket}"}))
    if member_role:
        resources.append(resource("aws_iam_role", "member", {
            "id": MEMBER_ROLE_NAME, "name": MEMBER_ROLE_NAME, "arn": role_arn(OTHER_ACCOUNT_ID, MEMBER_ROLE_NAME)}))
    state = {"version": 4, "terraform_version": "1.9.8", "serial": 1,
             "lineage": str(uuid.UUID(int=0x7F5C_0000_0000_4000_8000_0000_0000_0002)), "outputs": {},
             "resources": resources, "check_results": None}
    aws.client(settings, "s3").put_object(Bucket=STATE_BUCKET, Key=OWN_STATE_KEY,
                                          Body=json.dumps(state, indent=2).encode(), ContentType="application/json")
    return f"s3://{STATE_BUCKET}/{OWN_STATE_KEY}"


def seed_example_state(settings: Settings, repository: Path, base_branch: str, plugin_dir: Path | None) -> str:
    """The example state in the state bucket, managing MANAGED_EXAMPLES; returns how it was made.

    With the AWS provider at hand, the example repository is applied for real (in a temporary worktree), so the
    state is exactly what Terraform writes and every later plan against it is honest. Without one, the resources
    are made with boto3 and a hand-written state lists them: enough for the managed-state check, and adoptions
    there are committed but not verified anyway.
    """
    if plugin_dir is not None:
        from bot.runners.gitrepo import worktree
        from bot.terraform import run

        env = {**settings.aws_endpoint_variables, **FAKE_CREDENTIALS, "AWS_REGION": settings.aws_region}
        with worktree(repository, base_branch) as tree:
            for args in (["init", "-input=false", "-no-color", f"-plugin-dir={plugin_dir}"],
                         ["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=60s"]):
                code, _, err = run(args, chdir=tree, env=env, timeout=600)
                if code != 0:
                    break
            else:
                return "terraform apply"
        # A reused repository may declare what this fresh embedded AWS lacks: say so and carry on without a plan.
        logger.warning("terraform %s of the example repository failed, so its state is hand-written: %s",
                       args[0], err.strip()[-800:])
    _create_managed_examples(settings)
    aws.client(settings, "s3").put_object(Bucket=STATE_BUCKET, Key=STATE_KEY,
                                          Body=json.dumps(example_state(), indent=2).encode(),
                                          ContentType="application/json")
    return "hand-written"


def _create_managed_examples(settings: Settings) -> None:
    aws.client(settings, "s3").create_bucket(Bucket="acme-app-assets")
    aws.client(settings, "dynamodb").create_table(
        TableName="acme-orders", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    aws.client(settings, "iam").create_role(RoleName="acme-app-runner", AssumeRolePolicyDocument=json.dumps(trust))


def example_state() -> dict[str, Any]:
    """A Terraform state (format 4) for the example repository's modules, managing MANAGED_EXAMPLES."""
    return {
        "version": 4,
        "terraform_version": "1.9.8",
        "serial": 7,
        "lineage": str(uuid.UUID(int=0x7F5C_0000_0000_4000_8000_0000_0000_0001)),
        "outputs": {},
        "resources": [
            {
                "module": f"module.{example.module}",
                "mode": "managed",
                "type": example.tf_type,
                "name": example.label,
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [
                    {"schema_version": 0, "attributes": dict(example.attributes), "sensitive_attributes": []},
                ],
            }
            for example in MANAGED_EXAMPLES
        ],
        "check_results": None,
    }
