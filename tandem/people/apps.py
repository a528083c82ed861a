from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tandem.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from tandem.people import navigation, policies, search  # noqa: F401  (navigation and hooks, policies, search type)
