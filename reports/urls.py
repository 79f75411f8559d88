from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/departments/<int:pk>/", views.department_page, name="dashboard_department"),
    path("dashboard/grids/<int:pk>/", views.grid_page, name="dashboard_grid"),
    path("dashboard/overdue.xlsx", views.overdue_xlsx, name="dashboard_overdue_xlsx"),
]
