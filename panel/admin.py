from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from panel.models import User


@admin.register(User)
class PanelUserAdmin(UserAdmin):
    list_display = ["email", "is_active", "email_verified", "is_staff", "date_joined"]
    search_fields = ["email"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Status", {"fields": ["is_active", "email_verified", "is_staff", "is_superuser",
                               "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
