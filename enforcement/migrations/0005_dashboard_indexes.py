from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enforcement', '0004_indexes_for_audit_and_referral'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='enforcementrequest',
            index=models.Index(condition=models.Q(('creditor_entity__isnull', True)), fields=['filed_by', 'status'], include=('withdrawn', 'amount_claimed', 'collected', 'disbursed', 'paid_outside'), name='request_filed_figures'),
        ),
        migrations.AddIndex(
            model_name='enforcementrequest',
            index=models.Index(condition=models.Q(('creditor_entity__isnull', False)), fields=['creditor_entity', 'status'], include=('withdrawn', 'amount_claimed', 'collected', 'disbursed', 'paid_outside'), name='request_entity_figures'),
        ),
    ]
