"""AWS Lambda functions."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    first,
    need,
    q,
    region_of,
    spelled,
    state_attribute,
    tags_from_map,
    text,
)
from bot.events import CloudTrailRecord


def _bare_name(value: str) -> str:
    """The function name out of a name, a partial ARN (123:function:name) or a full ARN."""
    if ":function:" in value:
        return value.split(":function:", 1)[1].split(":", 1)[0]
    if value.startswith("function:"):
        return value.removeprefix("function:").split(":", 1)[0]
    return value



def _function_console(region: str, name: str) -> str:
    return console(region, f"lambda/home?region={q(region)}#/functions/{q(name)}")


def _function(record: CloudTrailRecord) -> list[Found]:
    request, response = record.request, record.response
    name = _bare_name(
        need(
            first((text(spelled(response, "functionName")), text(spelled(request, "functionName")))),
            "requestParameters.functionName",
        )
    )
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=text(spelled(response, "functionArn")) or _arn.build(record, "lambda", f"function:{name}"),
            console_url=_function_console(region, name),
            tags=tags_from_map(spelled(request, "tags")),
        )
    ]



ENTRIES = (
    CatalogEntry(
        tf_type="aws_lambda_function",
        label="Lambda function",
        service="lambda",
        event_source="lambda.amazonaws.com",
        # Lambda's CloudTrail event names carry the API version the call was made against.
        create_events=("CreateFunction20150331",),
        delete_events=("DeleteFunction20150331", "DeleteFunction"),
        resolve=_function,
        import_id_format="function name: `terraform import aws_lambda_function.test_lambda my_test_lambda_function`",
        # The code and configuration are reproducible from a deployment package; a function holds no data.
        loses_data=False,
        state_import_id=state_attribute("function_name", "id"),
    ),
)
