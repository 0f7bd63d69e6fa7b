"""The account every AWS action runs in: the resource's own, never tfsync's by fallthrough.

An organisation trail brings tfsync resources from many accounts, and a resource's record names its account. Every
action on a resource (describe, delete, adopt) must run in that account: a `CreateRole admin` made in a member
account and deleted from Slack must delete that account's `admin`, not the one in tfsync's own account, which the
process's own credentials would reach. So every client for a resource comes from `AccountAccess.client(account,
...)`: tfsync's own account gets the ordinary client; another account gets a client signed with the credentials
of a role assumed there (TFSYNC_ACCOUNT_ROLES, or TFSYNC_MEMBER_ROLE_NAME in every member account); an account
with no role raises NoAccountAccess, and an empty or malformed account id is refused the same way, never taken
for tfsync's own.

An assumed session is kept per account until shortly before its credentials expire, so many clients cost one
AssumeRole; clients are made from worker threads, so the cache is locked (per account, so a slow STS answer for
one account does not hold up another). The external id the roles require is a Secret: never logged, and neither
are the assumed credentials, not even in botocore's own DEBUG lines (its request parameters and response bodies),
which a filter on those loggers masks.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from botocore.config import Config

from bot import aws
from bot.catalog._arn import partition
from bot.config import ACCOUNT_ID, DEFAULT_ROUTE, AccountRoute, Secret, Settings
from bot.errors import NoAccountAccess

logger = logging.getLogger(__name__)

# A cached session is renewed when less than this is left of it: a client made from it has time to finish its work.
REFRESH_MARGIN = 300.0
# How long an assumed session is asked for (AssumeRole's default, and every role's allowed maximum at least).
SESSION_SECONDS = 3600
# The botocore loggers whose DEBUG lines print request parameters and response bodies.
_WIRE_LOGGERS = ("botocore.endpoint", "botocore.parsers", "botocore.hooks", "botocore.auth")
_MASK = "***"
# Credentials in an STS answer's body, before tfsync knows their values (botocore logs the body as it parses it).
_CREDENTIAL_ELEMENTS = re.compile(r"(<(?:SecretAccessKey|SessionToken)>)([^<]*)(</(?:SecretAccessKey|SessionToken)>)")
# (account id, service, region) -> a boto3 client acting in that account.
AccountClientFactory = Callable[[str, str, str], Any]
# (service, region) -> a boto3 client, in one account decided beforehand.
ClientFactory = Callable[[str, str], Any]


class _Masking(logging.Filter):
    """Masks the values it is given wherever a log line of the loggers it filters would show them."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def hide(self, key: str, *values: str) -> None:
        with self._lock:
            self._secrets[key] = tuple(value for value in values if value)

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = [value for values in list(self._secrets.values()) for value in values]
        text = record.getMessage()
        masked = _CREDENTIAL_ELEMENTS.sub(lambda m: f"{m.group(1)}{_MASK}{m.group(3)}", text)
        for value in secrets:
            masked = masked.replace(value, _MASK)
        if masked != text:
            record.msg, record.args = masked, None
        return True


_MASKING = _Masking()
for _name in _WIRE_LOGGERS:
    logging.getLogger(_name).addFilter(_MASKING)


@dataclass(frozen=True, slots=True)
class AssumedSession:
    """Credentials of a role assumed in another account, and when (on the access's clock) they run out."""

    account_id: str
    role_arn: str
    credentials: aws.Credentials
    expires_at: float

    def environment(self) -> dict[str, str]:
        """The variables the AWS SDKs and Terraform read these credentials from, for a job's process."""
        return {
            "AWS_ACCESS_KEY_ID": self.credentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.credentials.secret_access_key,
            "AWS_SESSION_TOKEN": self.credentials.session_token,
        }


@dataclass(frozen=True, slots=True)
class AccountTarget:
    """Where an adoption acts: the account, and the role assumed there (None: tfsync's own account, with its own
    credentials). `session` gives fresh credentials of that role for a job that runs for up to `seconds`. `route`
    says which repository, branch and root folder the account's code goes to, and whether Terraform runs as the
    role (the default) or as the adopter itself, the root module's provider configuration reaching the account."""

    account_id: str
    role_arn: str | None
    external_id: Secret
    session: Callable[[float], AssumedSession | None]
    route: AccountRoute = DEFAULT_ROUTE

    @property
    def own(self) -> bool:
        return self.role_arn is None

    @property
    def terraform_role_arn(self) -> str | None:
        """The role the job's Terraform runs as: None in tfsync's own account, or when the route says the adopter's
        own credentials (and the root module's provider configuration) reach the account."""
        return self.role_arn if self.route.terraform_as_role else None


def checked_account_id(account_id: object) -> str:
    """The account id itself when it is 12 digits; NoAccountAccess otherwise (an account is never guessed)."""
    if not isinstance(account_id, str) or not ACCOUNT_ID.fullmatch(account_id):
        raise NoAccountAccess(str(account_id), f"the resource names no valid AWS account ({account_id!r}), so "
                                               "tfsync cannot act on it: it can show and ignore it only.")
    return account_id


class AccountAccess:
    """Clients and credentials in the account of each resource; see the module's docstring."""

    def __init__(self, settings: Settings, *, purpose: str = "bot", clock: Callable[[], float] = time.time,
                 session_seconds: int = SESSION_SECONDS, refresh_margin: float = REFRESH_MARGIN) -> None:
        self.settings = settings
        self.session_name = f"tfsync-{purpose}"[:64]
        self.clock = clock
        self.session_seconds = session_seconds
        self.refresh_margin = refresh_margin
        self._own = settings.account_id
        self._lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}
        self._sessions: dict[str, AssumedSession] = {}
        if settings.role_external_id:
            _MASKING.hide(f"external-id:{settings.role_external_id.reveal()}", settings.role_external_id.reveal())

    # Which account, which role -------------------------------------------------------------------------------------

    def own_account_id(self) -> str:
        """tfsync's own account: TFSYNC_ACCOUNT_ID, or else learnt once from sts:GetCallerIdentity."""
        with self._lock:
            if self._own is None:
                identity = aws.client(self.settings, "sts").get_caller_identity()
                self._own = checked_account_id(identity.get("Account"))
                logger.info("tfsync's own account is %s (from sts:GetCallerIdentity)", self._own)
            return self._own

    def role_arn(self, account_id: str) -> str | None:
        """The role tfsync assumes in an account; None for its own account (its own credentials act there).
        NoAccountAccess when the account id is not one, or tfsync has no role there."""
        account_id = checked_account_id(account_id)
        configured = self.settings.account_roles.get(account_id)
        if configured is None and not self.settings.member_role_name and account_id != self.own_account_id():
            raise NoAccountAccess(account_id)
        if account_id == self.own_account_id():
            return None
        if configured is not None:
            return configured
        return f"arn:{partition(self.settings.aws_region)}:iam::{account_id}:role/{self.settings.member_role_name}"

    def can_reach(self, account_id: str) -> bool:
        """Whether tfsync could act in the account, from its configuration alone: no role is assumed here (the only
        call ever made is the one sts:GetCallerIdentity that learns tfsync's own account when it is not set)."""
        try:
            self.role_arn(account_id)
        except NoAccountAccess:
            return False
        return True

    def require(self, account_id: str) -> None:
        """NoAccountAccess, with words for the person, unless tfsync could act in the account."""
        self.role_arn(account_id)

    def target(self, account_id: str) -> AccountTarget:
        """Where an adoption in the account acts, for the runner (NoAccountAccess when it cannot)."""
        role = self.role_arn(account_id)
        return AccountTarget(account_id, role, self.settings.role_external_id,
                             functools.partial(self.session, account_id), self.settings.route(account_id))

    def route(self, account_id: str) -> AccountRoute:
        """Where the adoptions of the account's resources go (no AWS call: configuration only)."""
        return self.settings.route(account_id)

    def label(self, account_id: str) -> str:
        """An account as people know it: `prod (111122223333)` when TFSYNC_ACCOUNT_ALIASES names it, else the id."""
        alias = self.alias(account_id)
        return f"{alias} ({account_id})" if alias else account_id

    def alias(self, account_id: str) -> str | None:
        """The name TFSYNC_ACCOUNT_ALIASES gives the account, if any."""
        return self.settings.account_aliases.get(account_id)

    def known_reachable(self, account_id: str) -> bool | None:
        """Whether tfsync could act in the account, from what it knows without any call (for the Slack surfaces,
        which make none): None when that depends on tfsync's own account and it has not been learnt yet."""
        if not isinstance(account_id, str) or not ACCOUNT_ID.fullmatch(account_id):
            return False
        if account_id in self.settings.account_roles or self.settings.member_role_name:
            return True
        with self._lock:
            own = self._own
        return None if own is None else account_id == own

    # Credentials and clients ---------------------------------------------------------------------------------------

    def session(self, account_id: str, fresh_for: float | None = None) -> AssumedSession | None:
        """The assumed session in an account, with at least `fresh_for` seconds left (the refresh margin by
        default): the cached one, or a new AssumeRole. None for tfsync's own account."""
        role = self.role_arn(account_id)
        if role is None:
            return None
        wanted = self.refresh_margin if fresh_for is None else fresh_for
        with self._account_lock(account_id):
            cached = self._sessions.get(account_id)
            if cached is not None and cached.role_arn == role and cached.expires_at - self.clock() > wanted:
                return cached
            fresh = self._assume(account_id, role)
            self._sessions[account_id] = fresh
            return fresh

    def client(self, account_id: str, service: str, region: str | None = None, *, config: Config | None = None) -> Any:
        """A boto3 client acting in `account_id`: tfsync's own client there, an assumed role's anywhere else."""
        session = self.session(account_id)
        if session is None:
            return aws.client(self.settings, service, region, config=config)
        return aws.client(self.settings, service, region, credentials=session.credentials, config=config)

    def scan_client(self, account_id: str, service: str, region: str) -> Any:
        """A client for a scan in `account_id` (bot/scan.py's factory): adaptive retries, see aws.SCAN_CONFIG."""
        return self.client(account_id, service, region, config=aws.SCAN_CONFIG)

    def factory(self, account_id: str) -> ClientFactory:
        """`(service, region) -> client` in one account: what the code generator and the delete executors take."""
        return functools.partial(self.client, account_id)

    def _account_lock(self, account_id: str) -> threading.Lock:
        with self._lock:
            return self._account_locks.setdefault(account_id, threading.Lock())

    def _assume(self, account_id: str, role_arn: str) -> AssumedSession:
        kwargs: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": self.session_name,
                                  "DurationSeconds": self.session_seconds}
        if self.settings.role_external_id:
            kwargs["ExternalId"] = self.settings.role_external_id.reveal()
        answer = aws.client(self.settings, "sts").assume_role(**kwargs)["Credentials"]
        expiration = answer["Expiration"]
        left = self.session_seconds
        if isinstance(expiration, datetime):
            left = min(left, int((expiration - datetime.now(UTC)).total_seconds()))
        logger.info("assumed %s in account %s as %s for %d s", role_arn, account_id, self.session_name, left)
        credentials = aws.Credentials(answer["AccessKeyId"], answer["SecretAccessKey"], answer["SessionToken"])
        _MASKING.hide(f"session:{account_id}", credentials.secret_access_key, credentials.session_token)
        return AssumedSession(account_id, role_arn, credentials, self.clock() + left)


class Accounts(Protocol):
    """What the decision service needs of account access (AccountAccess in production)."""

    def require(self, account_id: str) -> None: ...

    def factory(self, account_id: str) -> ClientFactory: ...

    def target(self, account_id: str) -> AccountTarget: ...

    def route(self, account_id: str) -> AccountRoute: ...
