"""Making a Redshift cluster, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import secrets

from bot.catalog._create import HIDDEN, Call, CreateContext, ct_tags, pairs, slug


def create_redshift_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    identifier = slug(name, limit=63)
    # Redshift wants an upper-case letter, a lower-case letter and a digit in the password.
    password = "Aa1" + secrets.token_urlsafe(16)
    made = ctx.client("redshift").create_cluster(
        ClusterIdentifier=identifier, NodeType="ra3.xlplus", ClusterType="single-node", MasterUsername="admin",
        MasterUserPassword=password, DBName="dev", PubliclyAccessible=False, Encrypted=True, Tags=pairs(tags),
    )["Cluster"]
    return Call({"clusterIdentifier": identifier, "nodeType": "ra3.xlplus", "clusterType": "single-node",
                 "masterUsername": "admin", "masterUserPassword": HIDDEN, "dBName": "dev",
                 "publiclyAccessible": False, "encrypted": True, "tags": ct_tags(tags)},
                {"clusterIdentifier": made["ClusterIdentifier"], "nodeType": "ra3.xlplus",
                 "clusterStatus": made.get("ClusterStatus", "creating"), "masterUsername": "admin", "dBName": "dev",
                 "encrypted": True},
                event_name="CreateCluster")


CREATORS = {
    "aws_redshift_cluster": create_redshift_cluster,
}
