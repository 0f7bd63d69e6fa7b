"""Amazon S3: the bucket, with versioning and encryption as the separate resources the AWS provider expects."""

from __future__ import annotations

from typing import Any

from bot.catalog._describe import clean_tags, optional, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Companion, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

# Every bucket has had SSE-S3 since January 2023; only a choice beyond that is worth writing down.
_DEFAULT_SSE = "AES256"


def _describe_bucket(clients: Clients, resource: Resource) -> Model:
    s3 = clients("s3")
    bucket = resource.import_id
    s3.head_bucket(Bucket=bucket)  # AccessDenied or 404 here means nothing below can be read either
    tagging = optional(s3.get_bucket_tagging, "NoSuchTagSet", "NoSuchTagSetError", Bucket=bucket)
    lock = optional(
        s3.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError", Bucket=bucket
    )
    versioning = s3.get_bucket_versioning(Bucket=bucket)
    encryption = optional(
        s3.get_bucket_encryption, "ServerSideEncryptionConfigurationNotFoundError", Bucket=bucket
    )
    args: dict[str, Any] = {"bucket": bucket}
    if dig(lock, "ObjectLockConfiguration", "ObjectLockEnabled") == "Enabled":
        args["object_lock_enabled"] = True
    tags = pair_tags(dig(tagging, "TagSet"))
    if tags:
        args["tags"] = tags
    companions = []
    status = versioning.get("Status")
    if status in ("Enabled", "Suspended"):
        args["versioning"] = {"status": status}
        if versioning.get("MFADelete") == "Enabled":
            args["versioning"]["mfa_delete"] = "Enabled"
        companions.append(Companion("aws_s3_bucket_versioning", bucket))
    rule = dig(encryption, "ServerSideEncryptionConfiguration", "Rules", 0) or {}
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = default.get("SSEAlgorithm")
    if algorithm and (algorithm != _DEFAULT_SSE or rule.get("BucketKeyEnabled") or default.get("KMSMasterKeyID")):
        args["encryption"] = {
            "sse_algorithm": algorithm,
            "kms_master_key_id": default.get("KMSMasterKeyID"),
            "bucket_key_enabled": True if rule.get("BucketKeyEnabled") else None,
        }
        companions.append(Companion("aws_s3_bucket_server_side_encryption_configuration", bucket))
    return Model(args=args, companions=tuple(companions))


def _bucket_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    args: dict[str, Any] = {"bucket": resource.import_id}
    if str(request.get("x-amz-bucket-object-lock-enabled", "")).lower() == "true":
        args["object_lock_enabled"] = True
    tags = clean_tags(resource.tags)
    if tags:
        args["tags"] = tags
    return Model(args=args)


CODEGEN = (
    TypeCodegen(
        tf_type="aws_s3_bucket",
        describe=_describe_bucket,
        from_event=_bucket_from_event,
        companion_types=("aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration"),
    ),
)
