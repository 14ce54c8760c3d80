from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import NafathChallenge, PasswordLoginFailure, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["national_id"]


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    ordering = ["national_id"]
    list_display = ["national_id", "name_ar", "name_en", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["national_id", "name_ar", "name_en", "email"]
    fieldsets = [
        (None, {"fields": ["national_id", "password"]}),
        (_("Personal details"), {"fields": ["name_ar", "name_en", "email", "phone", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["national_id", "usable_password", "password1", "password2", "is_staff"]},
        ),
    ]


@admin.register(NafathChallenge)
class NafathChallengeAdmin(admin.ModelAdmin):
    list_display = [
        "national_id",
        "client_address",
        "number",
        "status",
        "created_at",
        "expires_at",
        "decided_at",
        "used_at",
    ]
    list_filter = ["status"]
    search_fields = ["national_id", "client_address"]
    readonly_fields = [
        "national_id",
        "client_address",
        "number",
        "status",
        "created_at",
        "expires_at",
        "decided_at",
        "used_at",
    ]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False


@admin.register(PasswordLoginFailure)
class PasswordLoginFailureAdmin(admin.ModelAdmin):
    list_display = ["national_id", "at"]
    search_fields = ["national_id"]
