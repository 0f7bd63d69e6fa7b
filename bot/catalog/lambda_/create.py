"""Making a Lambda function, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import io
import zipfile

from bot.catalog._create import Call, CreateContext, service_role, slug


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def main(event, context):\n    return event\n")
    return buffer.getvalue()


def create_lambda(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    function = slug(name, limit=64)
    role = service_role(ctx)
    made = ctx.client("lambda").create_function(
        FunctionName=function, Runtime="python3.12", Role=role, Handler="handler.main", Code={"ZipFile": _zip()},
        Tags=dict(tags),
    )
    return Call({"functionName": function, "runtime": "python3.12", "role": role, "handler": "handler.main",
                 "tags": dict(tags)},
                {"functionName": function, "functionArn": made["FunctionArn"], "runtime": "python3.12"})


CREATORS = {
    "aws_lambda_function": create_lambda,
}
