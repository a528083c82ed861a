from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "tandem.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Policies, the event types governance publishes, the sidebar and the project
        # tabs; then each part's home cards, account sections, timeline sources and
        # daily jobs.
        from tandem.governance import (  # noqa: F401
            comment_hooks,
            events,
            home_raci,
            home_reports,
            home_risks,
            meetings_wiring,
            navigation,
            policies,
            tabs,
        )
        from tandem.governance.views import risks  # noqa: F401  (the account page's relationship risks)
