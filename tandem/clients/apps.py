from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "tandem.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from tandem.clients import events, home, navigation, policies, search  # noqa: F401  (event types, home cards, navigation, policies, search types)
