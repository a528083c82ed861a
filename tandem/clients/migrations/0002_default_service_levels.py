"""Seed the default check-in cadences and first-response SLAs (reversible).

The numbers are frozen here on purpose: a later change of the defaults in
``clients/services/rules.py`` must not rewrite history through this migration.
"""

from decimal import Decimal

from django.db import migrations

CADENCE = {"strategic": 14, "key": 30, "standard": 60, "long_tail": 90}
SLA = {
    "strategic": {"urgent": 2, "high": 4, "normal": 8, "low": 16},
    "key": {"urgent": 4, "high": 8, "normal": 16, "low": 24},
    "standard": {"urgent": 4, "high": 8, "normal": 24, "low": 40},
    "long_tail": {"urgent": 8, "high": 16, "normal": 40, "low": 80},
}


def seed(apps, schema_editor):
    CadenceRule = apps.get_model("clients", "CadenceRule")
    SlaRule = apps.get_model("clients", "SlaRule")
    for tier, days in CADENCE.items():
        CadenceRule.objects.get_or_create(tier=tier, defaults={"check_in_days": days})
    for tier, by_priority in SLA.items():
        for priority, hours in by_priority.items():
            SlaRule.objects.get_or_create(tier=tier, priority=priority, defaults={"response_hours": Decimal(hours)})


def unseed(apps, schema_editor):
    apps.get_model("clients", "CadenceRule").objects.all().delete()
    apps.get_model("clients", "SlaRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial_clients")]
    operations = [migrations.RunPython(seed, unseed)]
