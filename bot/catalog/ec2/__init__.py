"""Amazon EC2 and the VPC resources its API creates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._arn import build
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    console,
    dig,
    name_tag,
    need,
    q,
    region_of,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord

EVENT_SOURCE = "ec2.amazonaws.com"


def _items(value: Any) -> list[Any]:
    """A CloudTrail list in any of its shapes: a list, {"items": [...]}, {"item": one-or-many}, or a bare object.

    EC2 records come from two serialisers: the JSON one ({"items": [...]}) and, for newer actions such as
    CreateNatGateway and CreateLaunchTemplate, an XML-derived one where a one-element list is the element itself.
    """
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in ("items", "item", "member"):
            if key in value:
                return _items(value[key])
        return [value] if value else []
    return []


def _pairs(value: Any) -> dict[str, str]:
    return tags_from_pairs(_items(value), "key", "value")


def _spec_tags(specs: Any, resource_type: str) -> dict[str, str]:
    """Tags a TagSpecification list asks for on one resource type (a call may tag several it creates)."""
    tags: dict[str, str] = {}
    for spec in _items(specs):
        if not isinstance(spec, dict) or spec.get("resourceType", spec.get("ResourceType")) != resource_type:
            continue
        # In the XML-derived shape "tag" is a list index (an int) beside "Tag", the tags themselves.
        for key in ("tags", "Tags", "Tag", "tag"):
            value = spec.get(key)
            if isinstance(value, list | dict):
                tags.update(_pairs(value))
                break
    return tags


def _request_tags(body: Mapping[str, Any], resource_type: str, response_tag_set: Any = None) -> dict[str, str]:
    """Tags from the request's tag specifications; the response's tagSet where the request names none."""
    specs = body.get("tagSpecificationSet", body.get("TagSpecification", body.get("TagSpecifications")))
    return _spec_tags(specs, resource_type) or _pairs(response_tag_set)


def _arn(record: CloudTrailRecord, resource: str, owner: Any = None) -> str:
    """The resource's ARN in the account that owns it, or '' where the record names no account."""
    return build(record, "ec2", resource, text(owner))


def _ec2_console(record: CloudTrailRecord, fragment: str) -> str:
    region = region_of(record)
    return console(region, f"ec2/home?region={q(region)}#{fragment}")


def _vpc_console(record: CloudTrailRecord, fragment: str) -> str:
    region = region_of(record)
    return console(region, f"vpcconsole/home?region={q(region)}#{fragment}")


def _instances(record: CloudTrailRecord) -> list[Found]:
    items = _items(record.response.get("instancesSet"))
    if not items:
        raise ExtractError("the record has no responseElements.instancesSet.items")
    # One tag specification applies to every instance the call launched.
    requested = _spec_tags(record.request.get("tagSpecificationSet"), "instance")
    found = []
    for index, item in enumerate(items):
        instance_id = need(dig(item, "instanceId"), f"responseElements.instancesSet.items[{index}].instanceId")
        tags = requested or _pairs(dig(item, "tagSet"))
        found.append(
            Found(
                import_id=instance_id,
                name=name_tag(tags) or instance_id,
                arn=_arn(record, f"instance/{instance_id}", record.response.get("ownerId")),
                console_url=_ec2_console(record, f"InstanceDetails:instanceId={q(instance_id)}"),
                tags=tags,
            )
        )
    return found


def _security_group(record: CloudTrailRecord) -> list[Found]:
    group_id = need(record.response.get("groupId"), "responseElements.groupId")
    tags = _request_tags(record.request, "security-group", record.response.get("tagSet"))
    return [
        Found(
            import_id=group_id,
            name=name_tag(tags) or text(record.request.get("groupName")) or group_id,
            arn=_arn(record, f"security-group/{group_id}"),
            console_url=_ec2_console(record, f"SecurityGroup:groupId={q(group_id)}"),
            tags=tags,
        )
    ]


def _vpc(record: CloudTrailRecord) -> list[Found]:
    vpc = record.response.get("vpc")
    vpc_id = need(dig(vpc, "vpcId"), "responseElements.vpc.vpcId")
    tags = _request_tags(record.request, "vpc", dig(vpc, "tagSet"))
    return [
        Found(
            import_id=vpc_id,
            name=name_tag(tags) or vpc_id,
            arn=_arn(record, f"vpc/{vpc_id}", dig(vpc, "ownerId")),
            console_url=_vpc_console(record, f"VpcDetails:VpcId={q(vpc_id)}"),
            tags=tags,
        )
    ]


def _subnet(record: CloudTrailRecord) -> list[Found]:
    subnet = record.response.get("subnet")
    subnet_id = need(dig(subnet, "subnetId"), "responseElements.subnet.subnetId")
    tags = _request_tags(record.request, "subnet", dig(subnet, "tagSet"))
    return [
        Found(
            import_id=subnet_id,
            name=name_tag(tags) or subnet_id,
            arn=text(dig(subnet, "subnetArn")) or _arn(record, f"subnet/{subnet_id}", dig(subnet, "ownerId")),
            console_url=_vpc_console(record, f"SubnetDetails:subnetId={q(subnet_id)}"),
            tags=tags,
        )
    ]


def _volume(record: CloudTrailRecord) -> list[Found]:
    volume_id = need(record.response.get("volumeId"), "responseElements.volumeId")
    tags = _request_tags(record.request, "volume", record.response.get("tagSet"))
    return [
        Found(
            import_id=volume_id,
            name=name_tag(tags) or volume_id,
            arn=_arn(record, f"volume/{volume_id}"),
            console_url=_ec2_console(record, f"VolumeDetails:volumeId={q(volume_id)}"),
            tags=tags,
        )
    ]


def _address(record: CloudTrailRecord) -> list[Found]:
    response = record.response
    allocation_id = text(response.get("allocationId"))
    if not allocation_id and text(response.get("publicIp")):
        # An EC2-Classic address (domain "standard") has only its public IP; the provider imports aws_eip by
        # allocation ID alone, so there is nothing to adopt and the classifier reports the call unsupported.
        return []
    allocation_id = need(allocation_id, "responseElements.allocationId")
    tags = _request_tags(record.request, "elastic-ip", response.get("tagSet"))
    return [
        Found(
            import_id=allocation_id,
            # The address is what people know an Elastic IP by.
            name=name_tag(tags) or text(response.get("publicIp")) or allocation_id,
            arn=_arn(record, f"elastic-ip/{allocation_id}"),
            console_url=_ec2_console(record, f"ElasticIpDetails:AllocationId={q(allocation_id)}"),
            tags=tags,
        )
    ]


def _key_pair(record: CloudTrailRecord) -> list[Found]:
    key_name = text(record.response.get("keyName")) or text(record.request.get("keyName"))
    key_name = need(key_name, "responseElements.keyName")
    tags = _request_tags(record.request, "key-pair", record.response.get("tagSet"))
    return [
        Found(
            import_id=key_name,
            name=name_tag(tags) or key_name,
            # IAM names key pairs in ARNs by key name, not by key-... ID.
            arn=_arn(record, f"key-pair/{key_name}"),
            console_url=_ec2_console(record, f"KeyPairs:search={q(key_name)}"),
            tags=tags,
        )
    ]


def _internet_gateway(record: CloudTrailRecord) -> list[Found]:
    gateway = record.response.get("internetGateway")
    gateway_id = need(dig(gateway, "internetGatewayId"), "responseElements.internetGateway.internetGatewayId")
    tags = _request_tags(record.request, "internet-gateway", dig(gateway, "tagSet"))
    return [
        Found(
            import_id=gateway_id,
            name=name_tag(tags) or gateway_id,
            arn=_arn(record, f"internet-gateway/{gateway_id}", dig(gateway, "ownerId")),
            console_url=_vpc_console(record, f"InternetGateway:internetGatewayId={q(gateway_id)}"),
            tags=tags,
        )
    ]


def _unwrap(body: Mapping[str, Any], wrapper: str, path: str) -> tuple[Mapping[str, Any], str]:
    """The XML-derived shape nests a call's fields under {Action}Request / {Action}Response; also their path."""
    inner = body.get(wrapper)
    return (inner, f"{path}.{wrapper}") if isinstance(inner, dict) else (body, path)


def _nat_gateway(record: CloudTrailRecord) -> list[Found]:
    response, path = _unwrap(record.response, "CreateNatGatewayResponse", "responseElements")
    gateway = response.get("natGateway")
    gateway_id = need(dig(gateway, "natGatewayId"), f"{path}.natGateway.natGatewayId")
    request, _ = _unwrap(record.request, "CreateNatGatewayRequest", "requestParameters")
    tags = _request_tags(request, "natgateway", dig(gateway, "tagSet"))
    return [
        Found(
            import_id=gateway_id,
            name=name_tag(tags) or gateway_id,
            arn=_arn(record, f"natgateway/{gateway_id}"),
            console_url=_vpc_console(record, f"NatGatewayDetails:natGatewayId={q(gateway_id)}"),
            tags=tags,
        )
    ]


def _launch_template(record: CloudTrailRecord) -> list[Found]:
    response, path = _unwrap(record.response, "CreateLaunchTemplateResponse", "responseElements")
    template = response.get("launchTemplate")
    template_id = need(dig(template, "launchTemplateId"), f"{path}.launchTemplate.launchTemplateId")
    request, _ = _unwrap(record.request, "CreateLaunchTemplateRequest", "requestParameters")
    # Only the top-level specification tags the template; LaunchTemplateData's tags go on what it launches.
    tags = _request_tags(request, "launch-template", dig(template, "tagSet"))
    template_name = text(dig(template, "launchTemplateName")) or text(request.get("LaunchTemplateName"))
    return [
        Found(
            import_id=template_id,
            name=name_tag(tags) or template_name or template_id,
            arn=_arn(record, f"launch-template/{template_id}"),
            console_url=_ec2_console(record, f"LaunchTemplateDetails:launchTemplateId={q(template_id)}"),
            tags=tags,
        )
    ]


def _route_table(record: CloudTrailRecord) -> list[Found]:
    response, path = _unwrap(record.response, "CreateRouteTableResponse", "responseElements")
    table = response.get("routeTable")
    table_id = need(dig(table, "routeTableId"), f"{path}.routeTable.routeTableId")
    request, _ = _unwrap(record.request, "CreateRouteTableRequest", "requestParameters")
    tags = _request_tags(request, "route-table", dig(table, "tagSet"))
    return [
        Found(
            import_id=table_id,
            name=name_tag(tags) or table_id,
            arn=_arn(record, f"route-table/{table_id}", dig(table, "ownerId")),
            console_url=_vpc_console(record, f"RouteTableDetails:RouteTableId={q(table_id)}"),
            tags=tags,
        )
    ]


def _vpc_endpoint(record: CloudTrailRecord) -> list[Found]:
    # CreateVpcEndpoint is one of the actions CloudTrail records in the XML-derived shape, wrapped in
    # CreateVpcEndpointRequest/Response; older records have the JSON shape, unwrapped.
    response, path = _unwrap(record.response, "CreateVpcEndpointResponse", "responseElements")
    endpoint = response.get("vpcEndpoint")
    endpoint_id = need(dig(endpoint, "vpcEndpointId"), f"{path}.vpcEndpoint.vpcEndpointId")
    request, _ = _unwrap(record.request, "CreateVpcEndpointRequest", "requestParameters")
    tags = _request_tags(request, "vpc-endpoint", dig(endpoint, "tagSet"))
    service = text(dig(endpoint, "serviceName")) or text(request.get("ServiceName", request.get("serviceName")))
    return [
        Found(
            import_id=endpoint_id,
            # The service is what people know an endpoint by ("com.amazonaws.us-east-1.s3").
            name=name_tag(tags) or service or endpoint_id,
            arn=_arn(record, f"vpc-endpoint/{endpoint_id}", dig(endpoint, "ownerId")),
            console_url=_vpc_console(record, f"EndpointDetails:vpcEndpointId={q(endpoint_id)}"),
            tags=tags,
        )
    ]


def _key_pair_state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("key_name") or attributes.get("id")
    return value if isinstance(value, str) and value else None


def _eip_state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("allocation_id") or attributes.get("id")
    return value if isinstance(value, str) and value else None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_instance",
        label="EC2 instance",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("RunInstances",),
        delete_events=("TerminateInstances",),
        resolve=_instances,
        import_id_format="instance ID: `terraform import aws_instance.web i-12345678`",
        loses_data=True,  # root volume and instance store go with the instance
    ),
    CatalogEntry(
        tf_type="aws_security_group",
        label="security group",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateSecurityGroup",),
        delete_events=("DeleteSecurityGroup",),
        resolve=_security_group,
        import_id_format="security group ID: `terraform import aws_security_group.elb_sg sg-903004f8`",
        loses_data=False,
    ),
    # CreateDefaultVpc is left out on purpose: a default VPC is adopted as aws_default_vpc, whose destroy leaves
    # the VPC in place, so it is reported unsupported rather than offered as an aws_vpc.
    CatalogEntry(
        tf_type="aws_vpc",
        label="VPC",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateVpc",),
        delete_events=("DeleteVpc",),
        resolve=_vpc,
        import_id_format="VPC ID: `terraform import aws_vpc.test_vpc vpc-a01106c2`",
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_subnet",
        label="subnet",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateSubnet",),
        delete_events=("DeleteSubnet",),
        resolve=_subnet,
        import_id_format="subnet ID: `terraform import aws_subnet.public_subnet subnet-9d4a7b6c`",
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_ebs_volume",
        label="EBS volume",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateVolume",),
        delete_events=("DeleteVolume",),
        resolve=_volume,
        import_id_format="volume ID: `terraform import aws_ebs_volume.id vol-049df61146c4d7901`",
        loses_data=True,
    ),
    CatalogEntry(
        tf_type="aws_eip",
        label="Elastic IP",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("AllocateAddress",),
        delete_events=("ReleaseAddress",),
        resolve=_address,
        import_id_format="allocation ID: `terraform import aws_eip.bar eipalloc-00a10e96`",
        state_import_id=_eip_state_id,
        # Releasing gives the public address back to AWS (it may not be recoverable), but no stored data is lost.
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_key_pair",
        label="EC2 key pair",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateKeyPair", "ImportKeyPair"),
        delete_events=("DeleteKeyPair",),
        resolve=_key_pair,
        import_id_format="key name: `terraform import aws_key_pair.deployer deployer-key`",
        state_import_id=_key_pair_state_id,
        # AWS keeps only the public key; instances launched with it keep theirs in authorized_keys.
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_internet_gateway",
        label="internet gateway",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateInternetGateway",),
        delete_events=("DeleteInternetGateway",),
        resolve=_internet_gateway,
        import_id_format="internet gateway ID: `terraform import aws_internet_gateway.gw igw-c0a643a9`",
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_nat_gateway",
        label="NAT gateway",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateNatGateway",),
        delete_events=("DeleteNatGateway",),
        resolve=_nat_gateway,
        import_id_format="NAT gateway ID: `terraform import aws_nat_gateway.private_gw nat-05dba92075d71c408`",
        # Its Elastic IP is a separate allocation that outlives the gateway.
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_launch_template",
        label="launch template",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateLaunchTemplate",),
        delete_events=("DeleteLaunchTemplate",),
        resolve=_launch_template,
        import_id_format="launch template ID: `terraform import aws_launch_template.web lt-12345678`",
        loses_data=False,
    ),
    # CreateDefaultVpc's main route table, and every VPC's, is made by AWS with the VPC (no CreateRouteTable).
    CatalogEntry(
        tf_type="aws_route_table",
        label="route table",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateRouteTable",),
        delete_events=("DeleteRouteTable",),
        resolve=_route_table,
        import_id_format="route table ID: `terraform import aws_route_table.public_rt rtb-4e616f6d69`",
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_vpc_endpoint",
        label="VPC endpoint",
        service="ec2",
        event_source=EVENT_SOURCE,
        create_events=("CreateVpcEndpoint",),
        delete_events=("DeleteVpcEndpoints",),
        resolve=_vpc_endpoint,
        import_id_format="VPC endpoint ID: `terraform import aws_vpc_endpoint.endpoint1 vpce-3ecf2a57`",
        loses_data=False,
    ),
)
