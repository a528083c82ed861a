"""The event types delivery publishes (``tandem.core.events``)."""

from typing import Any

from tandem.core.events import event_type
from tandem.people.models import Person

event_type("milestone.done", "Milestone done", "A project's milestone was completed.")
event_type("task.status_changed", "Task status changed", "A task moved to another status (to do, in progress, done…).")
event_type("project.status_changed", "Project status changed", "A project moved along its life cycle.")


def project_event_scope(project: Any) -> dict[str, Any]:
    """The routing of a project's events: the project, its account, and the team of its
    manager (chat channels are configured per project or per team)."""
    team_id = None
    if project.manager_id is not None:
        team_id = Person.objects.filter(user_id=project.manager_id).values_list("team_id", flat=True).first()
    return {"project_id": project.pk, "account_id": project.account_id, "team_ids": [team_id] if team_id else []}


event_type("deliverable.status_changed", "Deliverable status changed",
           "A deliverable's acceptance state changed (delivered, accepted, rejected…).")
