from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "tandem.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Policies and the event types governance publishes.
        from tandem.governance import events, navigation, policies, tabs  # noqa: F401
