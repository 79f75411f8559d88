from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:round_pk>/points/<int:pk>/", views.sheet, name="sheet"),
    *(
        path(f"rounds/<int:pk>/{step}/", views.round_step, {"step": step}, name=f"round_{step}")
        for step in ("draw", "start", "close")
    ),
    path("observations/<int:pk>/appeal/", views.appeal_create, name="appeal_create"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("appeals/photos/<int:pk>/", views.appeal_photo, name="appeal_photo"),
]
