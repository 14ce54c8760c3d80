"""Read-only views of notifications and their deliveries for staff (the proof of notification)."""

from django.contrib import admin

from najiz.common.admin import ReadOnlyAdmin

from .models import Delivery, Notification


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "address", "attempts", "delivered_at", "provider_ref", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "subject_ar", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__national_id", "subject_ar", "subject_en")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("notification", "channel", "status", "attempts", "delivered_at", "next_attempt_at")
    list_filter = ("channel", "status")
    search_fields = ("notification__recipient__national_id", "address", "provider_ref")
    list_select_related = ("notification",)
