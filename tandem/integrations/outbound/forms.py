"""The forms of the outbound pages (they parse; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.events import event_types
from tandem.integrations.models import ChatKind


def _event_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.label) for kind in event_types()]


class EventTypesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=_event_choices, required=False, label="Events",
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            help_text="Leave all unticked to receive every event.", **kwargs,
        )


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(label="Receiver URL", max_length=500, assume_scheme="https",
                         widget=forms.URLInput(attrs={"class": "form-control", "placeholder": "https://"}))
    description = forms.CharField(label="Description", max_length=200, required=False,
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    event_types = EventTypesField()


class ChatChannelForm(forms.Form):
    kind = forms.ChoiceField(label="Chat tool", choices=ChatKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label="Channel name", max_length=120,
                           widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "#acme-rollout"}))
    url = forms.URLField(label="Incoming webhook URL", max_length=500, assume_scheme="https",
                         widget=forms.URLInput(attrs={"class": "form-control"}),
                         help_text="Slack: an app's Incoming Webhook URL. Teams: the URL of a Workflows "
                                   "\"Post to a channel when a webhook request is received\" flow.")
    event_types = EventTypesField()


class ChatChannelCreateForm(ChatChannelForm):
    target = forms.ChoiceField(label="For", widget=forms.Select(attrs={"class": "form-select"}),
                               help_text="A project you manage, or a team you lead.")

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target: Any = self.fields["target"]
        target.choices = [("", "Choose a project or team"), *targets]
        self.order_fields(["target", "kind", "name", "url", "event_types"])
