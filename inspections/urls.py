from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.issue_list, name="issue_list"),
    path("new/", views.issue_create, name="issue_create"),
    path("places/", views.place_option_list, name="place_options"),
    path("criteria/", views.criterion_option_list, name="criterion_options"),
    path("extensions/", views.extension_list, name="extension_list"),
    path("<int:pk>/", views.issue_detail, name="issue_detail"),
    path("photos/<int:pk>/", views.issue_photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.issue_photo, {"thumbnail": True}, name="photo_thumbnail"),
    *(
        path(f"<int:pk>/{name.replace('_', '-')}/", views.issue_action, {"action": name}, name=f"issue_{name}")
        for name in views.ACTIONS
    ),
]
