"""Shares become exact fractions: integer numerator and denominator in place of six decimals.

Each stored decimal is read back as the fraction it was rounded from (0.333333 is 1/3, 0.291667 is
7/24: the nearest fraction with a denominator up to 1000 within the rounding), and any rounding
left on a deed or heirs deed goes to its last row so its shares add up to exactly 1. An heirs
deed's shares are then written over one common total, as the deed counts them (3/24, 7/24, 14/24).
"""

from decimal import Decimal
from fractions import Fraction
from math import lcm

from django.db import migrations, models
from django.db.models import F, Q

ROUNDING = Fraction(1, 1_000_000)


def exact(value) -> Fraction:
    stored = Fraction(Decimal(value))
    near = stored.limit_denominator(1000)
    return near if near > 0 and abs(near - stored) <= ROUNDING else stored


def exact_group(values) -> list[Fraction]:
    shares = [exact(value) for value in values]
    gap = 1 - sum(shares, Fraction(0))
    if shares and gap and abs(gap) <= ROUNDING * len(shares) and shares[-1] + gap > 0:
        shares[-1] += gap
    return shares


def _write(rows, shares, common=False):
    total = lcm(*(share.denominator for share in shares)) if common and shares else None
    for row, share in zip(rows, shares, strict=True):
        if total:
            row.share_numerator, row.share_denominator = share.numerator * (total // share.denominator), total
        else:
            row.share_numerator, row.share_denominator = share.numerator, share.denominator
        row.save(update_fields=["share_numerator", "share_denominator"])


def to_fractions(apps, schema_editor):
    DeedOwner = apps.get_model("registries", "DeedOwner")
    HeirShare = apps.get_model("registries", "HeirShare")
    for deed_id in DeedOwner.objects.values_list("deed_id", flat=True).distinct():
        rows = list(DeedOwner.objects.filter(deed_id=deed_id).order_by("id"))
        _write(rows, exact_group([row.share for row in rows]))
    for heirs_deed_id in HeirShare.objects.values_list("heirs_deed_id", flat=True).distinct():
        rows = list(HeirShare.objects.filter(heirs_deed_id=heirs_deed_id).order_by("id"))
        _write(rows, exact_group([row.share for row in rows]), common=True)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the columns are dropped next, in this transaction


def to_decimals(apps, schema_editor):
    for name in ("DeedOwner", "HeirShare"):
        for row in apps.get_model("registries", name).objects.all():
            value = Decimal(row.share_numerator) / Decimal(row.share_denominator)
            row.share = value.quantize(Decimal("0.000001"))
            row.save(update_fields=["share"])


def share_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name, name="share_numerator",
            field=models.PositiveBigIntegerField(default=1, verbose_name="share numerator"), preserve_default=False,
        ),
        migrations.AddField(
            model_name=model_name, name="share_denominator",
            field=models.PositiveBigIntegerField(default=1, verbose_name="share denominator"), preserve_default=False,
        ),
    ]


def fraction_check(name):
    return models.CheckConstraint(
        condition=Q(share_numerator__gt=0, share_numerator__lte=F("share_denominator")), name=name
    )


class Migration(migrations.Migration):
    dependencies = [("registries", "0006_instrument_issuer_english")]

    operations = [
        *share_fields("deedowner"),
        *share_fields("heirshare"),
        migrations.RemoveConstraint(model_name="deedowner", name="registries_owner_share_fraction"),
        migrations.RemoveConstraint(model_name="heirshare", name="registries_heir_share_fraction"),
        migrations.RunPython(to_fractions, to_decimals),
        migrations.RemoveField(model_name="deedowner", name="share"),
        migrations.RemoveField(model_name="heirshare", name="share"),
        migrations.AddConstraint(model_name="deedowner", constraint=fraction_check("registries_owner_share_fraction")),
        migrations.AddConstraint(model_name="heirshare", constraint=fraction_check("registries_heir_share_fraction")),
    ]
