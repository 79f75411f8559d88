from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.results_page, name="results"),
    path("publish/", views.publish, name="publish"),
    path("units/<str:level>/<int:pk>/", views.unit_page, name="unit"),
    path("units/<str:level>/<int:pk>/cases/", views.cases_page, name="cases"),
    path("publications/<int:pk>/", views.publication_page, name="publication"),
    path("publications/<int:pk>/appeals/", views.appeal_create, name="appeal_create"),
    path("publications/<int:pk>/freeze/", views.freeze, name="freeze"),
    path("publications/<int:pk>/changes/", views.changes_page, name="changes"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
]
