"""Seed the default pipeline stages (reversible). Frozen here on purpose: later changes
of the defaults must not rewrite history through this migration."""

from django.db import migrations

# name, order, probability %, forecast category, outcome
STAGES = (
    ("Qualification", 10, 10, "pipeline", "open"),
    ("Discovery", 20, 25, "pipeline", "open"),
    ("Proposal", 30, 50, "best_case", "open"),
    ("Negotiation", 40, 75, "commit", "open"),
    ("Closed won", 90, 100, "closed", "won"),
    ("Closed lost", 99, 0, "omitted", "lost"),
)


def seed(apps, schema_editor):
    Stage = apps.get_model("commercial", "Stage")
    for name, order, probability, category, outcome in STAGES:
        Stage.objects.get_or_create(
            name=name,
            defaults={"order": order, "probability": probability, "forecast_category": category, "outcome": outcome},
        )


def unseed(apps, schema_editor):
    apps.get_model("commercial", "Stage").objects.filter(name__in=[stage[0] for stage in STAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("commercial", "0001_initial_commercial")]
    operations = [migrations.RunPython(seed, unseed)]
