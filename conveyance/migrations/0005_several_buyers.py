import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def buyers_from_conveyances(apps, schema_editor):
    """Every conveyance with a buyer in the civil registry gets that buyer as its one buyer row,
    the whole share, with their answer, Nafath approval and invoice."""
    Conveyance = apps.get_model("conveyance", "Conveyance")
    Buyer = apps.get_model("conveyance", "Buyer")
    rows = [
        Buyer(conveyance_id=c.pk, person_id=c.buyer_id, user_id=c.buyer_user_id, iban=c.buyer_iban,
              share_numerator=1, share_denominator=1, answer=c.buyer_answer, answered_at=c.buyer_answered_at,
              challenge_token=c.buyer_challenge_token, approved_at=c.buyer_approved_at, invoice_id=c.invoice_id)
        for c in Conveyance.objects.filter(buyer__isnull=False).iterator()
    ]
    Buyer.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('conveyance', '0004_nafath_approvals'),
        ('payments', '0001_initial'),
        ('registries', '0009_deed_boundaries_office_and_transfer_basis'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='conveyance',
            name='buyers_pay',
            field=models.CharField(choices=[('each', 'Each buyer pays their share of the price'), ('first', 'The first buyer pays the whole price')], default='each', max_length=10, verbose_name='the price is paid by'),
        ),
        migrations.AddField(
            model_name='conveyance',
            name='share_only',
            field=models.BooleanField(default=False, verbose_name="sells only the filer's share"),
        ),
        migrations.CreateModel(
            name='Buyer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('share_numerator', models.PositiveBigIntegerField(verbose_name='share numerator')),
                ('share_denominator', models.PositiveBigIntegerField(verbose_name='share denominator')),
                ('iban', models.CharField(blank=True, max_length=34, verbose_name="buyer's IBAN")),
                ('answer', models.CharField(choices=[('pending', 'Awaiting answer'), ('accepted', 'Accepted'), ('refused', 'Refused')], default='pending', max_length=10, verbose_name='answer')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                ('challenge_token', models.CharField(blank=True, editable=False, max_length=64)),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved by Nafath at')),
                ('conveyance', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='buyers', to='conveyance.conveyance')),
                ('invoice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.invoice')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registries.person')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='conveyance_purchases', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'buyer',
                'verbose_name_plural': 'buyers',
                'ordering': ['id'],
                'constraints': [models.UniqueConstraint(fields=('conveyance', 'person'), name='conveyance_buyer_once_per_person'), models.CheckConstraint(condition=models.Q(('share_numerator__gt', 0), ('share_numerator__lte', models.F('share_denominator'))), name='conveyance_buyer_share_fraction')],
            },
        ),
        migrations.RunPython(buyers_from_conveyances, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='conveyance',
            name='buyer_challenge_token',
        ),
        migrations.AlterField(
            model_name='conveyance',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('checked', 'Checked'), ('rejected', 'Rejected'), ('awaiting_consents', "Awaiting the sellers' approval"), ('awaiting_buyer', "Awaiting the buyer's acceptance"), ('declined', 'Declined by the buyer'), ('expired', 'Expired'), ('awaiting_payment', 'Awaiting payment'), ('paid', 'Paid'), ('transferred', 'Ownership transferred'), ('completed', 'Completed'), ('cancelled', 'Cancelled')], db_index=True, default='draft', max_length=20, verbose_name='status'),
        ),
    ]
