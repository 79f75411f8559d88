"""The signed-in user's own pages: signing in, the inbox behind the bell, and the password change."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Notification
from accounts.services import notification_mark_read

INBOX_PAGE_SIZE = 25


class SignInView(auth_views.LoginView):
    """Django's sign-in page. After a failed attempt it says how many attempts are left before
    django-axes locks this username at this address, and for how long (AXES_COOLOFF_TIME), so that
    nobody is surprised by the lockout on the last one."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound and form.errors:
            credentials = {"username": form.data.get("username", "")}
            failures = AxesProxyHandler.get_failures(self.request, credentials)
            if failures:
                context["attempts_left"] = max(0, get_failure_limit(self.request, credentials) - failures)
                context["lockout_time"] = get_cool_off(self.request)
        return context


@login_required
@require_GET
def inbox(request):
    """The user's notifications, newest first, unread ones highlighted."""
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created", "-pk")
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/inbox.html", {"page": page, "notifications": page.object_list})


@login_required
@require_GET
def notification_open(request, pk: int):
    """Opening a notification marks it read and follows its link (only to this site)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(target)
    return redirect("accounts:inbox")


@login_required
@require_POST
def notifications_mark_all_read(request):
    marked = notification_mark_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(reverse("accounts:inbox"))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
