"""Amazon MQ brokers, with their users. Amazon MQ never returns a user's password, and none is written into code:
each user block holds a placeholder, and the users are left to whoever manages them until it is replaced."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.base import tags_from_map, tags_from_pairs
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

# Meets the provider's password rules (12 to 250 characters, 4 distinct, no commas) so the code validates; it is
# never sent to AWS while the users are ignored.
PASSWORD_PLACEHOLDER = "placeholder-not-the-password"  # noqa: S105 - a stand-in, never a secret
# RabbitMQ brokers never list their users through the API (nor do LDAP-authenticated ones, whose users live in the
# directory); the provider requires one user block all the same.
USER_PLACEHOLDER = "not-listed-by-amazon-mq"
_USERS_NOTE = (
    "Amazon MQ never returns broker users' passwords, so each user's password below is a placeholder and changes "
    "to the users are ignored. Before managing users with Terraform, move their passwords to a secret store, set "
    "password from there and remove user from ignore_changes."
)
_RABBITMQ_NOTE = (
    "A RabbitMQ broker's users are managed in the RabbitMQ web console and never listed by the API: the user block "
    "only satisfies the provider, which ignores it after creation."
)
_REPLICA_NOTE = (
    "This broker replicates data (CRDR). The provider never reads the primary broker's ARN back, and setting "
    "data_replication_primary_broker_arn on an imported broker would replace it, so it is left out."
)
_LDAP_NOTE = (
    "The broker authenticates with LDAP. Amazon MQ never returns the service account's password; it is left out "
    "and the provider keeps it unset until it is given."
)
# Where automatic minor version upgrades are on, the provider reads these and later versions as major.minor only.
_AUTO_PATCH_FROM = {"ACTIVEMQ": (5, 18), "RABBITMQ": (3, 13)}
_VERSION = re.compile(r"^(\d+)\.(\d+)")


def _pascal(body: Any) -> Any:
    """CloudTrail's camelCase fields (maintenanceWindowStartTime) under the API's names, at every level; tags keep
    their keys."""
    if isinstance(body, list):
        return [_pascal(item) for item in body]
    if not isinstance(body, Mapping):
        return body
    return {k[0].upper() + k[1:]: (v if k in ("tags", "Tags") else _pascal(v))
            for k, v in body.items() if isinstance(k, str) and k}


def _engine_version(engine: str, version: str, auto_upgrade: bool) -> str:
    match = _VERSION.match(version)
    since = _AUTO_PATCH_FROM.get(engine.upper())
    if auto_upgrade and match and since and (int(match.group(1)), int(match.group(2))) >= since:
        return f"{match.group(1)}.{match.group(2)}"
    return version


def _flag(value: Any) -> bool | None:
    """True where set; None (left out) where off, the provider's default."""
    if isinstance(value, str):
        value = value.lower() == "true"
    return True if value is True else None


def _user(user: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "username": user.get("Username"),
        "password": PASSWORD_PLACEHOLDER,
        "console_access": _flag(user.get("ConsoleAccess")),
        "groups": sorted_strings(user.get("Groups")),
        "replication_user": _flag(user.get("ReplicationUser")),
    }


def _ldap(metadata: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "hosts": [str(h) for h in metadata.get("Hosts") or () if h],
        "role_base": metadata.get("RoleBase"),
        "role_name": metadata.get("RoleName"),
        "role_search_matching": metadata.get("RoleSearchMatching"),
        "role_search_subtree": _flag(metadata.get("RoleSearchSubtree")),
        "service_account_username": metadata.get("ServiceAccountUsername"),
        "user_base": metadata.get("UserBase"),
        "user_role_name": metadata.get("UserRoleName"),
        "user_search_matching": metadata.get("UserSearchMatching"),
        "user_search_subtree": _flag(metadata.get("UserSearchSubtree")),
    }


def _model(broker: Mapping[str, Any], users: Iterable[Mapping[str, Any]], tags: Mapping[str, str]) -> Model:
    """The arguments from a broker in the API's field names (DescribeBroker, or the creation request raised to
    PascalCase), and its users with their settings."""
    engine = str(broker.get("EngineType") or "")
    auto_upgrade = _flag(broker.get("AutoMinorVersionUpgrade")) is True
    version = str(broker.get("EngineVersion") or "")
    logs = broker.get("Logs") or {}
    window = broker.get("MaintenanceWindowStartTime") or {}
    encryption = broker.get("EncryptionOptions") or {}
    configuration = broker.get("Configurations") or {}
    current = configuration.get("Current") if isinstance(configuration.get("Current"), Mapping) else None
    current = current or broker.get("Configuration") or {}
    strategy = str(broker.get("AuthenticationStrategy") or "")
    ldap = broker.get("LdapServerMetadata") or {}
    replication = str(broker.get("DataReplicationMode") or "")
    rabbit = engine.upper() == "RABBITMQ"
    written = [_user(u) for u in sorted(users, key=lambda u: str(u.get("Username"))) if u.get("Username")]
    notes = [_USERS_NOTE]
    if not written:
        written = [_user({"Username": USER_PLACEHOLDER})]
    if rabbit:
        notes.append(_RABBITMQ_NOTE)
    deployment = broker.get("DeploymentMode")
    args = {
        "broker_name": broker.get("BrokerName"),
        "engine_type": engine or None,
        "engine_version": _engine_version(engine, version, auto_upgrade) or None,
        "host_instance_type": broker.get("HostInstanceType"),
        "deployment_mode": deployment if deployment and deployment != "SINGLE_INSTANCE" else None,
        "storage_type": broker.get("StorageType") or None,
        "authentication_strategy": strategy if strategy and strategy.upper() != "SIMPLE" else None,
        "auto_minor_version_upgrade": True if auto_upgrade else None,
        "publicly_accessible": _flag(broker.get("PubliclyAccessible")),
        "data_replication_mode": replication if replication and replication.upper() != "NONE" else None,
        "subnet_ids": sorted_strings(broker.get("SubnetIds")),
        "security_groups": sorted_strings(broker.get("SecurityGroups")),
        "configuration": {"id": current.get("Id"), "revision": current.get("Revision")}
        if current.get("Id") else None,
        "encryption_options": {"kms_key_id": encryption.get("KmsKeyId"), "use_aws_owned_key": False}
        if encryption.get("UseAwsOwnedKey") is False else None,
        # Audit logs exist for ActiveMQ only; either flag that is off is the provider's default.
        "logs": {"general": _flag(logs.get("General")), "audit": None if rabbit else _flag(logs.get("Audit"))}
        if _flag(logs.get("General")) or (not rabbit and _flag(logs.get("Audit"))) else None,
        "maintenance_window_start_time": {"day_of_week": window.get("DayOfWeek"),
                                          "time_of_day": window.get("TimeOfDay"), "time_zone": window.get("TimeZone")}
        if window.get("DayOfWeek") and window.get("TimeOfDay") and window.get("TimeZone") else None,
        "ldap_server_metadata": _ldap(ldap) if ldap and strategy.upper() == "LDAP" else None,
        "users": written,
        "tags": clean_tags(tags),
    }
    if args["ldap_server_metadata"]:
        notes.append(_LDAP_NOTE)
    if replication.upper() == "CRDR":
        notes.append(_REPLICA_NOTE)
    return Model(args=args, notes=tuple(notes))


def _describe_broker(clients: Clients, resource: Resource) -> Model:
    mq = clients("mq")
    broker = mq.describe_broker(BrokerId=resource.import_id)
    if not broker.get("BrokerId") or broker.get("BrokerState") in ("DELETION_IN_PROGRESS",):
        raise NotFound(f"MQ broker {resource.import_id}")
    users = []
    for summary in broker.get("Users") or ():
        # A user waiting to be deleted is gone for the provider too; one being created is read as it will be.
        if summary.get("PendingChange") == "DELETE" or not summary.get("Username"):
            continue
        user = mq.describe_user(BrokerId=resource.import_id, Username=summary["Username"])
        pending = user.get("Pending") or {}
        users.append({**user, **{k: v for k, v in pending.items() if k in ("ConsoleAccess", "Groups")}}
                     if summary.get("PendingChange") == "CREATE" else user)
    return _model(broker, users, tags_from_map(broker.get("Tags")))


def _broker_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _pascal(record.request) if record is not None else {}
    broker = dict(request)
    broker["BrokerName"] = resource.name or broker.get("BrokerName")
    raw_users = broker.get("Users")
    if isinstance(raw_users, Mapping):  # a list given as {"items": [...]} or {"member": [...]}
        raw_users = raw_users.get("Items") or raw_users.get("Member") or []
    users = [u for u in raw_users if isinstance(u, Mapping)] if isinstance(raw_users, list) else []
    tags = resource.tags or (tags_from_pairs(broker.get("Tags")) if isinstance(broker.get("Tags"), list)
                             else tags_from_map(broker.get("Tags")))
    # The request leaves out what Amazon MQ picks (the maintenance window, the default configuration).
    return _model(broker, users, tags)


CODEGEN = (TypeCodegen("aws_mq_broker", _describe_broker, _broker_from_event),)
