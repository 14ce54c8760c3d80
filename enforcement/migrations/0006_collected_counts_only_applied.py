"""Requests paid past their claim counted the whole payment as collected, the refunded part too.
Count only what was applied to the invoice, as record_invoice_payment now does."""

from django.db import migrations
from django.db.models import F


def count_only_applied(apps, schema_editor):
    Collection = apps.get_model("enforcement", "Collection")
    EnforcementRequest = apps.get_model("enforcement", "EnforcementRequest")
    Payment = apps.get_model("payments", "Payment")
    applied = dict(Payment.objects.filter(refunded_amount__gt=0).values_list("gateway_txn_id", "applied_amount"))
    refs = {f"invoice/{txn_id}": amount for txn_id, amount in applied.items()}
    for collection in Collection.objects.filter(source="invoice", ref__in=list(refs)):
        excess = collection.amount - refs[collection.ref]
        if excess > 0:
            Collection.objects.filter(pk=collection.pk).update(amount=refs[collection.ref])
            EnforcementRequest.objects.filter(pk=collection.request_id).update(collected=F("collected") - excess)


class Migration(migrations.Migration):

    dependencies = [
        ("enforcement", "0005_dashboard_indexes"),
        ("payments", "0001_initial"),
    ]

    operations = [migrations.RunPython(count_only_applied, migrations.RunPython.noop)]
