from django.apps import AppConfig


class AffiliatesConfig(AppConfig):
    name = "affiliates"
    verbose_name = "Affiliates"
    default_auto_field = "django.db.models.BigAutoField"
