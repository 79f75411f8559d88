from django.urls import path

from masterdata import views

app_name = "masterdata"

urlpatterns = [
    path("", views.index, name="index"),
    path("template/", views.template_download, name="template"),
    path("export/", views.export_download, name="export"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
]
