"""A payment that raced a seizure was counted as collected beyond the claim, though the surplus
was refunded to the debtor. Count only what the claim needed, as _collect now does: the collections
counted last give up the excess."""

from decimal import Decimal

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Greatest


def cap_collected_at_the_claim(apps, schema_editor):
    Collection = apps.get_model("enforcement", "Collection")
    EnforcementRequest = apps.get_model("enforcement", "EnforcementRequest")
    owed = Greatest(F("amount_claimed") - F("paid_outside"), Value(Decimal("0.00")))
    for request in EnforcementRequest.objects.annotate(owed=owed).filter(collected__gt=F("owed")):
        excess = request.collected - request.owed
        for collection in Collection.objects.filter(request=request, amount__gt=0).order_by("-id"):
            if excess <= 0:
                break
            taken = min(excess, collection.amount)
            Collection.objects.filter(pk=collection.pk).update(amount=collection.amount - taken)
            excess -= taken
        EnforcementRequest.objects.filter(pk=request.pk).update(collected=request.owed)


class Migration(migrations.Migration):

    dependencies = [("enforcement", "0006_collected_counts_only_applied")]

    operations = [migrations.RunPython(cap_collected_at_the_claim, migrations.RunPython.noop)]
