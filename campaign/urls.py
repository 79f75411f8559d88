from django.urls import path

from campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/progress/", views.progress_create, name="progress_create"),
]
