from django.apps import AppConfig


class CommercialConfig(AppConfig):
    name = "tandem.commercial"
    label = "commercial"
    verbose_name = "Commercial"

    def ready(self) -> None:
        import importlib

        from tandem.commercial import navigation, policies  # noqa: F401  (navigation, policies)

        # contracts slice: its home card and its account timeline source
        for module in ("tandem.commercial.home_contracts", "tandem.commercial.selectors.contracts"):
            importlib.import_module(module)
