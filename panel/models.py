"""The panel's user: customers, staff and admins alike sign in with their e-mail."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class EmailUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):  # type: ignore[no-untyped-def]
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def]
        extra_fields.setdefault("username", email)
        return super().create_user(extra_fields.pop("username"), email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def]
        extra_fields.setdefault("username", email)
        return super().create_superuser(extra_fields.pop("username"), email, password,
                                        **extra_fields)


class User(AbstractUser):
    email = models.EmailField("e-mail address", unique=True)
    email_verified = models.BooleanField(default=False)
    api_key_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    api_key_prefix = models.CharField(max_length=12, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = EmailUserManager()

    def save(self, *args: object, **kwargs: object) -> None:
        # The e-mail is the login; `username` mirrors it for Django's admin and forms.
        self.username = self.email
        super().save(*args, **kwargs)


class Lock(models.Model):
    """A named lock shared by every process (web, workers, beat) through the database."""

    name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
