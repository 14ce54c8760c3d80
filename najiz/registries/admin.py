from django.contrib import admin

from . import models


class RepresentationInline(admin.TabularInline):
    model = models.Representation
    extra = 0
    autocomplete_fields = ["person"]


class DebtorInline(admin.TabularInline):
    model = models.InstrumentDebtor
    extra = 0
    autocomplete_fields = ["person", "entity"]


class DeedOwnerInline(admin.TabularInline):
    model = models.DeedOwner
    extra = 0
    autocomplete_fields = ["person"]


class EncumbranceInline(admin.TabularInline):
    model = models.Encumbrance
    extra = 0


class HeirShareInline(admin.TabularInline):
    model = models.HeirShare
    extra = 0
    autocomplete_fields = ["heir"]


class AccountHoldInline(admin.TabularInline):
    model = models.AccountHold
    extra = 0
    readonly_fields = ["ref", "amount", "status", "placed_at", "closed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AccountMovementInline(admin.TabularInline):
    model = models.AccountMovement
    extra = 0
    readonly_fields = ["kind", "amount", "balance_after", "ref", "at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["national_id", "name_ar", "name_en", "nationality", "city", "alive", "id_expiry"]
    list_filter = ["nationality", "alive", "city", "gender"]
    search_fields = ["national_id", "name_ar", "name_en", "phone", "email"]


@admin.register(models.Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["cr_number", "name_ar", "name_en", "status", "city"]
    list_filter = ["status", "city"]
    search_fields = ["cr_number", "name_ar", "name_en"]
    inlines = [RepresentationInline]


@admin.register(models.Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "creditor", "amount", "issue_date", "due_date", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "issuer", "creditor_person__national_id", "creditor_entity__cr_number"]
    autocomplete_fields = ["creditor_person", "creditor_entity"]
    inlines = [DebtorInline]


@admin.register(models.Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en"]
    search_fields = ["code", "name_ar", "name_en"]


@admin.register(models.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["iban", "bank", "holder_name", "balance", "frozen", "status", "is_court_trust"]
    list_filter = ["bank", "status", "is_court_trust"]
    search_fields = ["iban", "person__national_id", "person__name_ar", "entity__cr_number", "entity__name_ar"]
    autocomplete_fields = ["person", "entity"]
    inlines = [AccountHoldInline, AccountMovementInline]


@admin.register(models.Deed)
class DeedAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "property_type",
        "city",
        "district",
        "is_electronic",
        "is_updated",
        "status",
        "value_of_record",
    ]
    list_filter = ["status", "is_electronic", "is_updated", "property_type", "city"]
    search_fields = ["number", "district", "plot_number", "owner_rows__person__national_id"]
    raw_id_fields = ["replaced_by"]
    inlines = [DeedOwnerInline, EncumbranceInline]


@admin.register(models.Encumbrance)
class EncumbranceAdmin(admin.ModelAdmin):
    list_display = ["deed", "kind", "by_whom", "ref", "active", "placed_at", "lifted_at"]
    list_filter = ["kind", "active"]
    search_fields = ["deed__number", "ref", "by_whom"]


@admin.register(models.PowerOfAttorney)
class PowerOfAttorneyAdmin(admin.ModelAdmin):
    list_display = ["number", "principal", "agent", "valid_from", "valid_to", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["number", "principal__national_id", "agent__national_id"]
    autocomplete_fields = ["principal", "agent"]


@admin.register(models.HeirsDeed)
class HeirsDeedAdmin(admin.ModelAdmin):
    list_display = ["number", "deceased", "court", "issued_on"]
    search_fields = ["number", "deceased__national_id", "deceased__name_ar"]
    autocomplete_fields = ["deceased"]
    inlines = [HeirShareInline]


class RestrictionAdmin(admin.ModelAdmin):
    list_display = ["subject", "ref", "active", "placed_at", "lifted_at"]
    list_filter = ["active"]
    search_fields = ["ref", "person__national_id", "entity__cr_number"]
    autocomplete_fields = ["person", "entity"]


admin.site.register(models.TravelBan, RestrictionAdmin)
admin.site.register(models.PoaIssuingStop, RestrictionAdmin)
admin.site.register(models.DealingBan, RestrictionAdmin)


@admin.register(models.CreditReport)
class CreditReportAdmin(RestrictionAdmin):
    list_display = ["subject", "amount", "ref", "active", "placed_at", "lifted_at"]


@admin.register(models.RegistryOperation)
class RegistryOperationAdmin(admin.ModelAdmin):
    list_display = ["operation", "ref", "target", "at"]
    list_filter = ["operation"]
    search_fields = ["ref", "target"]
    readonly_fields = ["operation", "ref", "target", "result", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
