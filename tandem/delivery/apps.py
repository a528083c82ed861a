from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tandem.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        # Policies, the sidebar's Delivery entries, the "My tasks" home card and the
        # account page's "Projects" section.
        # The "time" cost source of profitability (costs).
        from tandem.delivery import costs, events, home, navigation, policies  # noqa: F401
        from tandem.delivery.views import account_section  # noqa: F401
