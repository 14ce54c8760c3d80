"""Admin pieces more than one app's admin uses."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff may look but not add, change or delete: these rows change only through the app's services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
