from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.notification_open, name="notification_open"),
    path("inbox/read-all/", views.notifications_mark_all_read, name="mark_all_read"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
