"""People of the staff workspace: `owner` (Admin group), `clerk` (Staff group). Import the
fixtures are offered to every test under tests/panel by its conftest."""

import pytest
from django.contrib.auth.models import Group


@pytest.fixture
def make_member(django_user_model):
    def make(email: str, group: str):
        user = django_user_model.objects.create_user(email=email, password="pw-secret-123",
                                                     is_staff=True, email_verified=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def owner(make_member):
    return make_member("owner@example.com", "Admin")


@pytest.fixture
def clerk(make_member):
    return make_member("clerk@example.com", "Staff")
