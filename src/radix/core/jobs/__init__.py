"""Background jobs: ``job_run`` rows with progress, executed by Huey (SQLite file or Redis)."""

from radix.core.jobs.engine import JobContext, enqueue, job, job_types, run_now  # noqa: F401
