"""Deleting Glue jobs: a job is configuration; its script and data stay in S3."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_glue_job(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    glue = aws("glue")
    # DeleteJob succeeds for a job that does not exist; reading it first tells a gone job apart.
    job = call(glue.get_job, JobName=req.import_id)["Job"]
    call(glue.delete_job, JobName=req.import_id)
    script = (job.get("Command") or {}).get("ScriptLocation")
    kept = f"; its script stays at {script}" if script else ""
    return DeleteOutcome(f"Deleted Glue job {req.import_id}{kept}.")


EXECUTORS = {
    "aws_glue_job": delete_glue_job,
}
