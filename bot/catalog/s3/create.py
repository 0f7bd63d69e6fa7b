"""Making an S3 bucket, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from typing import Any

from bot.catalog._create import Call, CreateContext, CreateError, pairs, slug


def create_s3_bucket(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    bucket = slug(name)
    if len(bucket) < 3:
        raise CreateError("a bucket name needs at least 3 characters")
    s3 = ctx.client("s3")
    s3.create_bucket(Bucket=bucket)
    if tags:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": pairs(tags)})
    request: dict[str, Any] = {"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com"}
    if tags:
        request["CreateBucketConfiguration"] = {"Tags": pairs(tags)}
    return Call(request, None)


CREATORS = {
    "aws_s3_bucket": create_s3_bucket,
}
