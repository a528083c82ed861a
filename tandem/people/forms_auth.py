"""Forms of logging in and of passwords: the log-in form and Django's password reset,
set and change forms with Tandem's styling, setting passwords through the audited
``tandem.people.services.user_set_password``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

from tandem.core.forms import StyledForm, StyledFormMixin
from tandem.people import services
from tandem.people.models import User


class LoginForm(StyledForm):
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TandemPasswordResetForm(StyledFormMixin, PasswordResetForm):
    """Also reaches accounts created without a password: the reset link is how a new
    person sets their first one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail"
        self.style_widgets()

    def get_users(self, email: str) -> Any:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))


class TandemSetPasswordForm(StyledFormMixin, SetPasswordForm):
    """Sets the password through the audited service instead of ``user.save()``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def save(self, commit: bool = True) -> Any:
        services.user_set_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )
        return self.user


class TandemPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def save(self, commit: bool = True) -> Any:
        services.user_set_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )
        return self.user
