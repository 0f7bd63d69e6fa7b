"""Calls the hashicorp/aws Terraform provider makes that moto does not answer as AWS does, answered from moto's state.

The sandbox and the tests serve moto (5.2.5) as AWS, and the real provider plans against it: where moto leaves out
a field AWS always returns, or an operation the provider calls on every read, the provider fails or plans a change
that AWS would not show. Each fill below patches moto's own response class or model so that the answer has AWS's
shape, filled from what moto keeps about the resource (or what the request that made it asked for), never a
constant standing in for the resource's own data. Every fill is idempotent: `install()` may run any number of times
in a process, and patches each method once.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

# Set on every function a fill installs, so that a second `install()` leaves it alone.
_MARK = "_tfsync_moto_gap"


def _installed(owner: type, name: str) -> bool:
    return bool(getattr(getattr(owner, name, None), _MARK, False))


def _set(owner: type, name: str, function: Callable[..., Any]) -> None:
    setattr(function, _MARK, True)
    setattr(owner, name, function)


def _after(owner: type, name: str, then: Callable[[Any, Any], None]) -> None:
    """Wrap `owner.name` so that `then(self, result)` runs after moto's own method has answered."""
    if _installed(owner, name):
        return
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        then(self, result)
        return result

    _set(owner, name, wrapper)


def _before(owner: type, name: str, first: Callable[..., None]) -> None:
    """Wrap `owner.name` so that `first(self, *args, **kwargs)` runs before moto's own method answers."""
    if _installed(owner, name):
        return
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        first(self, *args, **kwargs)
        return original(self, *args, **kwargs)

    _set(owner, name, wrapper)


def step_functions_versions() -> None:
    """Step Functions ListStateMachineVersions, which moto 5.2.5 lacks (500 NotImplemented).

    The provider lists a state machine's versions on every read and retries a 500 for minutes. AWS answers the
    versions a `publish` made, newest first; moto keeps them on the state machine.
    """
    from moto.core.responses import ActionResult
    from moto.stepfunctions.responses import StepFunctionResponse

    # Installed already, or served by moto itself.
    if hasattr(StepFunctionResponse, "list_state_machine_versions"):
        return

    def list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
        machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
        versions = sorted(machine.versions.values(), key=lambda v: v.version, reverse=True)
        return ActionResult({"stateMachineVersions": [
            {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions]})

    _set(StepFunctionResponse, "list_state_machine_versions", list_state_machine_versions)


# AWS's answer for a group made without a capacity reservation specification.
_NO_CAPACITY_RESERVATION = {"CapacityReservationPreference": "default"}


def autoscaling_capacity_reservation() -> None:
    """Auto Scaling groups' CapacityReservationSpecification, which moto 5.2.5 neither keeps nor returns.

    AWS returns it for every group in DescribeAutoScalingGroups: what CreateAutoScalingGroup or
    UpdateAutoScalingGroup set, else {CapacityReservationPreference: default}. Without it the provider reads
    capacity_reservation_specification as null and plans to set it.
    """
    from moto.autoscaling.models import FakeAutoScalingGroup
    from moto.autoscaling.responses import AutoScalingResponse

    def keep(self: AutoScalingResponse, result: Any) -> None:
        specification = self._get_param("CapacityReservationSpecification")
        if specification:
            group: Any = self.autoscaling_backend.autoscaling_groups[self._get_param("AutoScalingGroupName")]
            group._tfsync_capacity_reservation = specification

    if "capacity_reservation_specification" not in vars(FakeAutoScalingGroup):
        def specification(group: FakeAutoScalingGroup) -> dict[str, Any]:
            return dict(getattr(group, "_tfsync_capacity_reservation", None) or _NO_CAPACITY_RESERVATION)

        # Read by moto's serializer under the field's snake_case name, as it reads the group's own attributes.
        setattr(FakeAutoScalingGroup, "capacity_reservation_specification", property(specification))  # noqa: B010
    _after(AutoScalingResponse, "create_auto_scaling_group", keep)
    _after(AutoScalingResponse, "update_auto_scaling_group", keep)


def ecs_service_deployment() -> None:
    """ECS services' deploymentConfiguration and availabilityZoneRebalancing, which moto 5.2.5's CreateService drops.

    AWS returns both in DescribeServices for every service: the deployment configuration the request gave over
    ECS's defaults (200/100 for a REPLICA service, 100/0 for a DAEMON one, and a disabled circuit breaker under the
    ECS deployment controller), and the rebalancing the request gave, else ENABLED for a REPLICA service under the
    ECS controller (CreateService's default) and DISABLED where AWS does not rebalance. moto's UpdateService
    already stores both under these names.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    def keep(self: EC2ContainerServiceResponse, result: Any) -> None:
        service = result.result["service"]
        daemon = service.scheduling_strategy == "DAEMON"
        rolling = (service.deployment_controller or {}).get("type", "ECS") == "ECS"
        defaults: dict[str, Any] = {"maximumPercent": 100 if daemon else 200,
                                    "minimumHealthyPercent": 0 if daemon else 100}
        if rolling:
            defaults["deploymentCircuitBreaker"] = {"enable": False, "rollback": False}
        service.deployment_configuration = {**defaults, **(self._get_param("deploymentConfiguration") or {})}
        service.availability_zone_rebalancing = (self._get_param("availabilityZoneRebalancing")
                                                 or ("ENABLED" if rolling and not daemon else "DISABLED"))

    _after(EC2ContainerServiceResponse, "create_service", keep)


def _broker_strings(cluster: Any) -> dict[str, str]:
    """The bootstrap broker strings AWS gives for an MSK cluster's encryption, authentication and access."""
    in_transit = ((cluster.encryption_info or {}).get("encryptionInTransit") or {}).get("clientBroker") or "TLS"
    auth = cluster.client_authentication or {}
    sasl = auth.get("sasl") or {}
    tls_auth = auth.get("tls") or {}
    # A cluster made without client authentication takes unauthenticated clients.
    unauthenticated = (auth.get("unauthenticated") or {}).get("enabled", not auth)
    tls = in_transit in ("TLS", "TLS_PLAINTEXT")
    public = ((cluster.broker_node_group_info or {}).get("connectivityInfo") or {}).get("publicAccess") or {}
    suffix = f"{cluster.cluster_name.lower()}.{cluster.cluster_id.replace('-', '')[:6]}.c2.kafka." \
             f"{cluster.region_name}.amazonaws.com"

    def brokers(port: int, prefix: str = "") -> str:
        return ",".join(f"b-{n}{prefix}.{suffix}:{port}" for n in range(1, (cluster.number_of_broker_nodes or 0) + 1))

    wanted = {
        "bootstrapBrokerString": (9092, "", in_transit in ("PLAINTEXT", "TLS_PLAINTEXT") and unauthenticated),
        "bootstrapBrokerStringTls": (9094, "", tls and (unauthenticated or bool(
            tls_auth.get("enabled") or tls_auth.get("certificateAuthorityArnList")))),
        "bootstrapBrokerStringSaslScram": (9096, "", tls and bool((sasl.get("scram") or {}).get("enabled"))),
        "bootstrapBrokerStringSaslIam": (9098, "", tls and bool((sasl.get("iam") or {}).get("enabled"))),
    }
    if public.get("type") == "SERVICE_PROVIDED_EIPS":
        for key, (port, _, on) in list(wanted.items())[1:]:
            wanted[key.replace("String", "StringPublic", 1)] = (port + 100, "-public", on)
    return {key: brokers(port, prefix) for key, (port, prefix, on) in wanted.items() if on}


def kafka_bootstrap_brokers() -> None:
    """MSK GetBootstrapBrokers, which moto 5.2.5 lacks (500 NotImplemented); the provider calls it on every read.

    AWS answers one comma-separated list of brokers per way in that the cluster allows (plaintext 9092, TLS 9094,
    SASL/SCRAM 9096, IAM 9098, and their public variants), one broker per broker node; here from the cluster's
    own name, id, broker count, encryption in transit, client authentication and connectivity as moto keeps them.
    """
    from moto.kafka.exceptions import NotFoundException
    from moto.kafka.responses import KafkaResponse

    # Installed already, or served by moto itself.
    if hasattr(KafkaResponse, "get_bootstrap_brokers"):
        return

    def get_bootstrap_brokers(self: KafkaResponse) -> str:
        path = self.parsed_url.path.split("/clusters/", 1)[-1].removesuffix("/bootstrap-brokers")
        cluster = self.kafka_backend.clusters.get(unquote(path))
        if cluster is None:
            raise NotFoundException(f"Cluster {unquote(path)} does not exist.")
        return json.dumps(_broker_strings(cluster))

    _set(KafkaResponse, "get_bootstrap_brokers", get_bootstrap_brokers)


def _msk_defaults(backend: Any, cluster: Any) -> None:
    """What AWS reports for a provisioned cluster's settings the request left out."""
    from moto.ec2.models import ec2_backends

    nodes = cluster.broker_node_group_info
    nodes.setdefault("brokerAZDistribution", "DEFAULT")
    if not nodes.get("securityGroups") and nodes.get("clientSubnets"):
        ec2 = ec2_backends[backend.account_id][backend.region_name]
        group = ec2.get_default_security_group(ec2.get_subnet(nodes["clientSubnets"][0]).vpc_id)
        nodes["securityGroups"] = [group.id] if group is not None else []
    encryption = dict(cluster.encryption_info or {})
    encryption["encryptionInTransit"] = {"clientBroker": "TLS", "inCluster": True,
                                         **(encryption.get("encryptionInTransit") or {})}
    cluster.encryption_info = encryption


def _msk_description(backend: Any, info: dict[str, Any]) -> None:
    """Leave out of a DescribeCluster(V2) answer what AWS does not report for the cluster."""
    cluster = backend.clusters[info["clusterArn"]]
    provisioned = info.get("provisioned", info)
    if not cluster.client_authentication:
        provisioned.pop("clientAuthentication", None)
    if not cluster.configuration_info:
        software = provisioned.get("currentBrokerSoftwareInfo") or {}
        software.pop("configurationArn", None)
        software.pop("configurationRevision", None)


def kafka_cluster_defaults() -> None:
    """MSK provisioned clusters described as AWS describes them, where moto 5.2.5 leaves out or makes up fields.

    AWS reports the broker node group's brokerAZDistribution (DEFAULT; the provider plans a replacement for any
    other value, the empty one included) and, for a cluster made without security groups, the default security
    group of the client subnets' VPC, which AWS gives its brokers (the provider requires them); and encryption in
    transit (TLS, within the cluster too) unless the request chose otherwise. It reports no client authentication
    and no configuration for a cluster made without them, where moto answers an empty clientAuthentication and a
    configuration ARN "string", revision 1.

    AWS also reports the at-rest key, the ARN of the account's AWS managed aws/kafka key when none was chosen; that
    is left out, as moto leaves it: tfsync's MSK reader (bot/catalog/kafka/describe.py) takes any key ARN there for
    a chosen one and would write the managed key into the code, and the provider plans the same either way (the
    argument is computed).
    """
    from moto.kafka.models import KafkaBackend

    def made(backend: KafkaBackend, result: tuple[str, ...]) -> None:
        cluster = backend.clusters[result[0]]
        if cluster.cluster_type == "PROVISIONED" and cluster.broker_node_group_info:
            _msk_defaults(backend, cluster)

    _after(KafkaBackend, "create_cluster", made)
    _after(KafkaBackend, "create_cluster_v2", made)
    _after(KafkaBackend, "describe_cluster", _msk_description)
    _after(KafkaBackend, "describe_cluster_v2", _msk_description)


# Redshift cluster fields moto 5.2.5 never reports: (request parameter, cluster attribute, AWS's value unless asked,
# the reported value for what the request asked).
_REDSHIFT_FIELDS: tuple[tuple[str, str, Any, Callable[[Any], Any]], ...] = (
    ("AvailabilityZoneRelocation", "availability_zone_relocation_status", "disabled",
     lambda on: "enabled" if on in (True, "true") else "disabled"),
    ("MultiAZ", "multi_az", "Disabled", lambda on: "Enabled" if on in (True, "true") else "Disabled"),
    ("MaintenanceTrackName", "maintenance_track_name", "current", str),
    ("ManualSnapshotRetentionPeriod", "manual_snapshot_retention_period", -1, int),
)


def redshift_cluster_fields() -> None:
    """Redshift clusters' AvailabilityZoneRelocationStatus, MultiAZ, MaintenanceTrackName and
    ManualSnapshotRetentionPeriod, which moto 5.2.5 never reports, and the maintenance window in AWS's lower case.

    AWS reports all four for every cluster, as CreateCluster, ModifyCluster or RestoreFromClusterSnapshot last set
    them: relocation "enabled" or "disabled" and MultiAZ "Enabled" or "Disabled" (each off unless asked for; the
    provider fails its read on any other value, the empty one included), the "current" maintenance track and -1
    (keep manual snapshots forever) unless asked otherwise. It reports the preferred maintenance window in lower
    case, as the provider stores it; moto keeps the request's case and makes up "Mon:03:00-Mon:03:30".
    """
    from moto.redshift.models import Cluster
    from moto.redshift.responses import RedshiftResponse

    def keep(self: RedshiftResponse, result: Any) -> None:
        cluster = result.result["Cluster"]
        for parameter, attribute, _, reported in _REDSHIFT_FIELDS:
            value = self._get_param(parameter)
            if value is not None:
                setattr(cluster, attribute, reported(value))
        cluster.preferred_maintenance_window = cluster.preferred_maintenance_window.lower()

    # Class defaults: what AWS reports for every cluster that was never asked for anything else.
    for _, attribute, default, _ in _REDSHIFT_FIELDS:
        if attribute not in vars(Cluster):
            setattr(Cluster, attribute, default)
    for name in ("create_cluster", "modify_cluster", "restore_from_cluster_snapshot"):
        _after(RedshiftResponse, name, keep)


def cloudhsm_timestamps() -> None:
    """CloudHSM v2 timestamps as AWS's JSON protocol sends them: seconds since the epoch, a JSON number.

    moto 5.2.5 writes a cluster's and a backup's CreateTimestamp (and a backup's copy and delete times) as ISO
    strings, which the provider's SDK refuses to decode ("expected Timestamp to be a JSON Number").
    """
    from datetime import UTC, datetime

    from moto.cloudhsmv2.responses import DateTimeEncoder

    if _installed(DateTimeEncoder, "default"):
        return

    def default(self: DateTimeEncoder, o: Any) -> Any:
        if isinstance(o, datetime):
            # moto keeps UTC times without a zone; read as local times they would be off by the local offset.
            return (o if o.tzinfo else o.replace(tzinfo=UTC)).timestamp()
        return json.JSONEncoder.default(self, o)

    _set(DateTimeEncoder, "default", default)


def backup_list_tags() -> None:
    """Backup ListTags on a path without the trailing "/", as the provider's SDK sends it.

    moto 5.2.5 takes the ARN from the path's next-to-last segment, so only "/tags/{arn}/" finds the resource's tags;
    AWS answers the resource's tags on either path.
    """
    from moto.backup.responses import BackupResponse

    if _installed(BackupResponse, "list_tags"):
        return

    def list_tags(self: BackupResponse) -> str:
        resource_arn = unquote(self.path.split("/tags/", 1)[-1].rstrip("/"))
        return json.dumps({"Tags": self.backup_backend.list_tags(resource_arn=resource_arn)})

    _set(BackupResponse, "list_tags", list_tags)


def _member_cluster(backend: Any, group: Any, member: Mapping[str, Any]) -> None:
    """One of a replication group's cache clusters, with the group's settings, as AWS makes it with the group."""
    cluster = backend.create_cache_cluster(
        cache_cluster_id=member["cache_cluster_id"], replication_group_id=group.replication_group_id,
        az_mode=None, preferred_availability_zone=member.get("preferred_availability_zone"), num_cache_nodes=1,
        cache_node_type=group.cache_node_type, engine=group.engine, engine_version=group.engine_version,
        cache_parameter_group_name=group.cache_parameter_group_name,
        cache_subnet_group_name=group.cache_subnet_group_name,
        transit_encryption_enabled=group.transit_encryption_enabled, network_type=group.network_type,
        ip_discovery=group.ip_discovery, snapshot_name=None,
        preferred_maintenance_window=group.preferred_maintenance_window, port=group.port,
        notification_topic_arn=group.notification_topic_arn,
        auto_minor_version_upgrade=group.auto_minor_version_upgrade,
        snapshot_retention_limit=group.snapshot_retention_limit, snapshot_window=group.snapshot_window,
        auth_token=None, outpost_mode=None, preferred_outpost_arn=member.get("preferred_outpost_arn"),
        preferred_availability_zones=None, cache_security_group_names=group.cache_security_group_names,
        security_group_ids=group.security_group_ids, tags=None, snapshot_arns=None, preferred_outpost_arns=None,
        log_delivery_configurations=[], cache_node_ids_to_remove=None, cache_node_ids_to_reboot=None,
    )
    # What moto's cache clusters leave out but AWS reports for a group's member from the group.
    cluster.replication_group_id = group.replication_group_id
    cluster.auth_token_enabled = group.auth_token_enabled
    cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled
    cluster.transit_encryption_mode = group.transit_encryption_mode
    cluster.security_groups = [{"SecurityGroupId": g, "Status": "active"} for g in group.security_group_ids or ()]
    cluster.cache_security_groups = [{"CacheSecurityGroupName": g, "Status": "active"}
                                     for g in group.cache_security_group_names or ()]
    if group.cache_parameter_group_name:
        cluster.cache_parameter_group = {"CacheParameterGroupName": group.cache_parameter_group_name,
                                         "ParameterApplyStatus": "in-sync", "CacheNodeIdsToReboot": []}


def _members(group: Any) -> Iterator[Mapping[str, Any]]:
    for node_group in group.node_groups:
        yield from node_group["node_group_members"]


def elasticache_member_clusters() -> None:
    """A replication group's member cache clusters, which moto 5.2.5 names in the group but never makes.

    AWS makes one cache cluster per member with the group and deletes them with it (all but the primary, with
    RetainPrimaryCluster); the provider reads the group's engine version, parameter group, security groups,
    maintenance window and encryption from the first member with DescribeCacheClusters, which moto answers 404
    (CacheClusterNotFound). Each missing member is made from its group when cache clusters are next read, so a
    member someone already made with CreateCacheCluster (as tests/codegen/cases/elasticache.py does) is kept.
    """
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    def make_members(backend: ElastiCacheBackend, *args: Any, **kwargs: Any) -> None:
        for group in backend.replication_groups.values():
            for member in _members(group) if group.status != "deleting" else ():
                if member["cache_cluster_id"] not in backend.cache_clusters:
                    _member_cluster(backend, group, member)

    def delete(self: ElastiCacheResponse, result: Any) -> None:
        group, retain = result.result["ReplicationGroup"], self._get_bool_param("RetainPrimaryCluster")
        for member in _members(group):
            cluster = self.elasticache_backend.cache_clusters.get(member["cache_cluster_id"])
            if cluster is not None and retain and member.get("current_role") == "primary":
                cluster.replication_group_id = None
            elif cluster is not None:
                cluster.cache_cluster_status = "deleting"

    _before(ElastiCacheBackend, "describe_cache_clusters", make_members)
    _after(ElastiCacheResponse, "delete_replication_group", delete)


FILLS: tuple[Callable[[], None], ...] = (
    step_functions_versions,
    autoscaling_capacity_reservation,
    ecs_service_deployment,
    kafka_bootstrap_brokers,
    kafka_cluster_defaults,
    redshift_cluster_fields,
    cloudhsm_timestamps,
    backup_list_tags,
    elasticache_member_clusters,
)


def install() -> None:
    """Every fill, each once per process."""
    for fill in FILLS:
        fill()
