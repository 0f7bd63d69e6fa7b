"""Making an S3 directory bucket, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, CreateError, slug


def create_directory_bucket(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # The console offers the region's Availability Zones by ID; the first is taken.
    zones = ctx.client("ec2").describe_availability_zones(
        Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}]).get("AvailabilityZones") or []
    if not zones:
        raise CreateError(f"region {ctx.region} lists no Availability Zones")
    zone = zones[0]["ZoneId"]
    bucket = f"{slug(name, limit=40)}--{zone}--x-s3"
    configuration = {"Location": {"Type": "AvailabilityZone", "Name": zone},
                     "Bucket": {"Type": "Directory", "DataRedundancy": "SingleAvailabilityZone"}}
    ctx.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration=configuration)
    # CloudTrail records the call with the bucket's name and configuration, and no response.
    return Call({"bucketName": bucket, "Host": f"s3express-control.{ctx.region}.amazonaws.com",
                 "CreateBucketConfiguration": configuration}, None)


CREATORS = {
    "aws_s3_directory_bucket": create_directory_bucket,
}
