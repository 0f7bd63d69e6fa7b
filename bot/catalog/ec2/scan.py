"""Amazon EC2 and VPC: every instance, security group, VPC, subnet, volume, Elastic IP, key pair, internet and NAT
gateway, launch template, route table and VPC endpoint of a region that a person made, not AWS or an AWS service."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, console, name_tag, q, tags_from_pairs

# Tags AWS itself puts on what a service or a stack made (keys under aws: are reserved: nobody else can set them):
# the instances of an Auto Scaling group, an EC2 or Spot Fleet and an EMR cluster, an EKS cluster's own security
# group, a CloudFormation stack's resources. None of them is a person's ClickOps: the event path drops their creation
# records too (bot/filters.py: invokedBy a service, or CloudFormation). aws:ec2launchtemplate:* is not among them:
# it marks any instance launched from a template, by a person too.
_MADE_BY_TAG_PREFIXES = (
    "aws:autoscaling:",
    "aws:ec2spot:fleet-request-id",
    "aws:ec2:fleet-id",
    "aws:elasticmapreduce:",
    "aws:eks:",
    "aws:cloudformation:",
)
# Instance states of one that is going or gone: not there to adopt.
_INSTANCE_GONE = frozenset({"shutting-down", "terminated"})
_VOLUME_GONE = frozenset({"deleting", "deleted"})
# A failed NAT gateway is deleted by AWS within the hour; it never carried traffic.
_NAT_GONE = frozenset({"deleting", "deleted", "failed"})
_ENDPOINT_GONE = frozenset({"deleting", "deleted"})


def _ec2_console(region: str, fragment: str) -> str:
    """As the resolver's _ec2_console builds it for a record of this region."""
    return console(region, f"ec2/home?region={q(region)}#{fragment}")


def _vpc_console(region: str, fragment: str) -> str:
    """As the resolver's _vpc_console builds it for a record of this region."""
    return console(region, f"vpcconsole/home?region={q(region)}#{fragment}")


def _tags(item: Mapping[str, Any]) -> dict[str, str]:
    return tags_from_pairs(item.get("Tags") or [], "Key", "Value")


def _made_by_aws(item: Mapping[str, Any], tags: Mapping[str, str]) -> bool:
    """A service made it: an AWS-reserved creator tag, or the API marks it managed by a service (Operator, on
    instances, volumes and launch templates an AWS service runs for the account, e.g. EKS Auto Mode's nodes)."""
    operator = item.get("Operator")
    if isinstance(operator, Mapping) and operator.get("Managed"):
        return True
    return any(key.startswith(_MADE_BY_TAG_PREFIXES) for key in tags)


def _foreign(item: Mapping[str, Any], scope: ScanScope) -> bool:
    """Owned by another account and shared with this one (a shared VPC's subnets, through RAM): that account's
    scan lists it, and only that account can adopt it."""
    owner = item.get("OwnerId")
    return isinstance(owner, str) and bool(owner) and owner != scope.account_id


def _state(value: Any) -> str:
    """A state as lower case text, whether the answer gives a string or a {Name: ...} object (instances)."""
    if isinstance(value, Mapping):
        value = value.get("Name")
    return value.lower() if isinstance(value, str) else ""


def _items(scope: ScanScope, operation: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item under `key` in every page of a paginated describe call."""
    return paged(scope.clients("ec2"), operation, key, **kwargs)


def _listed(scope: ScanScope, kind: str, item_id: str, tags: Mapping[str, str],
            facts: Iterable[tuple[str, str]] = (), *, page: str, console_at: Callable[[str, str], str] = _ec2_console,
            name: str = "", arn: str = "") -> Listed:
    """One resource as the resolver identifies it: its ID imports it; its Name tag names it, else `name` (what the
    API calls it), else its ID; its ARN is the one the API gives, else arn:...:ec2:<region>:<account>:<kind>/<ID>;
    its console page is `page` (InstanceDetails:instanceId) given the ID. A fact without a value is left out."""
    return Listed(
        import_id=item_id,
        name=name_tag(tags) or name or item_id,
        arn=arn or scope.arn("ec2", f"{kind}/{item_id}"),
        console_url=console_at(scope.region, f"{page}={q(item_id)}"),
        tags=tags,
        facts=tuple((label, value) for label, value in facts if value),
    )


def _default_vpcs(scope: ScanScope) -> frozenset[str]:
    """The region's default VPC (at most one; none where someone deleted it)."""
    vpcs = scope.clients("ec2").describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}]).get("Vpcs") or []
    return frozenset(vpc["VpcId"] for vpc in vpcs if vpc.get("IsDefault"))


def _instances(scope: ScanScope) -> Iterator[Listed]:
    for reservation in _items(scope, "describe_instances", "Reservations"):
        for instance in reservation.get("Instances") or []:
            state = _state(instance.get("State"))
            tags = _tags(instance)
            if state in _INSTANCE_GONE or _made_by_aws(instance, tags):
                continue
            instance_id = instance["InstanceId"]
            facts = [("instance type", str(instance.get("InstanceType") or ""))]
            facts.append(("state", state))
            yield _listed(scope, "instance", instance_id, tags, facts, page="InstanceDetails:instanceId")


def _security_groups(scope: ScanScope) -> Iterator[Listed]:
    for group in _items(scope, "describe_security_groups", "SecurityGroups"):
        tags = _tags(group)
        # Every VPC's `default` group comes with the VPC (the name is reserved: nobody can make another).
        if group.get("GroupName") == "default" or _foreign(group, scope) or _made_by_aws(group, tags):
            continue
        group_id = group["GroupId"]
        facts = []
        if group.get("VpcId"):
            facts.append(("VPC", group["VpcId"]))
        facts.append(("inbound rules", str(len(group.get("IpPermissions") or []))))
        yield _listed(scope, "security-group", group_id, tags, facts, page="SecurityGroup:groupId",
                      name=group.get("GroupName") or "", arn=group.get("SecurityGroupArn") or "")


def _vpcs(scope: ScanScope) -> Iterator[Listed]:
    for vpc in _items(scope, "describe_vpcs", "Vpcs"):
        tags = _tags(vpc)
        # The default VPC is AWS's (adopted, if at all, as aws_default_vpc, which no destroy removes).
        if vpc.get("IsDefault") or _foreign(vpc, scope) or _made_by_aws(vpc, tags):
            continue
        vpc_id = vpc["VpcId"]
        yield _listed(scope, "vpc", vpc_id, tags, [("CIDR", str(vpc.get("CidrBlock") or ""))],
                      page="VpcDetails:VpcId", console_at=_vpc_console)


def _subnets(scope: ScanScope) -> Iterator[Listed]:
    for subnet in _items(scope, "describe_subnets", "Subnets"):
        tags = _tags(subnet)
        # A default VPC's subnet in each zone is AWS's (aws_default_subnet); one a person adds to it is not.
        if subnet.get("DefaultForAz") or _foreign(subnet, scope) or _made_by_aws(subnet, tags):
            continue
        subnet_id = subnet["SubnetId"]
        facts = [("CIDR", str(subnet.get("CidrBlock") or "")), ("zone", str(subnet.get("AvailabilityZone") or ""))]
        yield _listed(scope, "subnet", subnet_id, tags, facts, page="SubnetDetails:subnetId",
                      console_at=_vpc_console, arn=subnet.get("SubnetArn") or "")


def _volumes(scope: ScanScope) -> Iterator[Listed]:
    for volume in _items(scope, "describe_volumes", "Volumes"):
        tags = _tags(volume)
        state = _state(volume.get("State"))
        if state in _VOLUME_GONE or _foreign(volume, scope) or _made_by_aws(volume, tags):
            continue
        # A volume that goes with its instance (delete on termination: every root volume, and the volumes an
        # instance launched with) is the instance's, adopted in its aws_instance; one attached later stays apart.
        if any(attachment.get("DeleteOnTermination") for attachment in volume.get("Attachments") or []):
            continue
        volume_id = volume["VolumeId"]
        facts = []
        if volume.get("Size") is not None:
            facts.append(("storage", f"{volume['Size']} GiB"))
        if volume.get("VolumeType"):
            facts.append(("volume type", str(volume["VolumeType"])))
        if state:
            facts.append(("state", state))  # "available": attached to nothing
        yield _listed(scope, "volume", volume_id, tags, facts, page="VolumeDetails:volumeId")


def _addresses(scope: ScanScope) -> Iterator[Listed]:
    # DescribeAddresses has no pagination: one answer holds every address of the region.
    for address in scope.clients("ec2").describe_addresses().get("Addresses") or []:
        tags = _tags(address)
        allocation_id = address.get("AllocationId")
        # An EC2-Classic address has no allocation ID, which the provider imports by (the resolver skips it too);
        # one a service manages for its own load balancer, database or NAT (ServiceManaged) is that service's.
        if not allocation_id or address.get("ServiceManaged") or _made_by_aws(address, tags):
            continue
        public_ip = str(address.get("PublicIp") or "")
        attached = address.get("InstanceId") or address.get("NetworkInterfaceId") or "none"
        facts = [("public IP", public_ip), ("associated with", str(attached))]
        yield _listed(scope, "elastic-ip", allocation_id, tags, facts, page="ElasticIpDetails:AllocationId",
                      name=public_ip)


def _key_pairs(scope: ScanScope) -> Iterator[Listed]:
    # DescribeKeyPairs has no pagination: one answer holds every key pair of the region. AWS makes none itself.
    for pair in scope.clients("ec2").describe_key_pairs().get("KeyPairs") or []:
        key_name = pair.get("KeyName")
        if not key_name:
            continue
        tags = _tags(pair)
        yield _listed(scope, "key-pair", key_name, tags, [("key type", str(pair.get("KeyType") or ""))],
                      page="KeyPairs:search")


def _internet_gateways(scope: ScanScope) -> Iterator[Listed]:
    defaults = _default_vpcs(scope)
    for gateway in _items(scope, "describe_internet_gateways", "InternetGateways"):
        tags = _tags(gateway)
        vpcs = [str(a["VpcId"]) for a in gateway.get("Attachments") or [] if a.get("VpcId")]
        # The default VPC's gateway came with it (AWS made both).
        if defaults.intersection(vpcs) or _foreign(gateway, scope) or _made_by_aws(gateway, tags):
            continue
        gateway_id = gateway["InternetGatewayId"]
        facts = (("VPC", vpcs[0]),) if vpcs else (("state", "detached"),)
        yield _listed(scope, "internet-gateway", gateway_id, tags, facts, page="InternetGateway:internetGatewayId",
                      console_at=_vpc_console)


def _nat_gateways(scope: ScanScope) -> Iterator[Listed]:
    for gateway in _items(scope, "describe_nat_gateways", "NatGateways"):
        tags = _tags(gateway)
        state = _state(gateway.get("State"))
        if state in _NAT_GONE or _made_by_aws(gateway, tags):
            continue
        gateway_id = gateway["NatGatewayId"]
        facts = []
        if gateway.get("ConnectivityType"):
            facts.append(("connectivity", str(gateway["ConnectivityType"])))
        if state and state != "available":
            facts.append(("state", state))
        yield _listed(scope, "natgateway", gateway_id, tags, facts, page="NatGatewayDetails:natGatewayId",
                      console_at=_vpc_console)


def _by_service_role(created_by: Any) -> bool:
    """Made by a service through its service-linked role (EKS making a managed node group's template)."""
    return isinstance(created_by, str) and (
        ":role/aws-service-role/" in created_by or ":assumed-role/AWSServiceRoleFor" in created_by
    )


def _launch_templates(scope: ScanScope) -> Iterator[Listed]:
    for template in _items(scope, "describe_launch_templates", "LaunchTemplates"):
        tags = _tags(template)
        if _by_service_role(template.get("CreatedBy")) or _made_by_aws(template, tags):
            continue
        template_id = template["LaunchTemplateId"]
        facts = []
        for label, key in (("default version", "DefaultVersionNumber"), ("latest version", "LatestVersionNumber")):
            if template.get(key) is not None:
                facts.append((label, str(template[key])))
        yield _listed(scope, "launch-template", template_id, tags, facts,
                      page="LaunchTemplateDetails:launchTemplateId", name=template.get("LaunchTemplateName") or "")


def _route_tables(scope: ScanScope) -> Iterator[Listed]:
    defaults = _default_vpcs(scope)
    for table in _items(scope, "describe_route_tables", "RouteTables"):
        tags = _tags(table)
        associations = table.get("Associations") or []
        # Every VPC's main route table comes with the VPC; a default VPC's tables are all AWS's, adopted with it.
        if (
            table.get("VpcId") in defaults
            or any(association.get("Main") for association in associations)
            or _foreign(table, scope)
            or _made_by_aws(table, tags)
        ):
            continue
        table_id = table["RouteTableId"]
        facts = []
        if table.get("VpcId"):
            facts.append(("VPC", str(table["VpcId"])))
        facts.append(("subnets", str(sum(1 for association in associations if association.get("SubnetId")))))
        yield _listed(scope, "route-table", table_id, tags, facts, page="RouteTableDetails:RouteTableId",
                      console_at=_vpc_console)


def _vpc_endpoints(scope: ScanScope) -> Iterator[Listed]:
    for endpoint in _items(scope, "describe_vpc_endpoints", "VpcEndpoints"):
        tags = _tags(endpoint)
        state = _state(endpoint.get("State"))
        # RequesterManaged: a service made it in the account's VPC for itself (and deletes it with its resource).
        if (
            state in _ENDPOINT_GONE
            or endpoint.get("RequesterManaged")
            or _foreign(endpoint, scope)
            or _made_by_aws(endpoint, tags)
        ):
            continue
        endpoint_id = endpoint["VpcEndpointId"]
        service = str(endpoint.get("ServiceName") or "")
        facts = []
        if endpoint.get("VpcEndpointType"):
            facts.append(("type", str(endpoint["VpcEndpointType"])))
        if state and state != "available":
            facts.append(("state", state))
        yield _listed(scope, "vpc-endpoint", endpoint_id, tags, facts, page="EndpointDetails:vpcEndpointId",
                      console_at=_vpc_console, name=service)


LISTERS = {
    "aws_instance": Lister(("ec2:DescribeInstances",), _instances),
    "aws_security_group": Lister(("ec2:DescribeSecurityGroups",), _security_groups),
    "aws_vpc": Lister(("ec2:DescribeVpcs",), _vpcs),
    "aws_subnet": Lister(("ec2:DescribeSubnets",), _subnets),
    "aws_ebs_volume": Lister(("ec2:DescribeVolumes",), _volumes),
    "aws_eip": Lister(("ec2:DescribeAddresses",), _addresses),
    "aws_key_pair": Lister(("ec2:DescribeKeyPairs",), _key_pairs),
    "aws_internet_gateway": Lister(("ec2:DescribeVpcs", "ec2:DescribeInternetGateways"), _internet_gateways),
    "aws_nat_gateway": Lister(("ec2:DescribeNatGateways",), _nat_gateways),
    "aws_launch_template": Lister(("ec2:DescribeLaunchTemplates",), _launch_templates),
    "aws_route_table": Lister(("ec2:DescribeVpcs", "ec2:DescribeRouteTables"), _route_tables),
    "aws_vpc_endpoint": Lister(("ec2:DescribeVpcEndpoints",), _vpc_endpoints),
}
