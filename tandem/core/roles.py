"""The roles of DESIGN.md. A user holds one or more (``people.RoleAssignment``)."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    EXECUTIVE = "executive", "Executive"
    ACCOUNT_MANAGER = "account_manager", "Account manager"
    PROJECT_MANAGER = "project_manager", "Project manager"
    MEMBER = "member", "Team member"
