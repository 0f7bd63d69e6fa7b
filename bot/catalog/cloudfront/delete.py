"""Deleting CloudFront distributions: disabled first and deleted once CloudFront has deployed that, as it requires.
The content stays at the origins."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRequest
from bot.catalog.template_input import Clients

# Disabling reaches every edge location in minutes; the wait for it is bounded (20 s x 45 = 15 minutes).
_WAIT = {"Delay": 20, "MaxAttempts": 45}


def _call(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchDistribution":
            raise AlreadyGone(str(exc)) from None
        raise


def delete_distribution(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    cloudfront = aws("cloudfront")
    answer = _call(cloudfront.get_distribution_config, Id=req.import_id)
    config, etag = answer["DistributionConfig"], answer["ETag"]
    if config.get("Enabled"):
        etag = _call(cloudfront.update_distribution, Id=req.import_id, IfMatch=etag,
                     DistributionConfig={**config, "Enabled": False})["ETag"]
    cloudfront.get_waiter("distribution_deployed").wait(Id=req.import_id, WaiterConfig=_WAIT)
    _call(cloudfront.delete_distribution, Id=req.import_id, IfMatch=etag)
    return DeleteOutcome(f"Disabled and deleted CloudFront distribution {req.import_id}; its origins are unchanged.")


EXECUTORS = {
    "aws_cloudfront_distribution": delete_distribution,
}
