"""Import jobs: an uploaded workbook, stored, queued, and imported once by a Celery worker."""

import logging

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from core.jobs import JobLost, job_claim, job_fail, job_finish, job_progress
from core.services import enqueue
from masterdata.models import ImportJob
from masterdata.services.imports import Progress, RowError, masterdata_import

logger = logging.getLogger(__name__)

Status = ImportJob.Status


def import_job_create(*, file: UploadedFile, uploaded_by: User, dry_run: bool) -> ImportJob:
    """Store an uploaded workbook and queue its import once the upload is committed."""
    job = ImportJob(uploaded_by=uploaded_by, dry_run=dry_run, original_name=file.name[:200])
    job.file.save(file.name, file, save=False)
    job.save()
    transaction.on_commit(lambda: _enqueue_import(job.pk))
    return job


def _enqueue_import(job_id: int) -> None:
    """Queue the import; with the broker down, fail the job at once with a message saying so, so
    that the administrator uploads again later instead of waiting on a job nobody will run."""
    from masterdata.tasks import import_masterdata_file  # the task module imports this one

    error = enqueue(import_masterdata_file, job_id)
    if error is not None:
        logger.warning("Could not queue master data import job %s: %s", job_id, error)
        message = "后台任务队列暂时不可用，导入未开始，数据未改变；请稍后重新上传"
        job_fail(
            ImportJob,
            pk=job_id,
            run=None,
            error=f"Not queued, the broker is unavailable: {error}",
            errors=[RowError("", None, "", message).as_dict()],
            error_count=1,
        )


def import_job_run(*, job_id: int, progress: Progress | None = None) -> ImportJob | None:
    """Run a queued import job once: it is claimed first, so a redelivered task (or a second worker)
    does nothing, unless the run that claimed it is stuck, having died. Returns the job, or None if
    there is no such job."""
    run = job_claim(ImportJob, pk=job_id)
    job = ImportJob.objects.select_related("uploaded_by").filter(pk=job_id).first()
    if job is None or run is None:
        return job

    last_done = -1

    def report(done: int, total: int) -> None:
        nonlocal last_done
        if done != last_done:
            last_done = done
            job_progress(ImportJob, pk=job_id, run=run, done=done, total=total)
            if progress is not None:
                progress(done, total)

    try:
        with job.file.open("rb") as file:
            result = masterdata_import(file=file, dry_run=job.dry_run, progress=report, actor=job.uploaded_by)
    except JobLost:
        # Taken for dead and claimed by a newer run; an import stopped mid-write rolled back.
        logger.warning("Master data import job %s was claimed by another run; this run stops.", job_id)
        job.refresh_from_db()
        return job
    except Exception as exc:
        logger.exception("Master data import job %s crashed", job_id)
        job_fail(
            ImportJob,
            pk=job_id,
            run=run,
            error=f"{type(exc).__name__}: {exc}",
            errors=[RowError("", None, "", "导入时发生意外错误，数据未改变；请联系系统管理员").as_dict()],
            error_count=1,
        )
        raise
    job_finish(
        ImportJob,
        pk=job_id,
        run=run,
        status=Status.SUCCEEDED if result.ok else Status.FAILED,
        counts=result.counts,
        changes=[change.as_dict() for change in result.changes[: ImportJob.MAX_STORED_ROWS]],
        change_count=len(result.changes),
        errors=[error.as_dict() for error in result.errors[: ImportJob.MAX_STORED_ROWS]],
        error_count=len(result.errors),
    )
    job.refresh_from_db()
    return job
