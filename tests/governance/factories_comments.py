"""Builders for the comments tests: a project with its manager and a team member, an
outsider who sees none of it, and an account with its owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.core.roles import Role
from tandem.delivery.models import Project
from tandem.delivery.services.projects import project_member_add
from tests.delivery.factories import make_project
from tests.factories import make_user


@dataclass
class Scene:
    manager: Any
    member: Any
    outsider: Any
    executive: Any
    project: Project


def make_scene() -> Scene:
    manager = make_user(role=Role.PROJECT_MANAGER, full_name="Pam Project", email="pam@example.test")
    member = make_user(role=Role.MEMBER, full_name="Mel Member", email="mel.m@example.test")
    outsider = make_user(role=Role.MEMBER, full_name="Nadia Novak", email="nadia@example.test")
    executive = make_user(role=Role.EXECUTIVE, full_name="Eve Executive", email="eve@example.test")
    project = make_project(manager=manager, name="Atlas rollout", code="ATL-1")
    project_member_add(actor=None, project=project, user=member)
    return Scene(manager=manager, member=member, outsider=outsider, executive=executive, project=project)
