"""E-mail addresses unique whatever their case, and the storefront's one-time form tokens.

The constraint cannot be added while two accounts share an address in different cases; the
migration then stops before changing anything and names them, so that staff decide which
account keeps the address (merging money is not a migration's call).
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_case_duplicates(apps, schema_editor):
    User = apps.get_model("panel", "User")
    clashes = (User.objects.annotate(address=Lower("email")).values("address")
               .annotate(n=Count("id")).filter(n__gt=1).values_list("address", flat=True))
    if clashes:
        listed = ", ".join(sorted(clashes)[:20])
        raise RuntimeError(
            "Accounts share an e-mail address in different cases; change one of each pair "
            f"in the admin, then migrate again: {listed}")


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0002_refill"),
        ("panel", "0003_shopsettings"),
    ]

    operations = [
        migrations.RunPython(refuse_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="panel_user_email_ci_unique",
                violation_error_message="An account with this e-mail already exists."),
        ),
        migrations.CreateModel(
            name="SubmittedForm",
            fields=[
                ("token", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("order", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+", to="orders.order")),
                ("user", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                    to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
