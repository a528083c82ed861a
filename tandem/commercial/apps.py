from django.apps import AppConfig


class CommercialConfig(AppConfig):
    name = "tandem.commercial"
    label = "commercial"
    verbose_name = "Commercial"

    def ready(self) -> None:
        # --- pipeline: home cards, search type, account timeline
        from tandem.commercial import home, navigation, policies, search, timeline  # noqa: F401  (navigation, policies)  # noqa: F401
