"""Versioned, audited writes (tandem.core.services) and the R9 coverage check: every
business model has a Policy and is audited on create, update and delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from tandem.core.errors import ConflictError
from tandem.core.models import AuditAction, AuditEntry, BusinessModel
from tandem.core.permissions import policy_for
from tandem.core.services import model_create, model_delete, model_update
from tandem.people import services as people_services
from tandem.people.models import (
    Person,
    Team,
    User,
)
from tandem.people.selectors import calendar_get
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


def row(model: type[models.Model], pk: Any) -> dict[str, Any]:
    return model._default_manager.filter(pk=pk).values().get()


# --- Versions and conflicts -------------------------------------------------------------


def test_update_bumps_the_version_by_one(admin_user: User) -> None:
    team = make_team(name="Design")
    assert team.version == 1
    model_update(actor=admin_user, instance=team, data={"name": "Studio"})
    assert team.version == 2
    assert row(Team, team.pk)["version"] == 2
    model_update(actor=admin_user, instance=team, data={"name": "Atelier"}, expected_version=2)
    assert row(Team, team.pk)["version"] == 3
    assert row(Team, team.pk)["name"] == "Atelier"


def test_stale_expected_version_is_refused_and_changes_nothing(admin_user: User) -> None:
    team = make_team(name="Design")
    model_update(actor=admin_user, instance=team, data={"name": "Studio"})
    before = row(Team, team.pk)
    entries = AuditEntry.objects.count()
    fresh = Team.objects.get(pk=team.pk)
    with pytest.raises(ConflictError) as excinfo:
        model_update(actor=admin_user, instance=fresh, data={"name": "Stale"}, expected_version=1)
    assert excinfo.value.current_version == 2
    assert excinfo.value.status_code == 409
    assert "Reload" in excinfo.value.message
    assert row(Team, team.pk) == before
    assert AuditEntry.objects.count() == entries


def test_stale_instance_is_refused(admin_user: User) -> None:
    """Two editors read version 1; the second to save gets a conflict, not an overwrite."""
    first = make_team(name="Design")
    second = Team.objects.get(pk=first.pk)
    model_update(actor=admin_user, instance=first, data={"description": "first"})
    with pytest.raises(ConflictError):
        model_update(actor=admin_user, instance=second, data={"description": "second"})
    assert row(Team, first.pk)["description"] == "first"
    assert row(Team, first.pk)["version"] == 2


def test_update_of_a_deleted_row_is_a_conflict(admin_user: User) -> None:
    team = make_team(name="Design")
    stale = Team.objects.get(pk=team.pk)
    model_delete(actor=admin_user, instance=team)
    with pytest.raises(ConflictError) as excinfo:
        model_update(actor=admin_user, instance=stale, data={"name": "Back"})
    assert excinfo.value.current_version is None
    assert not Team.objects.filter(pk=stale.pk).exists()


def test_stale_delete_is_refused_and_keeps_the_row(admin_user: User) -> None:
    team = make_team(name="Design")
    model_update(actor=admin_user, instance=team, data={"name": "Studio"})
    entries = AuditEntry.objects.count()
    with pytest.raises(ConflictError):
        model_delete(actor=admin_user, instance=team, expected_version=1)
    assert row(Team, team.pk)["name"] == "Studio"
    assert AuditEntry.objects.count() == entries
    model_delete(actor=admin_user, instance=team, expected_version=2)
    assert not Team.objects.filter(pk=team.pk).exists()


def test_update_writes_only_the_given_fields(admin_user: User) -> None:
    """A column written elsewhere after the instance was read (a password change, a
    role change) is not put back to the value read: only ``data`` is written."""
    user = make_user(email="field@example.test", full_name="Fay Field")
    stale = User.objects.get(pk=user.pk)
    people_services.user_set_password(actor=user, user=user, password="a-brand-new-secret-9")
    new_hash = row(User, user.pk)["password"]
    model_update(actor=admin_user, instance=stale, data={"full_name": "Fay Fields"})
    assert row(User, user.pk)["password"] == new_hash
    assert row(User, user.pk)["full_name"] == "Fay Fields"


def test_update_refreshes_updated_at_and_keeps_created_at(admin_user: User) -> None:
    team = make_team(name="Design")
    created = row(Team, team.pk)
    model_update(actor=admin_user, instance=team, data={"name": "Studio"})
    updated = row(Team, team.pk)
    assert updated["created_at"] == created["created_at"]
    assert updated["updated_at"] >= created["updated_at"]


def test_unknown_field_is_a_programming_error(admin_user: User) -> None:
    team = make_team(name="Design")
    with pytest.raises(TypeError, match="Team has no field"):
        model_update(actor=admin_user, instance=team, data={"colour": "red"})
    with pytest.raises(TypeError, match="Team has no field"):
        model_create(actor=admin_user, model=Team, data={"name": "X", "colour": "red"})


def test_update_validates(admin_user: User) -> None:
    from django.core.exceptions import ValidationError

    user = make_user()
    person = Person.objects.get(user=user)
    with pytest.raises(ValidationError) as excinfo:
        model_update(actor=admin_user, instance=person, data={"weekly_capacity_hours": 200})
    assert list(excinfo.value.message_dict) == ["weekly_capacity_hours"]
    assert row(Person, person.pk)["weekly_capacity_hours"] == 40
    assert row(Person, person.pk)["version"] == 1


# --- R9: every business model has a Policy and is audited --------------------------------
#
# One builder per concrete BusinessModel: it returns (data to create one, data to update
# it). A new business model without a builder fails ``test_every_business_model_is_covered``
# with a message saying to add one here.

Builder = Callable[[User], tuple[dict[str, Any], dict[str, Any]]]


def _user(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {"email": "r9@example.test", "full_name": "Rae Nine", "password": "!unusable"},
        {"full_name": "Rae Niner"},
    )


def _team(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"name": "R9 team", "lead": None}, {"description": "covered"}


def _person(actor: User) -> tuple[dict[str, Any], dict[str, Any]]:
    user = User.objects.create(email="r9-person@example.test", full_name="Pat Nine", password="!")
    return {"user": user, "title": "Analyst"}, {"title": "Lead analyst"}


def _time_off(actor: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {
            "person": actor.person,
            "start_date": dt.date(2025, 8, 4),
            "end_date": dt.date(2025, 8, 8),
        },
        {"note": "Summer"},
    )


def _calendar(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"name": "Second calendar"}, {"time_zone": "Europe/London"}


def _holiday(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"calendar": calendar_get(), "date": dt.date(2025, 12, 25), "name": "Christmas"}, {
        "name": "Christmas Day"
    }


def _access_token(actor: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {"user": actor, "name": "ci", "prefix": "tdm_r9", "token_hash": "e" * 64},
        {"revoked_at": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)},
    )


def _parent_account() -> Any:
    from tandem.clients.models import Account

    return Account.objects.create(name="R9 parent", tier="key")


R9_AT = dt.datetime(2025, 8, 4, 9, 30, tzinfo=dt.UTC)


def _account(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"name": "R9 Ltd", "tier": "key", "industry": "Retail"}, {"industry": "Logistics"}


def _account_item(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {"account": _parent_account(), "kind": "goal", "title": "Halve the month-end close"},
        {"status": "met"},
    )


def _contact(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"account": _parent_account(), "last_name": "Nine", "email": "nine@client.test"}, {
        "job_title": "CFO"
    }


def _interaction(actor: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {
            "account": _parent_account(),
            "kind": "call",
            "subject": "Kick-off",
            "occurred_at": R9_AT,
            "logged_by": actor,
        },
        {"summary": "Agreed the plan"},
    )


def _follow_up(actor: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {
            "account": _parent_account(),
            "owner": actor,
            "due_date": dt.date(2025, 8, 11),
            "description": "Send the offer",
        },
        {"done_at": R9_AT},
    )


def _feedback(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {
            "account": _parent_account(),
            "sentiment": "positive",
            "text": "Quick answers",
            "received_at": R9_AT,
        },
        {"sentiment": "neutral"},
    )


def _inquiry(actor: User) -> tuple[dict[str, Any], dict[str, Any]]:
    from decimal import Decimal

    return (
        {
            "account": _parent_account(),
            "subject": "Invoice question",
            "assignee": actor,
            "received_at": R9_AT,
            "sla_hours": Decimal("8.00"),
            "sla_due_at": R9_AT + dt.timedelta(hours=8),
        },
        {"priority": "high"},
    )


def _cadence_rule(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    from tandem.clients.models import CadenceRule

    # One rule per tier, seeded by a migration: make room for the one under test.
    CadenceRule.objects.filter(tier="long_tail").delete()
    return {"tier": "long_tail", "check_in_days": 90}, {"check_in_days": 120}


def _sla_rule(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    from decimal import Decimal

    from tandem.clients.models import SlaRule

    SlaRule.objects.filter(tier="long_tail", priority="low").delete()
    return {"tier": "long_tail", "priority": "low", "response_hours": Decimal("80.00")}, {
        "response_hours": Decimal("60.00")
    }


def _saved_view(user: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"owner": user, "list_key": "accounts", "name": "Strategic", "query": "tier=strategic"}, {
        "query": "sort=-name&tier=strategic"
    }


def _expense(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
    from decimal import Decimal

    return {"account": _parent_account(), "date": dt.date(2031, 1, 15), "description": "Travel", "amount": Decimal("250.00")}, {
        "amount": Decimal("260.00")
    }


def _commercial_builders() -> dict[str, Builder]:
    """Audit builders of the commercial models: parents come from the commercial factories."""
    from decimal import Decimal

    from tests.commercial import factories as f

    def product(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"name": "R9 workshop", "list_price": Decimal("900.00")}, {"list_price": Decimal("950.00")}

    def price_list(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"name": "R9 prices"}, {"description": "Public sector"}

    def price_list_item(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"price_list": f.make_price_list(), "product": f.make_product(), "unit_price": Decimal("10")}, {
            "unit_price": Decimal("12")
        }

    def rate_card(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"name": "R9 rates"}, {"description": "2031"}

    def rate_card_line(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"rate_card": f.make_rate_card(), "role_name": "Analyst", "hourly_rate": Decimal("90")}, {
            "hourly_rate": Decimal("95")
        }

    def exchange_rate(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"currency": "CHF", "date": dt.date(2031, 1, 1), "rate": Decimal("1.05")}, {"rate": Decimal("1.06")}

    def stage(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"name": "R9 stage", "order": 50, "probability": 60}, {"probability": 65}

    def account_pricing(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"account": _parent_account(), "discount_percent": Decimal("5")}, {"discount_percent": Decimal("7.5")}

    def account_price(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"account": _parent_account(), "product": f.make_product(), "unit_price": Decimal("800")}, {
            "unit_price": Decimal("780")
        }

    def opportunity(actor: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {
            "account": _parent_account(), "name": "R9 deal", "stage": f.stage("Qualification"),
            "expected_close_date": dt.date(2031, 3, 31), "amount": Decimal("1000"),
        }, {"next_step": "Send the proposal"}

    def opportunity_line(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        deal = f.make_opportunity(account=_parent_account())
        return {"opportunity": deal, "description": "Days", "unit_price": Decimal("100"), "amount": Decimal("100")}, {
            "quantity": Decimal("2"), "amount": Decimal("200")
        }

    def quote(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        deal = f.make_opportunity(account=_parent_account())
        return {
            "opportunity": deal, "number": "Q-2031-9001", "issued_on": dt.date(2031, 1, 5),
            "valid_until": dt.date(2031, 2, 5),
        }, {"status": "sent"}

    def contract(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"account": _parent_account(), "number": "C-2031-9001", "title": "R9 services", "start_date": dt.date(2031, 1, 1)}, {
            "status": "negotiation"
        }

    def billing_milestone(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {
            "contract": f.make_contract(account=_parent_account()), "name": "Go-live", "due_date": dt.date(2031, 6, 30),
            "amount": Decimal("500"),
        }, {"amount": Decimal("550")}

    def negotiation_round(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {
            "contract": f.make_contract(account=_parent_account()), "number": 1, "proposed_at": R9_AT, "value": Decimal("900"),
        }, {"outcome": "countered"}

    def revenue_entry(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"account": _parent_account(), "kind": "one_off", "month": dt.date(2031, 1, 1), "amount": Decimal("100")}, {
            "amount": Decimal("120")
        }

    def budget(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"account": _parent_account(), "year": 2031, "amount": Decimal("5000")}, {"amount": Decimal("6000")}

    def project_request(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        account = _parent_account()
        deal = f.make_opportunity(account=account, stage_name="Closed won")
        return {"account": account, "opportunity": deal, "name": "R9 rollout"}, {"status": "accepted"}

    builders = {
        "Product": product, "PriceList": price_list, "PriceListItem": price_list_item, "RateCard": rate_card,
        "RateCardLine": rate_card_line, "ExchangeRate": exchange_rate, "Stage": stage, "AccountPricing": account_pricing,
        "AccountPrice": account_price, "Opportunity": opportunity, "OpportunityLine": opportunity_line, "Quote": quote,
        "Contract": contract, "BillingMilestone": billing_milestone, "NegotiationRound": negotiation_round,
        "RevenueEntry": revenue_entry, "Budget": budget, "Expense": _expense, "ProjectRequest": project_request,
    }
    return {f"commercial.{name}": builder for name, builder in builders.items()}


def _delivery_builders() -> dict[str, Builder]:
    """Audit builders of the delivery models: parents come from the delivery factories."""
    from decimal import Decimal

    from tests.delivery import factories as f

    def project(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"code": "R9-AUDIT", "name": "R9 audit", "start_date": dt.date(2031, 1, 6)}, {"name": "R9 audit 2"}

    def member(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "user": make_user()}, {"role": "Analyst"}

    def objective(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "title": "Faster replies", "target_value": Decimal("4")}, {
            "current_value": Decimal("2")}

    def deliverable(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "name": "Design document"}, {"acceptance_state": "submitted"}

    def task(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "name": "Kick-off"}, {"percent_complete": 50}

    def assignment(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"task": f.make_task(project=f.make_project()), "user": make_user()}, {"units": Decimal("50")}

    def dependency(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        project = f.make_project()
        first, second = f.make_task(project=project), f.make_task(project=project)
        return {"project": project, "predecessor": first, "successor": second}, {"lag_minutes": 480}

    def baseline(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "name": "Signed plan"}, {"name": "Signed plan v1"}

    def calendar(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"name": "Four-day week"}, {"name": "Four-day week 2031"}

    def exception(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        from tandem.delivery.models import Calendar

        return {"calendar": Calendar.objects.create(name="Site"), "date": dt.date(2031, 5, 1), "name": "Closed"}, {
            "name": "Labour day"}

    def allocation(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "user": make_user(), "start_date": dt.date(2031, 1, 6),
                "end_date": dt.date(2031, 3, 28), "hours_per_week": Decimal("20")}, {"hours_per_week": Decimal("16")}

    def time_entry(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "user": make_user(), "date": dt.date(2031, 1, 6),
                "hours": Decimal("7.5")}, {"hours": Decimal("8")}

    def expense(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "date": dt.date(2031, 1, 6), "description": "Train to the client",
                "amount": Decimal("84.00")}, {"amount": Decimal("86.50")}

    builders: dict[str, Builder] = {
        "Project": project, "ProjectMember": member, "Objective": objective, "Deliverable": deliverable,
        "Task": task, "TaskAssignment": assignment, "Dependency": dependency, "Baseline": baseline,
        "Calendar": calendar, "CalendarException": exception, "Allocation": allocation,
        "TimeEntry": time_entry, "ProjectExpense": expense,
    }
    return {f"delivery.{name}": builder for name, builder in builders.items()}


def _raci_builders() -> dict[str, Builder]:
    """Governance's stakeholders and RACI rows."""
    from tests.delivery import factories as f

    def stakeholder(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "user": make_user(), "role": "Sponsor"}, {"influence": 5}

    def raci_row(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "kind": "activity", "activity": "Steering committee"}, {
            "activity": "Steering board"}

    return {"governance.Stakeholder": stakeholder, "governance.RaciRow": raci_row}


def _governance_builders() -> dict[str, Builder]:
    """Governance's reports, meetings, risks, SWOT and comments; integrations' outbound
    endpoints and chat channels."""
    from tandem.governance.models import Meeting, SwotAnalysis
    from tests.delivery import factories as f

    start = dt.datetime(2031, 1, 13, 9, 0, tzinfo=dt.UTC)

    def report(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "period_start": dt.date(2031, 1, 6), "period_end": dt.date(2031, 1, 17)}, {
            "schedule_rag": "amber"}

    def series(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "title": "Weekly status", "rrule": "FREQ=WEEKLY;BYDAY=MO",
                "first_starts_at": start}, {"duration_minutes": 45}

    def meeting(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "title": "Kickoff", "starts_at": start,
                "ends_at": start + dt.timedelta(hours=1)}, {"notes": "Scope agreed"}

    def action_item(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        held = Meeting.objects.create(project=f.make_project(), title="Review", starts_at=start,
                                      ends_at=start + dt.timedelta(hours=1))
        return {"meeting": held, "description": "Send the minutes"}, {"due_date": dt.date(2031, 1, 20)}

    def risk(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "title": "Supplier late", "probability": 3, "impact": 4}, {
            "probability": 4}

    def swot(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "title": "Renewal review"}, {"title": "Renewal review 2031"}

    def swot_item(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        analysis = SwotAnalysis.objects.create(project=f.make_project(), title="Review")
        return {"analysis": analysis, "quadrant": "strength", "text": "Strong sponsor"}, {"position": 2}

    def comment(author: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"project": f.make_project(), "author": author, "body": "Kickoff went well"}, {
            "body": "Kickoff went very well"}

    def webhook(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"url": "https://hooks.example.test/tandem", "secret": "whsec_" + "A" * 32}, {
            "description": "Finance system"}

    def chat(_: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"kind": "slack", "name": "#rollout", "url": "https://hooks.slack.test/T0/B0/x",
                "project": f.make_project()}, {"name": "#rollout-team"}

    return {
        "governance.StatusReport": report, "governance.MeetingSeries": series, "governance.Meeting": meeting,
        "governance.ActionItem": action_item, "governance.Risk": risk, "governance.SwotAnalysis": swot,
        "governance.SwotItem": swot_item, "governance.Comment": comment, "integrations.WebhookEndpoint": webhook,
        "integrations.ChatChannel": chat,
    }


BUILDERS: dict[str, Builder] = {
    "core.SavedView": _saved_view,
    "people.User": _user,
    "people.Team": _team,
    "people.Person": _person,
    "people.TimeOff": _time_off,
    "people.OrganisationCalendar": _calendar,
    "people.Holiday": _holiday,
    "people.AccessToken": _access_token,
    "clients.Account": _account,
    "clients.AccountItem": _account_item,
    "clients.Contact": _contact,
    "clients.Interaction": _interaction,
    "clients.FollowUp": _follow_up,
    "clients.Feedback": _feedback,
    "clients.Inquiry": _inquiry,
    "clients.CadenceRule": _cadence_rule,
    "clients.SlaRule": _sla_rule,
    **_commercial_builders(),
    **_delivery_builders(),
    **_raci_builders(),
    **_governance_builders(),
}


def business_models() -> list[type[models.Model]]:
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, BusinessModel)
            and not model._meta.abstract
            and not model._meta.proxy
        ),
        key=lambda model: model._meta.label,
    )


def test_business_models_are_found() -> None:
    labels = {model._meta.label for model in business_models()}
    assert set(BUILDERS) <= labels


@pytest.mark.parametrize("model", business_models(), ids=lambda model: model._meta.label)
def test_every_business_model_has_a_policy(model: type[models.Model]) -> None:
    try:
        policy = policy_for(model)
    except LookupError:
        pytest.fail(
            f"{model._meta.label} has no Policy: register one with "
            "tandem.core.permissions.register in its app's policies.py."
        )
    assert policy.model is model


@pytest.mark.parametrize("model", business_models(), ids=lambda model: model._meta.label)
def test_every_business_model_is_audited(model: type[models.Model], admin_user: User) -> None:
    builder = BUILDERS.get(model._meta.label)
    if builder is None:
        pytest.fail(
            f"{model._meta.label} is a BusinessModel without an audit builder: add one to "
            "BUILDERS in tests/core/test_services.py (data to create it, data to update it)."
        )
    create_data, update_data = builder(admin_user)
    content_type = ContentType.objects.get_for_model(model)

    def actions(pk: Any) -> list[tuple[str, int | None]]:
        return list(
            AuditEntry.objects.filter(content_type=content_type, object_id=str(pk))
            .order_by("id")
            .values_list("action", "actor_id")
        )

    instance = model_create(actor=admin_user, model=model, data=create_data)
    pk = instance.pk
    assert actions(pk) == [(AuditAction.CREATE, admin_user.pk)]
    model_update(actor=admin_user, instance=instance, data=update_data)
    assert actions(pk) == [(AuditAction.CREATE, admin_user.pk), (AuditAction.UPDATE, admin_user.pk)]
    [_, updated] = AuditEntry.objects.filter(content_type=content_type, object_id=str(pk)).order_by(
        "id"
    )
    assert set(updated.changes) == set(update_data)
    assert row(model, pk)["version"] == 2
    model_delete(actor=admin_user, instance=instance)
    assert actions(pk) == [
        (AuditAction.CREATE, admin_user.pk),
        (AuditAction.UPDATE, admin_user.pk),
        (AuditAction.DELETE, admin_user.pk),
    ]
    assert not model._default_manager.filter(pk=pk).exists()
