"""ECR Public repositories: moto does not serve ECR Public (its CreateRepository answers 404 "Not yet implemented"),
so tests/catalog/test_ecr_public.py reads them through botocore's Stubber with the service model's shapes."""

from __future__ import annotations

UNSERVED = {
    "aws_ecrpublic_repository": "moto does not implement ECR Public: ecr-public CreateRepository answers HTTP 404 "
                                "'Not yet implemented'",
}
