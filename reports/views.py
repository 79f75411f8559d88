from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from reports.selectors import campaign_overview


@login_required
def home(request):
    """The landing page after sign-in: the campaign's headline figures."""
    return render(request, "reports/home.html", {"overview": campaign_overview(today=timezone.localdate())})
