"""Log in, log out, password reset and password change pages.

Log-in answers every failure kind (unknown e-mail, wrong password, disabled account,
throttled) with one message and the same status, so the page never tells whether an
account exists. Throttling is checked before the password is, and a successful log-in
goes through :func:`django.contrib.auth.login`, which rotates the session id.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from tandem.people.auth import (
    client_ip,
    login_failure_record,
    login_is_throttled,
    login_success_record,
    logout_record,
)
from tandem.people.forms_auth import (
    LoginForm,
    TandemPasswordChangeForm,
    TandemPasswordResetForm,
    TandemSetPasswordForm,
)

LOGIN_FAILED_MESSAGE = (
    "E-mail or password is not correct, or too many attempts; wait a few minutes and try again."
)


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(resolve_url(settings.LOGIN_REDIRECT_URL))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST logs in, or answers with the one generic failure message."""
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    failed = False
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        ip_address = client_ip(request)
        user = None
        if not login_is_throttled(email=email, ip_address=ip_address):
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                login_failure_record(email=email, ip_address=ip_address)
        if user is not None:
            login(request, user)
            login_success_record(user=user, ip_address=ip_address)
            return HttpResponseRedirect(_safe_next(request))
        failed = True
    context = {
        "form": form,
        "failed": failed,
        "failure_message": LOGIN_FAILED_MESSAGE,
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    return render(request, "registration/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, so a link or an image cannot log anyone out)."""
    logout_record(user=request.user, ip_address=client_ip(request))
    logout(request)
    messages.info(request, "You are logged out.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


class PasswordResetView(auth_views.PasswordResetView):
    """Sends a reset link when the e-mail belongs to an active account; the answer is
    the same page either way."""

    form_class = TandemPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = TandemSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """The signed-in user changes their password; their session stays valid."""

    form_class = TandemPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response
