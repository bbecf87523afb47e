from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('provider', '0004_sms_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='provider',
            name='has_refill',
            field=models.BooleanField(blank=True, help_text='Whether the provider has the `refill` action; empty: detect at the next sync.', null=True),
        ),
        migrations.AddField(
            model_name='provider',
            name='has_cancel',
            field=models.BooleanField(blank=True, help_text='Whether the provider has the `cancel` action; empty: detect at the next sync.', null=True),
        ),
    ]
