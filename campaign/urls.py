from django.urls import path

from campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/progress/", views.progress_create, name="progress_create"),
    path("photos/<int:pk>/", views.progress_photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.progress_photo, {"thumbnail": True}, name="photo_thumbnail"),
]
