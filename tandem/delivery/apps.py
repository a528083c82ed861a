from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tandem.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from tandem.delivery import policies  # noqa: F401
