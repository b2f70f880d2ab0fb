from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import Invitation, Membership, Team, User


class EmailUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, keyed on the email address instead of a username."""

    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "name")
    ordering = ("email",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "personal", "created_at")
    list_filter = ("personal",)
    search_fields = ("name", "members__email")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "role", "joined_at")
    list_filter = ("role",)
    search_fields = ("user__email", "team__name")
    list_select_related = ("user", "team")
    autocomplete_fields = ["user", "team"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations can be inspected and deleted (revoked) here; links are made in the app."""

    list_display = ("team", "role", "email", "created_by", "expires_at", "used_at", "used_by")
    list_filter = ("role",)
    search_fields = ("team__name", "email")
    list_select_related = ("team", "created_by", "used_by")
    readonly_fields = ("token_hash", "created_by", "created_at", "used_at", "used_by")

    def has_add_permission(self, request) -> bool:
        return False
