from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
)

from accounts.models import Invitation, Role, Team, User
from accounts.throttling import client_ip, password_reset_allowed


class SignupForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")
        labels = {"name": "Your name (optional)"}
        help_texts = {"name": "Shown to your teammates. Leave it empty to show your email."}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. "
                "Log in, or reset your password if you have forgotten it.",
                code="duplicate_email",
            )
        return email


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for our email logins.

    The field keeps the name `username` so django-axes can count failures per address.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.input_type = "email"
        self.fields["username"].widget.attrs["autocomplete"] = "email"


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending only a few mails per address and per client an hour.

    Over the limit nothing is sent, and the person sees the same "check your email" page
    as always, which reveals neither the limit nor whether the account exists.
    """

    def save(self, *args, request=None, **kwargs) -> None:
        ip = client_ip(request) if request is not None else None
        if password_reset_allowed(email=self.cleaned_data["email"], ip=ip or None):
            super().save(*args, request=request, **kwargs)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name",)
        labels = {"name": "Team name"}


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role")


class InvitationForm(forms.ModelForm):
    expires_in_days = forms.IntegerField(
        label="Link valid for (days)", min_value=1, max_value=30, initial=7
    )

    class Meta:
        model = Invitation
        fields = ("role", "email")
        labels = {"email": "Email (optional)"}
        help_texts = {
            "email": "If you give one, only the person with this address can use the link."
        }


class SwitchTeamForm(forms.Form):
    team = forms.IntegerField(min_value=1)
