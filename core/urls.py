from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("pending/", views.pending_photo_create, name="pending_photo_create"),
    path("pending/<uuid:token>/", views.pending_photo, name="pending_photo"),
]
