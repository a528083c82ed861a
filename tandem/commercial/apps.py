from django.apps import AppConfig


class CommercialConfig(AppConfig):
    name = "tandem.commercial"
    label = "commercial"
    verbose_name = "Commercial"

    def ready(self) -> None:
        # Navigation, policies, home cards, search types (opportunities, quotes,
        # contracts, products), the account timeline's sources and the account page's
        # sections.
        from tandem.commercial import (  # noqa: F401
            events,
            home,
            home_contracts,
            navigation,
            policies,
            search,
            search_catalog,
            timeline,
        )
        from tandem.commercial.views import account_section  # noqa: F401
