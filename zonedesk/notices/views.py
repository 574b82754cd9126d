"""The notification centre: what is due for me, my notifications, my channels."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import DomainError
from zonedesk.core.views import found
from zonedesk.notices import selectors, services
from zonedesk.notices.forms import PreferencesForm

PER_PAGE = 30


@login_required
def centre(request):
    """What is due for the user (from every app's providers), then their notifications."""
    user = request.user
    today = timezone.localdate()
    page = Paginator(selectors.notifications(user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/centre.html",
        {
            "due": selectors.due_for(user, today=today),
            "page": page,
            "today": today,
            "form": PreferencesForm(
                current=selectors.preferences(user), kinds=selectors.kinds_for(user)
            ),
        },
    )


@login_required
@require_POST
def read(request, pk: int):
    """Mark one notification read, then follow its link (or back to the centre)."""
    notification = found(selectors.notification_get(request.user, pk=pk))
    services.notification_read(actor=request.user, pk=notification.pk)
    link = notification.link if request.POST.get("go") else ""
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notices:centre")


@login_required
@require_POST
def read_all(request):
    n = services.notifications_read_all(actor=request.user)
    messages.success(request, _("%(n)d notifications marked read.") % {"n": n})
    return redirect("notices:centre")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Which channels bring each kind of notification to the user. They are edited on the
    centre, so a GET (a bookmark, a link typed in) goes there."""
    where = reverse("notices:centre") + "#preferences"
    if request.method == "GET":
        return redirect(where)
    user = request.user
    current = selectors.preferences(user)
    form = PreferencesForm(request.POST, current=current, kinds=selectors.kinds_for(user))
    if form.is_valid():
        # The kinds never sent to the user are not on the form: they stay as they are.
        chosen = {kind: on for kind, on in current.items() if kind not in form.fields}
        chosen |= form.chosen()
        try:
            services.preferences_set(actor=user, user=user, chosen=chosen)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your notification settings were saved."))
    else:
        messages.error(
            request,
            _("Your notification settings were not saved: %(errors)s")
            % {"errors": form.errors.as_text()},
        )
    return redirect(where)
