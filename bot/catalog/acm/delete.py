"""Deleting ACM certificates: a requested one when nothing uses it; an imported one never from Slack, since its
private key cannot be had back from ACM."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_certificate(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    acm = aws("acm")
    cert = call(acm.describe_certificate, CertificateArn=req.import_id)["Certificate"]
    if cert.get("Type") == "IMPORTED":
        raise DeleteRefused(f"certificate {req.import_id} was imported: ACM never returns its private key, so once "
                            "deleted it can be restored only from a copy of the key kept elsewhere; delete it in "
                            "the console after checking you have one")
    used_by = cert.get("InUseBy") or []
    if used_by:
        raise DeleteRefused(f"certificate {req.import_id} is still used by {', '.join(used_by)}")
    call(acm.delete_certificate, CertificateArn=req.import_id)
    return DeleteOutcome(f"Deleted ACM certificate {cert.get('DomainName') or req.import_id}; a new one can be "
                         "requested for the same names.")


EXECUTORS = {
    "aws_acm_certificate": delete_certificate,
}
