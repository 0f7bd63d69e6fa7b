"""Making a Glue job, as Glue Studio does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, service_role, slug


def create_glue_job(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    job = slug(name, limit=255)
    role = service_role(ctx)
    command = {"Name": "glueetl", "ScriptLocation": f"s3://aws-glue-assets-{ctx.account_id}-{ctx.region}/scripts/"
               f"{job}.py", "PythonVersion": "3"}
    ctx.client("glue").create_job(Name=job, Role=role, Command=command, GlueVersion="4.0", WorkerType="G.1X",
                                  NumberOfWorkers=2, Timeout=480, Tags=dict(tags))
    return Call({"name": job, "role": role, "command": {"name": "glueetl", "scriptLocation": command["ScriptLocation"],
                                                        "pythonVersion": "3"},
                 "glueVersion": "4.0", "workerType": "G.1X", "numberOfWorkers": 2, "timeout": 480,
                 "tags": dict(tags)},
                {"name": job},
                event_name="CreateJob")


CREATORS = {
    "aws_glue_job": create_glue_job,
}
