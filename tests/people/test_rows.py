"""The people directory's rows written in Python: escaped, linked, roles in Role order,
status only when shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.core.roles import Role
from tandem.people.models import User
from tandem.people.rows import roles_of, user_row_queryset, user_rows
from tests.factories import make_team, make_user

pytestmark = pytest.mark.django_db


def test_rows_escape_link_and_list_roles_in_role_order(django_assert_num_queries):
    team = make_team(name="R&D <lab>")
    user = make_user(
        roles=[Role.PROJECT_MANAGER, Role.ADMIN], full_name='<script>alert("x")</script>', team=team,
        email="o'neil@example.com",
    )  # fmt: skip
    User.objects.filter(pk=user.pk).update(date_joined=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    rows = list(user_row_queryset(User.objects.filter(pk=user.pk)))
    with django_assert_num_queries(1):
        roles = roles_of(rows)
    with timezone.override("Europe/Berlin"):
        html = user_rows(rows, roles, show_status=True)
    assert f'<a href="/people/users/{user.pk}/">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</a>' in html
    assert "<td>o&#x27;neil@example.com</td>" in html
    assert f'<a href="/people/teams/{team.pk}/">R&amp;D &lt;lab&gt;</a>' in html
    assert "<td>2 Mar 2026</td>" in html  # the joined date in the current time zone
    assert "<td>Administrator, Project manager</td>" in html
    assert "<td>Active</td>" in html
    assert "<script>" not in html


def test_status_column_only_when_shown_and_disabled_badge():
    user = make_user()
    User.objects.filter(pk=user.pk).update(is_active=False)
    rows = list(user_row_queryset(User.objects.filter(pk=user.pk)))
    assert "badge" in user_rows(rows, roles_of(rows), show_status=True)
    assert "<td>Active</td>" not in user_rows(rows, roles_of(rows), show_status=False)
    assert "badge" not in user_rows(rows, roles_of(rows), show_status=False)
    assert roles_of([]) == {}


def test_team_rows_match_the_template_they_replace():
    """team_rows writes what the team list's template loop wrote: escaped name and
    lead, "No lead", the active members, the description through truncatechars:80."""
    from django.db.models import Count, Q
    from django.template import Context, Template

    from tandem.people.models import Team
    from tandem.people.rows import TEAM_ROW_FIELDS, team_rows

    lead = make_user(full_name="Lee <Lead>")
    long = "Ünïcode & more " * 10
    Team.objects.filter(pk=make_team(name="A&B", lead=lead).pk).update(description=long)
    make_team(name="Solo")
    teams = Team.objects.annotate(member_count=Count("members", filter=Q(members__user__is_active=True))).order_by("name")
    reference = Template(
        "{% for team in teams %}\n        <tr>"
        '\n          <td><a href="/people/teams/{{ team.pk }}/">{{ team.name }}</a></td>'
        "\n          <td>{% if team.lead %}{{ team.lead.full_name }}{% else %}No lead{% endif %}</td>"
        "\n          <td>{{ team.member_count }}</td>"
        "\n          <td>{{ team.description|truncatechars:80 }}</td>"
        "\n        </tr>{% endfor %}"
    ).render(Context({"teams": list(teams.select_related("lead"))}))
    assert str(team_rows(list(teams.values(*TEAM_ROW_FIELDS)))) == reference
