"""Deleting Athena workgroups: only one without saved queries (their results stay in S3); never `primary`."""

from __future__ import annotations

from botocore.exceptions import ClientError

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients

_PRIMARY = "primary"  # every account's own workgroup, which AWS does not let be deleted


def delete_athena_workgroup(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    if req.import_id == _PRIMARY:
        raise DeleteRefused("the primary workgroup is the account's own and cannot be deleted")
    athena = aws("athena")
    try:
        group = athena.get_work_group(WorkGroup=req.import_id).get("WorkGroup")
    except ClientError as exc:
        # Athena answers a missing workgroup with InvalidRequestException, "WorkGroup <name> is not found".
        if "not found" in str(exc.response.get("Error", {}).get("Message", "")).lower():
            raise AlreadyGone(str(exc)) from None
        raise
    if not group:
        raise AlreadyGone(f"Athena workgroup {req.import_id} does not exist")
    queries = athena.list_named_queries(WorkGroup=req.import_id, MaxResults=1).get("NamedQueryIds") or []
    if queries:
        raise DeleteRefused(f"Athena workgroup {req.import_id} still holds saved queries; delete or move them first")
    # Without the recursive option AWS itself refuses a workgroup that still holds saved queries.
    call(athena.delete_work_group, WorkGroup=req.import_id, RecursiveDeleteOption=False)
    location = ((group.get("Configuration") or {}).get("ResultConfiguration") or {}).get("OutputLocation")
    kept = f"; its query results stay in {location}" if location else ""
    return DeleteOutcome(f"Deleted Athena workgroup {req.import_id}{kept}.")


EXECUTORS = {
    "aws_athena_workgroup": delete_athena_workgroup,
}
