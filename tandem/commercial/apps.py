from django.apps import AppConfig


class CommercialConfig(AppConfig):
    name = "tandem.commercial"
    label = "commercial"
    verbose_name = "Commercial"

    def ready(self) -> None:
        from tandem.commercial import navigation, policies, search_catalog  # noqa: F401  (navigation, policies, products in search)
        from tandem.commercial.views import account_section  # noqa: F401  (profit: the account page's sections)
