from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tandem.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from tandem.people import hooks, navigation, policies, search  # noqa: F401  (core's hooks, navigation, policies, search type)
