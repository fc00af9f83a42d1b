"""The upload's background work: unpack and archive one uploaded ZIP."""

from __future__ import annotations

from typing import Any

from radix.core.jobs.engine import JobContext, job
from radix.imaging.upload import service


@job(service.JOB_TYPE, "影像上传归档", en="Archive an uploaded ZIP")
def archive_upload(ctx: JobContext) -> dict[str, Any]:
    return service.archive(ctx)
