from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tandem.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from tandem.people import policies, search  # noqa: F401  (registers the policies and the search type)
