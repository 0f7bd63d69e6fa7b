"""Amazon EC2 and VPC: instances, networks, gateways, volumes, addresses, key pairs and launch templates."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, items, json_doc, pair_tags, sorted_strings, true_or_none, unwrap
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Companion, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

# gp3's baseline, which AWS applies when a volume asks for nothing more.
_GP3_IOPS = 3000
_GP3_THROUGHPUT = 125


def _get(body: Any, *keys: str) -> Any:
    """The first of several spellings of a field (EC2 records come from a JSON and an XML-derived serialiser)."""
    if not isinstance(body, Mapping):
        return None
    for key in keys:
        if body.get(key) is not None:
            return body[key]
    return None


def _event_tags(resource: Resource) -> dict[str, str]:
    return clean_tags(resource.tags)


def _request(record: CloudTrailRecord | None, wrapper: str = "") -> Mapping[str, Any]:
    if record is None:
        return {}
    return unwrap(record.request, wrapper) if wrapper else record.request


def _response(record: CloudTrailRecord | None, wrapper: str = "") -> Mapping[str, Any]:
    if record is None:
        return {}
    return unwrap(record.response, wrapper) if wrapper else record.response


def _volume_args(volume: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments shared by aws_ebs_volume and an instance's root_block_device."""
    kind = volume.get("VolumeType")
    iops = volume.get("Iops")
    throughput = volume.get("Throughput")
    return {
        "volume_type": kind,
        "iops": iops if kind in ("io1", "io2") or (kind == "gp3" and iops and iops != _GP3_IOPS) else None,
        "throughput": throughput if kind == "gp3" and throughput and throughput != _GP3_THROUGHPUT else None,
        "encrypted": true_or_none(volume.get("Encrypted")),
    }


# aws_instance


def _user_data(encoded: Any) -> dict[str, str]:
    """user_data as the text it is, or user_data_base64 where it is not UTF-8 text (a gzip, a MIME archive)."""
    if not isinstance(encoded, str) or not encoded:
        return {}
    try:
        return {"user_data": base64.b64decode(encoded, validate=True).decode("utf-8")}
    except (binascii.Error, UnicodeDecodeError):
        return {"user_data_base64": encoded}


def _metadata_options(options: Any) -> dict[str, Any] | None:
    """The instance metadata service settings (IMDSv2, hop limit), which a review should see stated."""
    if not isinstance(options, Mapping):
        return None
    block = {
        "http_endpoint": options.get("HttpEndpoint"),
        "http_tokens": options.get("HttpTokens"),
        "http_put_response_hop_limit": options.get("HttpPutResponseHopLimit"),
        "instance_metadata_tags": options.get("InstanceMetadataTags"),
    }
    return {k: v for k, v in block.items() if v is not None} or None


def _root_block_device(ec2: Any, instance: Mapping[str, Any]) -> dict[str, Any] | None:
    for mapping in instance.get("BlockDeviceMappings") or ():
        if mapping.get("DeviceName") == instance.get("RootDeviceName") and dig(mapping, "Ebs", "VolumeId"):
            volumes = ec2.describe_volumes(VolumeIds=[mapping["Ebs"]["VolumeId"]])["Volumes"]
            if volumes:
                root = {"volume_size": volumes[0].get("Size"), **_volume_args(volumes[0])}
                if mapping["Ebs"].get("DeleteOnTermination") is False:
                    root["delete_on_termination"] = False
                return {k: v for k, v in root.items() if v is not None}
    return None


def _describe_instance(clients: Clients, resource: Resource) -> Model:
    ec2 = clients("ec2")
    reservations = ec2.describe_instances(InstanceIds=[resource.import_id])["Reservations"]
    instance = dig(reservations, 0, "Instances", 0)
    if not instance or dig(instance, "State", "Name") in ("terminated", "shutting-down"):
        raise NotFound(f"instance {resource.import_id} is gone or terminating")
    user_data = ec2.describe_instance_attribute(InstanceId=resource.import_id, Attribute="userData")
    profile_arn = dig(instance, "IamInstanceProfile", "Arn") or ""
    args = {
        "ami": instance.get("ImageId"),
        "instance_type": instance.get("InstanceType"),
        "subnet_id": instance.get("SubnetId"),
        "vpc_security_group_ids": sorted_strings(g.get("GroupId") for g in instance.get("SecurityGroups") or ()),
        "key_name": instance.get("KeyName"),
        "iam_instance_profile": profile_arn.rsplit("/", 1)[-1] if profile_arn else None,
        "monitoring": True if dig(instance, "Monitoring", "State") in ("enabled", "pending") else None,
        "ebs_optimized": true_or_none(instance.get("EbsOptimized")),
        "tenancy": tenancy if (tenancy := dig(instance, "Placement", "Tenancy")) not in (None, "default") else None,
        **_user_data(dig(user_data, "UserData", "Value")),
        "metadata_options": _metadata_options(instance.get("MetadataOptions")),
        "root_block_device": _root_block_device(ec2, instance),
        "tags": pair_tags(instance.get("Tags")),
    }
    return Model(args=args)


def _instance_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _request(record)
    item: Mapping[str, Any] = {}
    for candidate in items(dig(_response(record), "instancesSet")):
        if isinstance(candidate, dict) and candidate.get("instanceId") == resource.import_id:
            item = candidate
    group_set = _get(item, "groupSet") or _get(request, "groupSet")
    groups = [g.get("groupId") for g in items(group_set) if isinstance(g, dict)]
    root = None
    for mapping in items(_get(request, "blockDeviceMapping")):
        ebs = _get(mapping, "ebs")
        if isinstance(ebs, dict) and ebs.get("volumeSize"):
            root = {
                "volume_size": ebs.get("volumeSize"),
                "volume_type": ebs.get("volumeType"),
                "encrypted": true_or_none(ebs.get("encrypted")),
            }
            root = {k: v for k, v in root.items() if v is not None}
            break
    args = {
        "ami": _get(item, "imageId") or _get(request, "imageId"),
        "instance_type": _get(item, "instanceType") or _get(request, "instanceType"),
        "subnet_id": _get(item, "subnetId") or _get(request, "subnetId"),
        "vpc_security_group_ids": sorted_strings(groups),
        "key_name": _get(item, "keyName") or _get(request, "keyName"),
        "monitoring": True if dig(request, "monitoring", "enabled") is True else None,
        "root_block_device": root,
        "tags": _event_tags(resource),
    }
    return Model(args=args)


# aws_security_group and its rules, each rule the separate resource the current provider recommends


def _referenced_group(rule: Mapping[str, Any], owner: Any) -> str | None:
    """The group a rule admits, as the provider reads it back: `account/sg-...` only for another account's group."""
    group_id, account = dig(rule, "ReferencedGroupInfo", "GroupId"), dig(rule, "ReferencedGroupInfo", "UserId")
    if group_id and account and owner and account != owner:
        return f"{account}/{group_id}"
    return group_id if isinstance(group_id, str) else None


def _rule_args(rule: Mapping[str, Any], owner: Any = None) -> dict[str, Any]:
    protocol = str(rule.get("IpProtocol"))
    all_traffic = protocol == "-1"
    args = {
        "ip_protocol": protocol,
        "from_port": None if all_traffic else rule.get("FromPort"),
        "to_port": None if all_traffic else rule.get("ToPort"),
        "cidr_ipv4": rule.get("CidrIpv4"),
        "cidr_ipv6": rule.get("CidrIpv6"),
        "prefix_list_id": rule.get("PrefixListId"),
        "referenced_security_group_id": _referenced_group(rule, owner),
        "description": rule.get("Description"),
        "tags": pair_tags(rule.get("Tags")),
    }
    return {k: v for k, v in args.items() if v not in (None, "", {})}


def _describe_security_group(clients: Clients, resource: Resource) -> Model:
    ec2 = clients("ec2")
    groups = ec2.describe_security_groups(GroupIds=[resource.import_id])["SecurityGroups"]
    if not groups:
        raise NotFound(f"security group {resource.import_id}")
    group = groups[0]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [resource.import_id]}])
    ingress: list[dict[str, Any]] = []
    egress: list[dict[str, Any]] = []
    companions: list[Companion] = []
    for rule in sorted(rules.get("SecurityGroupRules") or (), key=lambda r: r.get("SecurityGroupRuleId", "")):
        kind = "egress" if rule.get("IsEgress") else "ingress"
        listed = egress if kind == "egress" else ingress
        suffix = f"{kind}_{len(listed) + 1}"
        listed.append({"suffix": suffix, "kind": kind, "args": _rule_args(rule, group.get("OwnerId"))})
        companions.append(Companion(f"aws_vpc_security_group_{kind}_rule", rule["SecurityGroupRuleId"], suffix))
    args = {
        "name": group.get("GroupName"),
        # The provider writes "Managed by Terraform" where the argument is missing: always state the real one.
        "description": group.get("Description", ""),
        "vpc_id": group.get("VpcId"),
        "tags": pair_tags(group.get("Tags")),
        "rules": ingress + egress,
    }
    return Model(args=args, companions=tuple(companions))


def _security_group_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _request(record)
    args = {
        "name": _get(request, "groupName", "GroupName"),
        "description": _get(request, "groupDescription", "GroupDescription") or "",
        "vpc_id": _get(request, "vpcId", "VpcId"),
        "tags": _event_tags(resource),
        "rules": [],
    }
    return Model(args=args)


# aws_vpc


def _describe_vpc(clients: Clients, resource: Resource) -> Model:
    ec2 = clients("ec2")
    vpcs = ec2.describe_vpcs(VpcIds=[resource.import_id])["Vpcs"]
    if not vpcs:
        raise NotFound(f"VPC {resource.import_id}")
    vpc = vpcs[0]
    hostnames = ec2.describe_vpc_attribute(VpcId=resource.import_id, Attribute="enableDnsHostnames")
    support = ec2.describe_vpc_attribute(VpcId=resource.import_id, Attribute="enableDnsSupport")
    ipv6 = any(a.get("Ipv6CidrBlock") for a in vpc.get("Ipv6CidrBlockAssociationSet") or ())
    args = {
        "cidr_block": vpc.get("CidrBlock"),
        "instance_tenancy": vpc.get("InstanceTenancy") if vpc.get("InstanceTenancy") != "default" else None,
        "enable_dns_support": False if dig(support, "EnableDnsSupport", "Value") is False else None,
        "enable_dns_hostnames": True if dig(hostnames, "EnableDnsHostnames", "Value") else None,
        "assign_generated_ipv6_cidr_block": True if ipv6 else None,
        "tags": pair_tags(vpc.get("Tags")),
    }
    return Model(args=args)


def _vpc_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request, vpc = _request(record), _get(_response(record), "vpc") or {}
    tenancy = _get(vpc, "instanceTenancy") or _get(request, "instanceTenancy")
    args = {
        "cidr_block": _get(vpc, "cidrBlock") or _get(request, "cidrBlock"),
        "instance_tenancy": tenancy if tenancy not in (None, "default") else None,
        "assign_generated_ipv6_cidr_block": true_or_none(_get(request, "amazonProvidedIpv6CidrBlock")),
        "tags": _event_tags(resource),
    }
    return Model(args=args)


# aws_subnet


def _describe_subnet(clients: Clients, resource: Resource) -> Model:
    subnets = clients("ec2").describe_subnets(SubnetIds=[resource.import_id])["Subnets"]
    if not subnets:
        raise NotFound(f"subnet {resource.import_id}")
    subnet = subnets[0]
    ipv6 = [a.get("Ipv6CidrBlock") for a in subnet.get("Ipv6CidrBlockAssociationSet") or () if a.get("Ipv6CidrBlock")]
    args = {
        "vpc_id": subnet.get("VpcId"),
        "cidr_block": subnet.get("CidrBlock"),
        "ipv6_cidr_block": ipv6[0] if ipv6 else None,
        "availability_zone": subnet.get("AvailabilityZone"),
        "map_public_ip_on_launch": true_or_none(subnet.get("MapPublicIpOnLaunch")),
        "tags": pair_tags(subnet.get("Tags")),
    }
    return Model(args=args)


def _subnet_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request, subnet = _request(record), _get(_response(record), "subnet") or {}
    args = {
        "vpc_id": _get(subnet, "vpcId") or _get(request, "vpcId"),
        "cidr_block": _get(subnet, "cidrBlock") or _get(request, "cidrBlock"),
        "ipv6_cidr_block": _get(request, "ipv6CidrBlock"),
        "availability_zone": _get(subnet, "availabilityZone") or _get(request, "availabilityZone"),
        "tags": _event_tags(resource),
    }
    return Model(args=args)


# aws_ebs_volume


def _describe_volume(clients: Clients, resource: Resource) -> Model:
    volumes = clients("ec2").describe_volumes(VolumeIds=[resource.import_id])["Volumes"]
    if not volumes:
        raise NotFound(f"volume {resource.import_id}")
    volume = volumes[0]
    args = {
        "availability_zone": volume.get("AvailabilityZone"),
        "size": volume.get("Size"),
        **{("type" if k == "volume_type" else k): v for k, v in _volume_args(volume).items()},
        "snapshot_id": volume.get("SnapshotId") or None,
        "multi_attach_enabled": true_or_none(volume.get("MultiAttachEnabled")),
        "tags": pair_tags(volume.get("Tags")),
    }
    return Model(args=args)


def _volume_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request, response = _request(record), _response(record)
    args = {
        "availability_zone": _get(response, "availabilityZone") or _get(request, "zone", "availabilityZone"),
        "size": _get(response, "size") or _get(request, "size"),
        "type": _get(response, "volumeType") or _get(request, "volumeType"),
        "iops": _get(request, "iops"),
        "throughput": _get(request, "throughput"),
        "encrypted": true_or_none(_get(response, "encrypted") or _get(request, "encrypted")),
        "snapshot_id": _get(request, "snapshotId") or None,
        "tags": _event_tags(resource),
    }
    return Model(args=args)


# aws_eip


def _describe_eip(clients: Clients, resource: Resource) -> Model:
    addresses = clients("ec2").describe_addresses(AllocationIds=[resource.import_id])["Addresses"]
    if not addresses:
        raise NotFound(f"Elastic IP {resource.import_id}")
    address = addresses[0]
    pool = address.get("PublicIpv4Pool")
    args = {
        "domain": address.get("Domain") or "vpc",
        "public_ipv4_pool": pool if pool and pool != "amazon" else None,
        "tags": pair_tags(address.get("Tags")),
    }
    return Model(args=args)


def _eip_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request, response = _request(record), _response(record)
    pool = _get(response, "publicIpv4Pool") or _get(request, "publicIpv4Pool")
    args = {
        "domain": _get(response, "domain") or _get(request, "domain") or "vpc",
        "public_ipv4_pool": pool if pool and pool != "amazon" else None,
        "tags": _event_tags(resource),
    }
    return Model(args=args)


# aws_key_pair


def _describe_key_pair(clients: Clients, resource: Resource) -> Model:
    pairs = clients("ec2").describe_key_pairs(KeyNames=[resource.import_id], IncludePublicKey=True)["KeyPairs"]
    if not pairs:
        raise NotFound(f"key pair {resource.import_id}")
    pair = pairs[0]
    notes: tuple[str, ...] = ()
    public_key = (pair.get("PublicKey") or "").strip()
    if not public_key:
        notes = ("AWS returned no public key for this key pair: add public_key before planning.",)
    args = {"key_name": pair.get("KeyName"), "public_key": public_key, "tags": pair_tags(pair.get("Tags"))}
    return Model(args=args, notes=notes)


def _key_pair_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    material = _get(_request(record), "publicKeyMaterial", "PublicKeyMaterial")
    notes: tuple[str, ...] = ()
    if not isinstance(material, str) or not material.startswith(("ssh-", "ecdsa-")):
        # CreateKeyPair's event never carries the public key, and ImportKeyPair's is often elided.
        material = None
        notes = ("The event does not hold the public key: add public_key (from the console) before planning.",)
    args = {"key_name": resource.import_id, "public_key": material, "tags": _event_tags(resource)}
    return Model(args=args, notes=notes)


# aws_internet_gateway


def _describe_internet_gateway(clients: Clients, resource: Resource) -> Model:
    found = clients("ec2").describe_internet_gateways(InternetGatewayIds=[resource.import_id])["InternetGateways"]
    if not found:
        raise NotFound(f"internet gateway {resource.import_id}")
    gateway = found[0]
    attached = [a.get("VpcId") for a in gateway.get("Attachments") or () if a.get("VpcId")]
    return Model(args={"vpc_id": attached[0] if attached else None, "tags": pair_tags(gateway.get("Tags"))})


def _internet_gateway_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    return Model(args={"vpc_id": None, "tags": _event_tags(resource)})


# aws_nat_gateway


def _describe_nat_gateway(clients: Clients, resource: Resource) -> Model:
    found = clients("ec2").describe_nat_gateways(NatGatewayIds=[resource.import_id])["NatGateways"]
    if not found or found[0].get("State") in ("deleted", "deleting", "failed"):
        raise NotFound(f"NAT gateway {resource.import_id}")
    gateway = found[0]
    addresses = gateway.get("NatGatewayAddresses") or ()
    private = gateway.get("ConnectivityType") == "private"
    allocation = next((a["AllocationId"] for a in addresses if a.get("AllocationId")), None)
    args = {
        "allocation_id": None if private else allocation,
        "connectivity_type": "private" if private else None,
        "subnet_id": gateway.get("SubnetId"),
        "tags": pair_tags(gateway.get("Tags")),
    }
    return Model(args=args)


def _nat_gateway_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _request(record, "CreateNatGatewayRequest")
    gateway = _get(_response(record, "CreateNatGatewayResponse"), "natGateway") or {}
    kind = _get(request, "ConnectivityType", "connectivityType")
    args = {
        "allocation_id": _get(request, "AllocationId", "allocationId"),
        "connectivity_type": "private" if kind == "private" else None,
        "subnet_id": _get(request, "SubnetId", "subnetId") or _get(gateway, "subnetId"),
        "tags": _event_tags(resource),
    }
    return Model(args=args)


# aws_launch_template


def _flag(value: Any) -> bool | None:
    """A launch template flag as set (true or false), or None where the template leaves it unset."""
    if isinstance(value, str):
        return value.lower() == "true"
    return value if isinstance(value, bool) else None


def _template_block_devices(mappings: Any) -> list[dict[str, Any]]:
    """The template's storage: each device and, for an EBS volume, its size, type, performance and encryption."""
    devices = []
    for mapping in mappings or ():
        if not isinstance(mapping, Mapping) or not mapping.get("DeviceName"):
            continue
        ebs: Mapping[str, Any] = mapping["Ebs"] if isinstance(mapping.get("Ebs"), Mapping) else {}
        volume = {
            "volume_size": ebs.get("VolumeSize"),
            "volume_type": ebs.get("VolumeType"),
            "iops": ebs.get("Iops") or None,
            "throughput": ebs.get("Throughput") or None,
            "encrypted": _flag(ebs.get("Encrypted")),
            "kms_key_id": ebs.get("KmsKeyId") or None,
            "snapshot_id": ebs.get("SnapshotId") or None,
            "delete_on_termination": _flag(ebs.get("DeleteOnTermination")),
        }
        devices.append({
            "device_name": mapping["DeviceName"],
            "virtual_name": mapping.get("VirtualName") or None,
            "no_device": mapping.get("NoDevice") or None,
            "ebs": {k: v for k, v in volume.items() if v is not None},
        })
    return devices


def _template_data_args(data: Mapping[str, Any]) -> dict[str, Any]:
    specs = []
    for spec in data.get("TagSpecifications") or ():
        tags = pair_tags(spec.get("Tags"))
        if spec.get("ResourceType") and tags:
            specs.append({"resource_type": spec["ResourceType"], "tags": tags})
    profile = data.get("IamInstanceProfile") or {}
    return {
        "image_id": data.get("ImageId"),
        "instance_type": data.get("InstanceType"),
        "key_name": data.get("KeyName"),
        "vpc_security_group_ids": sorted_strings(data.get("SecurityGroupIds")),
        "iam_instance_profile": {k: v for k, v in (("name", profile.get("Name")), ("arn", profile.get("Arn"))) if v}
        or None,
        "user_data": data.get("UserData"),
        "ebs_optimized": "true" if data.get("EbsOptimized") else None,
        "monitoring": True if dig(data, "Monitoring", "Enabled") is True else None,
        "metadata_options": _metadata_options(data.get("MetadataOptions")),
        "block_device_mappings": _template_block_devices(data.get("BlockDeviceMappings")),
        "tag_specifications": specs,
    }


def _describe_launch_template(clients: Clients, resource: Resource) -> Model:
    ec2 = clients("ec2")
    templates = ec2.describe_launch_templates(LaunchTemplateIds=[resource.import_id])["LaunchTemplates"]
    if not templates:
        raise NotFound(f"launch template {resource.import_id}")
    template = templates[0]
    # The provider reads (and would change) the latest version, whichever version launches by default.
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=resource.import_id, Versions=["$Latest"])
    version = dig(versions, "LaunchTemplateVersions", 0) or {}
    default = template.get("DefaultVersionNumber")
    args = {
        "name": template.get("LaunchTemplateName"),
        "description": version.get("VersionDescription"),
        "default_version": default if default and default != template.get("LatestVersionNumber") else None,
        **_template_data_args(version.get("LaunchTemplateData") or {}),
        "tags": pair_tags(template.get("Tags")),
    }
    return Model(args=args)


def _launch_template_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _request(record, "CreateLaunchTemplateRequest")
    template = _get(_response(record, "CreateLaunchTemplateResponse"), "launchTemplate") or {}
    data = _get(request, "LaunchTemplateData", "launchTemplateData") or {}
    groups = items(_get(data, "SecurityGroupId", "SecurityGroupIds", "securityGroupIdSet"))
    args = {
        "name": _get(template, "launchTemplateName") or _get(request, "LaunchTemplateName"),
        "description": _get(request, "VersionDescription"),
        "image_id": _get(data, "ImageId", "imageId"),
        "instance_type": _get(data, "InstanceType", "instanceType"),
        "key_name": _get(data, "KeyName", "keyName"),
        "vpc_security_group_ids": sorted_strings(g if isinstance(g, str) else _get(g, "content") for g in groups),
        "tags": _event_tags(resource),
    }
    return Model(args=args)


# aws_route_table

# Where a route sends traffic: the API's field and the provider's argument.
_ROUTE_TARGETS = {
    "GatewayId": "gateway_id",
    "NatGatewayId": "nat_gateway_id",
    "NetworkInterfaceId": "network_interface_id",
    "TransitGatewayId": "transit_gateway_id",
    "VpcPeeringConnectionId": "vpc_peering_connection_id",
    "EgressOnlyInternetGatewayId": "egress_only_gateway_id",
    "LocalGatewayId": "local_gateway_id",
    "CarrierGatewayId": "carrier_gateway_id",
    "CoreNetworkArn": "core_network_arn",
}
_ROUTE_DESTINATIONS = {
    "DestinationCidrBlock": "cidr_block",
    "DestinationIpv6CidrBlock": "ipv6_cidr_block",
    "DestinationPrefixListId": "destination_prefix_list_id",
}


def _route(route: Mapping[str, Any]) -> dict[str, Any] | None:
    """A route a person added, as the provider reads it back; None for those AWS manages (the VPC's own local
    route, a gateway endpoint's prefix-list route, routes a virtual private gateway propagates)."""
    gateway = str(route.get("GatewayId") or "")
    if gateway == "local" or gateway.startswith("vpce-") or route.get("Origin") not in (None, "CreateRoute"):
        return None
    out = {arg: route[field] for field, arg in _ROUTE_DESTINATIONS.items() if route.get(field)}
    # An instance's route comes back with its network interface too, which is what the provider keeps.
    out.update({arg: route[field] for field, arg in _ROUTE_TARGETS.items() if route.get(field)})
    return out if any(arg in out for arg in _ROUTE_DESTINATIONS.values()) else None


def _route_table_args(table: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    routes = [r for r in (_route(route) for route in table.get("Routes") or ()) if r]
    return {
        "vpc_id": table.get("VpcId"),
        "routes": sorted(routes, key=lambda r: sorted(r.items())),
        "propagating_vgws": sorted_strings(v.get("GatewayId") for v in table.get("PropagatingVgws") or ()),
        "tags": clean_tags(tags),
    }


def _describe_route_table(clients: Clients, resource: Resource) -> Model:
    tables = clients("ec2").describe_route_tables(RouteTableIds=[resource.import_id])["RouteTables"]
    if not tables:
        raise NotFound(f"route table {resource.import_id}")
    return Model(args=_route_table_args(tables[0], pair_tags(tables[0].get("Tags"))))


def _route_table_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _request(record, "CreateRouteTableRequest")
    table = _get(_response(record, "CreateRouteTableResponse"), "routeTable") or {}
    # A new route table holds only its local route: the routes are added afterwards, by CreateRoute.
    args = {"vpc_id": _get(table, "vpcId") or _get(request, "vpcId", "VpcId"), "routes": [], "propagating_vgws": [],
            "tags": _event_tags(resource)}
    return Model(args=args)


# aws_vpc_endpoint

_GATEWAY = "Gateway"


def _policy(document: Any) -> Any:
    """The endpoint policy, or None where it is the full access AWS gives an endpoint that sets none."""
    policy = json_doc(document)
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if isinstance(statements, list) and len(statements) == 1 and isinstance(statements[0], dict):
        statement = {k: v for k, v in statements[0].items() if k != "Sid"}
        if statement == {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}:
            return None
    return JsonDocument(policy) if policy else None


def _endpoint_args(endpoint: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    kind = endpoint.get("VpcEndpointType") or _GATEWAY
    gateway = kind.lower() == _GATEWAY.lower()
    groups = [g.get("GroupId") for g in endpoint.get("Groups") or () if isinstance(g, Mapping)]
    return {
        "vpc_id": endpoint.get("VpcId"),
        "service_name": endpoint.get("ServiceName"),
        "vpc_endpoint_type": None if gateway else kind,
        "route_table_ids": sorted_strings(endpoint.get("RouteTableIds")) if gateway else [],
        "subnet_ids": [] if gateway else sorted_strings(endpoint.get("SubnetIds")),
        "security_group_ids": [] if gateway else sorted_strings(groups or endpoint.get("SecurityGroupIds")),
        "private_dns_enabled": True if endpoint.get("PrivateDnsEnabled") and not gateway else None,
        "policy": _policy(endpoint.get("PolicyDocument")),
        "tags": clean_tags(tags),
    }


def _describe_vpc_endpoint(clients: Clients, resource: Resource) -> Model:
    found = clients("ec2").describe_vpc_endpoints(VpcEndpointIds=[resource.import_id])["VpcEndpoints"]
    if not found or str(found[0].get("State", "")).lower() in ("deleted", "deleting", "failed", "rejected"):
        raise NotFound(f"VPC endpoint {resource.import_id}")
    return Model(args=_endpoint_args(found[0], pair_tags(found[0].get("Tags"))))


def _vpc_endpoint_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _request(record, "CreateVpcEndpointRequest")
    endpoint = _get(_response(record, "CreateVpcEndpointResponse"), "vpcEndpoint") or {}

    def listed(*keys: str) -> list[str]:
        values = items(_get(request, *keys))
        return [v if isinstance(v, str) else _get(v, "content") for v in values]

    described = {
        "VpcId": _get(endpoint, "vpcId") or _get(request, "VpcId", "vpcId"),
        "ServiceName": _get(endpoint, "serviceName") or _get(request, "ServiceName", "serviceName"),
        "VpcEndpointType": _get(endpoint, "vpcEndpointType") or _get(request, "VpcEndpointType", "vpcEndpointType"),
        "RouteTableIds": listed("RouteTableId", "RouteTableIds", "routeTableIdSet"),
        "SubnetIds": listed("SubnetId", "SubnetIds", "subnetIdSet"),
        "SecurityGroupIds": listed("SecurityGroupId", "SecurityGroupIds", "securityGroupIdSet"),
        "PrivateDnsEnabled": str(_get(request, "PrivateDnsEnabled", "privateDnsEnabled")).lower() == "true",
        "PolicyDocument": _get(request, "PolicyDocument", "policyDocument"),
    }
    return Model(args=_endpoint_args(described, resource.tags))


CODEGEN = (
    TypeCodegen("aws_instance", _describe_instance, _instance_from_event),
    TypeCodegen(
        "aws_security_group",
        _describe_security_group,
        _security_group_from_event,
        companion_types=("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"),
    ),
    TypeCodegen("aws_vpc", _describe_vpc, _vpc_from_event),
    TypeCodegen("aws_subnet", _describe_subnet, _subnet_from_event),
    TypeCodegen("aws_ebs_volume", _describe_volume, _volume_from_event),
    TypeCodegen("aws_eip", _describe_eip, _eip_from_event),
    TypeCodegen("aws_key_pair", _describe_key_pair, _key_pair_from_event),
    TypeCodegen("aws_internet_gateway", _describe_internet_gateway, _internet_gateway_from_event),
    TypeCodegen("aws_nat_gateway", _describe_nat_gateway, _nat_gateway_from_event),
    TypeCodegen("aws_launch_template", _describe_launch_template, _launch_template_from_event),
    TypeCodegen("aws_route_table", _describe_route_table, _route_table_from_event),
    TypeCodegen("aws_vpc_endpoint", _describe_vpc_endpoint, _vpc_endpoint_from_event),
)
