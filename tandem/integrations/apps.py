from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "tandem.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from tandem.integrations import navigation, policies  # noqa: F401  (navigation and policies)

        # Outbound webhooks and chat: the ping event type, the home card, the sink, the
        # Settings entries.
        from tandem.integrations.outbound import events, home, sinks  # noqa: F401
        from tandem.integrations.outbound import navigation as outbound_nav  # noqa: F401
