from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "tandem.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        import tandem.clients.home  # noqa: F401  (registers the home cards)
        from tandem.clients import policies, search  # noqa: F401  (registers policies and search types)
