"""S3 directory buckets: moto does not serve them (CreateBucket with a directory bucket configuration answers
NoSuchBucket, and ListDirectoryBuckets lists nothing), so tests/catalog/test_s3express.py reads them through
botocore's Stubber with the service model's shapes."""

from __future__ import annotations

UNSERVED = {
    "aws_s3_directory_bucket": "moto does not implement S3 Express One Zone directory buckets: CreateBucket with a "
                               "Directory bucket configuration answers NoSuchBucket",
}
