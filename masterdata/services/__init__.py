"""Writes of the master-data app, by concern:

exports   the template and the export (the workbook to fill in, the data now held)
imports   the all-or-nothing import: parse, check, plan, write
jobs      an uploaded workbook imported in the background
records   what the database holds, in the workbook's terms (read by exports and imports)
"""

from masterdata.services.exports import masterdata_export, masterdata_template
from masterdata.services.imports import ImportResult, RowChange, RowError, masterdata_import
from masterdata.services.jobs import import_job_create, import_job_run

__all__ = [
    "ImportResult",
    "RowChange",
    "RowError",
    "import_job_create",
    "import_job_run",
    "masterdata_export",
    "masterdata_import",
    "masterdata_template",
]
