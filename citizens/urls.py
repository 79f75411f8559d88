"""The citizens' channel. Public: /report/ (the report page, its codes, the tracking page) and /public/.
The office: /citizens/ (triage, 回访, review)."""

from django.urls import path

from citizens import views

app_name = "citizens"

public_urlpatterns = [
    path("report/", views.report_create, name="report_create"),
    path("report/code/", views.code_request, name="code_request"),
    path("report/places/", views.place_options, name="place_options"),
    path("report/grids.json", views.report_grids, name="report_grids"),
    path("report/kept/<str:grant>/<uuid:token>/", views.kept_photo, name="kept_photo"),
    path("report/captcha/<str:key>/", views.captcha_image, name="captcha"),
    path("report/<str:code>/", views.track, name="track"),
    path("report/<str:code>/photos/<int:pk>/", views.track_photo, name="track_photo"),
    path("public/", views.public_page, name="public"),
    path("public/photos/<str:token>/", views.public_photo, name="public_photo"),
]

office_urlpatterns = [
    path("citizens/", views.triage_list, name="triage"),
    path("citizens/duplicates/", views.duplicate_suggestions, name="duplicates"),
    path("citizens/followups/", views.followup_list, name="followups"),
    path("citizens/reviews/<int:pk>/", views.review_decide, name="review_decide"),
    path("citizens/<int:pk>/", views.report_detail, name="report_detail"),
    path("citizens/<int:pk>/accept/", views.report_triage, {"action": "accept"}, name="report_accept"),
    path("citizens/<int:pk>/reject/", views.report_triage, {"action": "reject"}, name="report_reject"),
    path("citizens/<int:pk>/merge/", views.report_triage, {"action": "merge"}, name="report_merge"),
    path("citizens/<int:pk>/followup/", views.followup_record, name="followup_record"),
    path("citizens/photos/<int:pk>/", views.report_photo, name="report_photo"),
    path("citizens/photos/<int:pk>/thumbnail/", views.report_photo, {"thumbnail": True}, name="report_photo_thumbnail"),
    path("citizens/publish/<int:pk>/", views.publish, name="publish"),
]

urlpatterns = public_urlpatterns + office_urlpatterns
