from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "tandem.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from tandem.integrations import navigation, policies  # noqa: F401  (navigation and policies)
        from tandem.integrations.outbound import events, home, sinks  # noqa: F401
