from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/map/", views.dashboard_map, name="dashboard_map"),
    path("dashboard/panels/<slug:name>/", views.dashboard_panel, name="dashboard_panel"),
    path("dashboard/departments/<int:pk>/", views.department_page, name="dashboard_department"),
    path("dashboard/grids/<int:pk>/", views.grid_page, name="dashboard_grid"),
    path("dashboard/overdue.xlsx", views.overdue_xlsx, name="dashboard_overdue_xlsx"),
    path("reports/weekly/", views.weekly_report_list, name="weekly_report_list"),
    path("reports/weekly/build/", views.weekly_report_start, name="weekly_report_build"),
    path("reports/weekly/<int:pk>/", views.weekly_report_detail, name="weekly_report_detail"),
    path("reports/weekly/<int:pk>/status/", views.weekly_report_status, name="weekly_report_status"),
    path("reports/weekly/<int:pk>/download/", views.weekly_report_download, name="weekly_report_download"),
]
