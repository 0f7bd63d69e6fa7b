"""Deleting Cognito user pools: only one without users and without deletion protection, since a pool's users and
their passwords cannot be had back."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_user_pool(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    idp = aws("cognito-idp")
    pool = call(idp.describe_user_pool, UserPoolId=req.import_id)["UserPool"]
    if pool.get("DeletionProtection") == "ACTIVE":
        raise DeleteRefused(f"user pool {req.import_id} has deletion protection turned on")
    # The pool's own count, not ListUsers: listing users reads their attributes (emails, phone numbers), which
    # tfsync's roles deny. Cognito keeps the count close to the truth; any user at all refuses the delete.
    if pool.get("EstimatedNumberOfUsers", 1) != 0:
        raise DeleteRefused(f"user pool {req.import_id} still has users; their accounts and passwords would be lost "
                            "for good, so delete it in the console once they are moved or no longer needed")
    domain = pool.get("Domain")
    if domain:  # a pool with a hosted UI domain cannot be deleted before it
        call(idp.delete_user_pool_domain, Domain=domain, UserPoolId=req.import_id)
    call(idp.delete_user_pool, UserPoolId=req.import_id)
    return DeleteOutcome(f"Deleted Cognito user pool {pool.get('Name') or req.import_id}, which had no users.")


EXECUTORS = {
    "aws_cognito_user_pool": delete_user_pool,
}
