"""Pages of the master-data app: template and export downloads, the upload, and an import job's progress."""

import io
import tempfile
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.jobs import JOB_STATES, job_state_q
from core.permissions import require_perm
from masterdata.forms import UploadForm
from masterdata.models import ImportJob
from masterdata.schema import SHEETS
from masterdata.services import import_job_create, masterdata_export, masterdata_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10


def administrators_only(view):
    """Anonymous visitors are sent to sign in; signed-in users who are not administrators get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        require_perm(request.user, "masterdata.manage_masterdata")
        return view(request, *args, **kwargs)

    return wrapped


@administrators_only
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Downloads, the upload form, and the latest imports."""
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        job = import_job_create(
            file=form.cleaned_data["file"], uploaded_by=request.user, dry_run=form.cleaned_data["dry_run"]
        )
        return redirect("masterdata:job", pk=job.pk)
    jobs = ImportJob.objects.select_related("uploaded_by")
    # ``?state=`` (the home page's links): the imports waiting, stuck or lately failed, all of them.
    state = request.GET.get("state")
    jobs = jobs.filter(job_state_q(state)) if state in JOB_STATES else jobs[:RECENT_JOBS]
    return render(
        request, "masterdata/index.html", {"form": form, "jobs": jobs, "sheets": SHEETS, "state": state in JOB_STATES}
    )


@administrators_only
@require_GET
def template_download(request: HttpRequest) -> FileResponse:
    return FileResponse(
        io.BytesIO(masterdata_template()), as_attachment=True, filename="主数据导入模板.xlsx", content_type=XLSX
    )


@administrators_only
@require_GET
def export_download(request: HttpRequest) -> FileResponse:
    stream = tempfile.TemporaryFile()  # FileResponse closes it once sent
    masterdata_export(stream=stream)
    stream.seek(0)
    filename = f"主数据-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)


@administrators_only
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.select_related("uploaded_by"), pk=pk)
    # In the workbook's order: a JSON object's key order does not survive every database.
    counts = [(sheet.name, job.counts[sheet.name]) for sheet in SHEETS if sheet.name in job.counts]
    return render(request, "masterdata/job.html", {"job": job, "counts": counts})


@administrators_only
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the job page polls every second while the import runs."""
    job = get_object_or_404(ImportJob, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "done": job.progress_done,
            "total": job.progress_total,
            "percent": job.percent,
            "finished": job.is_finished,
        }
    )
