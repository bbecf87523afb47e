from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0004_ledger_deposits'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='runs',
            field=models.PositiveIntegerField(blank=True, help_text='Drip-feed: deliveries of quantity / runs each.', null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='interval',
            field=models.PositiveIntegerField(blank=True, help_text='Drip-feed: minutes between runs.', null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='fields',
            field=models.JSONField(blank=True, default=dict, help_text="The fields of the service's type (comments, usernames, answer_number...), sent as they are."),
        ),
        migrations.AlterField(
            model_name='order',
            name='quantity',
            field=models.PositiveIntegerField(help_text='In all: per run times runs for a drip-feed.'),
        ),
    ]
