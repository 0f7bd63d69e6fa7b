"""AWS CloudFormation: every stack of the region that a person made (not nested stacks, stack set instances or stacks
AWS services make for themselves), with its status."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, tags_from_pairs, text
from bot.catalog.cloudformation import _console_url

# A stack being deleted or deleted already is not there to adopt.
_GONE = frozenset({"DELETE_IN_PROGRESS", "DELETE_COMPLETE"})
# StackSets name each stack instance StackSet-<stack set name>-<uuid>: the stack set is what a person made.
_STACK_SET_PREFIX = "StackSet-"
# AWS Config names the stack of each conformance pack awsconfigconforms-<pack name>-<id>.
_CONFORMANCE_PACK_PREFIX = "awsconfigconforms-"
# Elastic Beanstalk tags the stack of each environment it runs (awseb-e-<id>-stack) with the environment's ID.
_BEANSTALK_TAG = "elasticbeanstalk:environment-id"
# Tags under aws: only AWS sets, on the stacks a service makes: Service Catalog's provisioned products
# (aws:servicecatalog:provisionedProductArn), Cloud9's environments (aws:cloud9:environment)...
_AWS_TAG_PREFIX = "aws:"


def _stacks(scope: ScanScope) -> Iterator[Listed]:
    # DescribeStacks without a name answers every stack that is not deleted, with its tags and parent.
    for stack in paged(scope.clients("cloudformation"), "describe_stacks", "Stacks"):
        name = stack["StackName"]
        tags = tags_from_pairs(stack.get("Tags"), "Key", "Value")
        if _made_by_aws(stack, name, tags):
            continue
        stack_id = text(stack.get("StackId"))
        status = text(stack.get("StackStatus"))
        yield Listed(
            import_id=name,
            name=name,
            arn=stack_id,
            console_url=_console_url(scope.region, stack_id or name),
            tags=tags,
            facts=(("status", status),) if status else (),
        )


def _made_by_aws(stack: Mapping[str, Any], name: str, tags: Mapping[str, str]) -> bool:
    """Gone, or not a stack a person made with CreateStack."""
    if stack.get("StackStatus") in _GONE:
        return True
    # A nested stack is made and deleted by its root stack's template: the root stack is what a person made.
    if stack.get("ParentId") or stack.get("RootId"):
        return True
    if name.startswith((_STACK_SET_PREFIX, _CONFORMANCE_PACK_PREFIX)):
        return True
    return _BEANSTALK_TAG in tags or any(key.startswith(_AWS_TAG_PREFIX) for key in tags)


LISTERS = {
    "aws_cloudformation_stack": Lister(("cloudformation:DescribeStacks",), _stacks),
}
