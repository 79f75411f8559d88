"""Background work of the master-data app: importing a big uploaded workbook."""

import logging

from celery import shared_task

from masterdata.services import import_job_run

logger = logging.getLogger(__name__)


@shared_task(bind=True)
def import_masterdata_file(self, upload_id: int) -> str:
    """Import the workbook of ``ImportJob`` ``upload_id``, reporting progress as the PROGRESS state."""

    def progress(done: int, total: int) -> None:
        if self.request.id and not self.request.called_directly:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    job = import_job_run(job_id=upload_id, progress=progress)
    if job is None:
        logger.warning("Master data import job %s does not exist; nothing to do.", upload_id)
        return "missing"
    return job.status
