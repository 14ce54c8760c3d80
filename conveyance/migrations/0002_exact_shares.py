"""Consents' shares become exact fractions (numerator and denominator) in place of six decimals:
each decimal read back as the fraction it was rounded from, any rounding left on a conveyance
given to its last consent so the shares add up to the whole deed exactly."""

from decimal import Decimal
from fractions import Fraction

from django.db import migrations, models
from django.db.models import F, Q

ROUNDING = Fraction(1, 1_000_000)


def exact(value) -> Fraction:
    stored = Fraction(Decimal(value))
    near = stored.limit_denominator(10_000)
    return near if near > 0 and abs(near - stored) <= ROUNDING else stored


def to_fractions(apps, schema_editor):
    Consent = apps.get_model("conveyance", "Consent")
    for conveyance_id in Consent.objects.values_list("conveyance_id", flat=True).distinct():
        rows = list(Consent.objects.filter(conveyance_id=conveyance_id).order_by("id"))
        shares = [exact(row.share) for row in rows]
        gap = 1 - sum(shares, Fraction(0))
        if gap and abs(gap) <= ROUNDING * len(shares) and shares[-1] + gap > 0:
            shares[-1] += gap
        for row, share in zip(rows, shares, strict=True):
            row.share_numerator, row.share_denominator = share.numerator, share.denominator
            row.save(update_fields=["share_numerator", "share_denominator"])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the columns are dropped next, in this transaction


def to_decimals(apps, schema_editor):
    for row in apps.get_model("conveyance", "Consent").objects.all():
        row.share = (Decimal(row.share_numerator) / Decimal(row.share_denominator)).quantize(Decimal("0.000001"))
        row.save(update_fields=["share"])


class Migration(migrations.Migration):
    dependencies = [("conveyance", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="consent", name="share_numerator",
            field=models.PositiveBigIntegerField(default=1, verbose_name="share numerator"), preserve_default=False,
        ),
        migrations.AddField(
            model_name="consent", name="share_denominator",
            field=models.PositiveBigIntegerField(default=1, verbose_name="share denominator"), preserve_default=False,
        ),
        migrations.RemoveConstraint(model_name="consent", name="conveyance_consent_share_fraction"),
        migrations.RunPython(to_fractions, to_decimals),
        migrations.RemoveField(model_name="consent", name="share"),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=Q(share_numerator__gt=0, share_numerator__lte=F("share_denominator")),
                name="conveyance_consent_share_fraction",
            ),
        ),
    ]
