"""Read-only admin: money changes only through payments.services, never by hand."""

from django.contrib import admin

from najiz.common.admin import ReadOnlyAdmin

from .models import Disbursement, GatewaySession, Invoice, LedgerAccount, LedgerEntry, LedgerTransaction, Payment


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("bill_number", "purpose_ref", "payer_id_number", "amount", "paid", "status", "created_at")
    list_filter = ("status", "allow_partial")
    search_fields = ("bill_number", "purpose_ref", "payer_id_number")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("gateway_txn_id", "invoice", "method", "amount", "applied_amount", "refunded_amount", "received_at")
    list_filter = ("method",)
    search_fields = ("gateway_txn_id", "invoice__bill_number")


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "created_at")
    search_fields = ("code",)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "ref", "memo", "at")
    list_filter = ("kind",)
    search_fields = ("ref", "memo")
    inlines = [LedgerEntryInline]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ("purpose_ref", "ref", "kind", "iban", "amount", "status", "attempts", "requested_at", "done_at")
    list_filter = ("status", "kind")
    search_fields = ("purpose_ref", "ref", "iban")


@admin.register(GatewaySession)
class GatewaySessionAdmin(ReadOnlyAdmin):
    list_display = ("txn_id", "invoice", "method", "amount", "state", "created_at", "callback_acknowledged_at")
    list_filter = ("state", "method")
    search_fields = ("txn_id", "invoice__bill_number")
    exclude = ("token", "otp")
