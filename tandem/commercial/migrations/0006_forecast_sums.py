"""The whole organisation's forecast summed ahead of time (``ForecastMonthSum``,
``ContractedSum``; tandem/commercial/models/forecast_sums.py), kept by triggers in the
transaction of every write to opportunities, contracts and billing milestones, and filled
from the records already there.

The statements are written once with a few dialect pieces (cents, first day of a month)
and installed as SQLite triggers or as PL/pgSQL trigger functions. A sum is only ever
taken away from a row that exists (an ``UPDATE``, then the row is deleted when no record
is left in it), so a table emptied first (``flush``) is never left with negative rows.
"""

import django.core.validators
from django.db import migrations, models



MONTH_SUMS = "commercial_forecastmonthsum"
CONTRACTED = "commercial_contractedsum"
ACTIVE_OR_NEGOTIATION = "('active', 'negotiation')"

DIALECT = {
    "sqlite": {
        "cents": "CAST(ROUND(({0}) * 100) AS INTEGER)",
        "month": "date({0}, 'start of month')",
        "open_ended": "'9999-12-01'",
    },
    "postgresql": {
        "cents": "ROUND(({0}) * 100)::bigint",
        "month": "date_trunc('month', {0})::date",
        "open_ended": "DATE '9999-12-01'",
    },
}


def _statements(vendor: str) -> dict[str, str]:
    """The statements of the triggers, with ``{r}`` for the record (NEW or OLD)."""
    d = DIALECT[vendor]

    def cents(value: str) -> str:
        return d["cents"].format(value)

    def last(row: str) -> str:
        return f"COALESCE({d['month'].format(row + '.end_date')}, {d['open_ended']})"

    add_to_days = (
        f"ON CONFLICT (kind, month, currency, category) DO UPDATE SET "
        f"amount_cents = {MONTH_SUMS}.amount_cents + excluded.amount_cents, "
        f"weighted_cents = {MONTH_SUMS}.weighted_cents + excluded.weighted_cents, entries = {MONTH_SUMS}.entries + excluded.entries"
    )
    milestone_of = (
        "FROM commercial_billingmilestone m WHERE m.contract_id = {r}.id AND m.billed_on IS NULL"
    )
    return {
        "deal_add": (
            f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
            f"SELECT 'deal', {d['month'].format('{r}.expected_close_date')}, {{r}}.currency, {{r}}.forecast_category, "
            f"{cents('{r}.amount')}, {cents('{r}.amount')} * {{r}}.probability, 1 "
            f"WHERE {{r}}.status = 'open' AND {{r}}.forecast_category <> 'omitted' {add_to_days}"
        ),
        "deal_remove": (
            f"UPDATE {MONTH_SUMS} SET amount_cents = amount_cents - {cents('{r}.amount')}, "
            f"weighted_cents = weighted_cents - {cents('{r}.amount')} * {{r}}.probability, entries = entries - 1 "
            f"WHERE kind = 'deal' AND month = {d['month'].format('{r}.expected_close_date')} AND currency = {{r}}.currency "
            f"AND category = {{r}}.forecast_category AND {{r}}.status = 'open' AND {{r}}.forecast_category <> 'omitted'"
        ),
        "deal_prune": (
            f"DELETE FROM {MONTH_SUMS} WHERE kind = 'deal' AND month = {d['month'].format('{r}.expected_close_date')} AND currency = {{r}}.currency "
            f"AND category = {{r}}.forecast_category AND entries = 0"
        ),
        "milestone_add": (
            f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
            f"SELECT 'milestone', {d['month'].format('{r}.due_date')}, c.currency, '', {cents('{r}.amount')}, 0, 1 "
            f"FROM commercial_contract c WHERE c.id = {{r}}.contract_id AND {{r}}.billed_on IS NULL "
            f"AND c.status IN {ACTIVE_OR_NEGOTIATION} {add_to_days}"
        ),
        "milestone_remove": (
            f"UPDATE {MONTH_SUMS} SET amount_cents = amount_cents - {cents('{r}.amount')}, entries = entries - 1 "
            f"WHERE kind = 'milestone' AND month = {d['month'].format('{r}.due_date')} AND category = '' AND {{r}}.billed_on IS NULL "
            f"AND currency = (SELECT c.currency FROM commercial_contract c WHERE c.id = {{r}}.contract_id "
            f"AND c.status IN {ACTIVE_OR_NEGOTIATION})"
        ),
        "milestone_prune": (
            f"DELETE FROM {MONTH_SUMS} WHERE kind = 'milestone' AND month = {d['month'].format('{r}.due_date')} AND category = '' AND entries = 0"
        ),
        "contracted_add": (
            f"INSERT INTO {CONTRACTED} (first_month, last_month, currency, monthly_cents, entries) "
            f"SELECT {d['month'].format('{r}.start_date')}, {last('{r}')}, {{r}}.currency, {cents('{r}.monthly_amount')}, 1 "
            f"WHERE {{r}}.status = 'active' "
            f"ON CONFLICT (first_month, last_month, currency) DO UPDATE SET "
            f"monthly_cents = {CONTRACTED}.monthly_cents + excluded.monthly_cents, entries = {CONTRACTED}.entries + excluded.entries"
        ),
        "contracted_remove": (
            f"UPDATE {CONTRACTED} SET monthly_cents = monthly_cents - {cents('{r}.monthly_amount')}, entries = entries - 1 "
            f"WHERE first_month = {d['month'].format('{r}.start_date')} AND last_month = {last('{r}')} "
            f"AND currency = {{r}}.currency AND {{r}}.status = 'active'"
        ),
        "contracted_prune": (
            f"DELETE FROM {CONTRACTED} WHERE first_month = {d['month'].format('{r}.start_date')} "
            f"AND last_month = {last('{r}')} AND currency = {{r}}.currency AND entries = 0"
        ),
        # A contract's unbilled milestones, when the contract enters or leaves "active or
        # in negotiation" or changes currency (or goes): all of them at once, per month.
        "contract_milestones_add": (
            f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
            f"SELECT 'milestone', {d['month'].format('m.due_date')}, {{r}}.currency, '', SUM({cents('m.amount')}), 0, COUNT(*) "
            f"{milestone_of} AND {{r}}.status IN {ACTIVE_OR_NEGOTIATION} GROUP BY {d['month'].format('m.due_date')} {add_to_days}"
        ),
        "contract_milestones_remove": (
            f"UPDATE {MONTH_SUMS} SET "
            f"amount_cents = amount_cents - (SELECT SUM({cents('m.amount')}) {milestone_of} AND {d['month'].format('m.due_date')} = {MONTH_SUMS}.month), "
            f"entries = entries - (SELECT COUNT(*) {milestone_of} AND {d['month'].format('m.due_date')} = {MONTH_SUMS}.month) "
            f"WHERE kind = 'milestone' AND category = '' AND currency = {{r}}.currency "
            f"AND {{r}}.status IN {ACTIVE_OR_NEGOTIATION} AND month IN (SELECT {d['month'].format('m.due_date')} {milestone_of})"
        ),
        "contract_milestones_prune": (
            f"DELETE FROM {MONTH_SUMS} WHERE kind = 'milestone' AND category = '' AND currency = {{r}}.currency "
            f"AND entries = 0 AND month IN (SELECT {d['month'].format('m.due_date')} {milestone_of})"
        ),
    }


def _on(statements: dict[str, str], record: str, *names: str) -> str:
    return "".join(statements[name].replace("{r}", record) + ";\n" for name in names)


DEAL_COLUMNS = "status, forecast_category, expected_close_date, currency, amount, probability"
MILESTONE_COLUMNS = "due_date, amount, billed_on, contract_id"
CONTRACT_COLUMNS = "status, currency, start_date, end_date, monthly_amount"
MILESTONE_MOVES = (
    "((OLD.status IN {0}) <> (NEW.status IN {0}) OR OLD.currency <> NEW.currency)".format(ACTIVE_OR_NEGOTIATION)
)
REMOVE_DEAL = ("deal_remove", "deal_prune")
REMOVE_MILESTONE = ("milestone_remove", "milestone_prune")
REMOVE_CONTRACTED = ("contracted_remove", "contracted_prune")
REMOVE_CONTRACT_MILESTONES = ("contract_milestones_remove", "contract_milestones_prune")


def _sqlite(s: dict[str, str]) -> list[str]:
    return [
        f"CREATE TRIGGER forecast_sum_deal_insert AFTER INSERT ON commercial_opportunity BEGIN\n{_on(s, 'NEW', 'deal_add')}END",
        f"CREATE TRIGGER forecast_sum_deal_delete AFTER DELETE ON commercial_opportunity BEGIN\n{_on(s, 'OLD', *REMOVE_DEAL)}END",
        f"CREATE TRIGGER forecast_sum_deal_update AFTER UPDATE OF {DEAL_COLUMNS} ON commercial_opportunity BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_DEAL)}{_on(s, 'NEW', 'deal_add')}END",
        f"CREATE TRIGGER forecast_sum_milestone_insert AFTER INSERT ON commercial_billingmilestone BEGIN\n"
        f"{_on(s, 'NEW', 'milestone_add')}END",
        f"CREATE TRIGGER forecast_sum_milestone_delete AFTER DELETE ON commercial_billingmilestone BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_MILESTONE)}END",
        f"CREATE TRIGGER forecast_sum_milestone_update AFTER UPDATE OF {MILESTONE_COLUMNS} ON commercial_billingmilestone BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_MILESTONE)}{_on(s, 'NEW', 'milestone_add')}END",
        f"CREATE TRIGGER forecast_sum_contract_insert AFTER INSERT ON commercial_contract BEGIN\n"
        f"{_on(s, 'NEW', 'contracted_add', 'contract_milestones_add')}END",
        f"CREATE TRIGGER forecast_sum_contract_delete AFTER DELETE ON commercial_contract BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_CONTRACTED, *REMOVE_CONTRACT_MILESTONES)}END",
        f"CREATE TRIGGER forecast_sum_contract_update AFTER UPDATE OF {CONTRACT_COLUMNS} ON commercial_contract BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_CONTRACTED)}{_on(s, 'NEW', 'contracted_add')}END",
        f"CREATE TRIGGER forecast_sum_contract_moves AFTER UPDATE OF status, currency ON commercial_contract "
        f"WHEN {MILESTONE_MOVES} BEGIN\n{_on(s, 'OLD', *REMOVE_CONTRACT_MILESTONES)}{_on(s, 'NEW', 'contract_milestones_add')}END",
    ]


def _postgresql(s: dict[str, str]) -> list[str]:
    def function(name: str, table: str, body: str) -> list[str]:
        return [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}RETURN NULL;\nEND\n$$",
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]

    def when(operations: str, body: str) -> str:
        return f"IF TG_OP IN ({operations}) THEN\n{body}END IF;\n"

    return [
        *function(
            "forecast_sum_deal", "commercial_opportunity",
            when("'UPDATE', 'DELETE'", _on(s, "OLD", *REMOVE_DEAL)) + when("'INSERT', 'UPDATE'", _on(s, "NEW", "deal_add")),
        ),
        *function(
            "forecast_sum_milestone", "commercial_billingmilestone",
            when("'UPDATE', 'DELETE'", _on(s, "OLD", *REMOVE_MILESTONE)) + when("'INSERT', 'UPDATE'", _on(s, "NEW", "milestone_add")),
        ),
        *function(
            "forecast_sum_contract", "commercial_contract",
            when("'DELETE'", _on(s, "OLD", *REMOVE_CONTRACTED, *REMOVE_CONTRACT_MILESTONES))
            + when("'UPDATE'", _on(s, "OLD", *REMOVE_CONTRACTED) + _on(s, "NEW", "contracted_add")
                   + f"IF {MILESTONE_MOVES} THEN\n{_on(s, 'OLD', *REMOVE_CONTRACT_MILESTONES)}"
                   f"{_on(s, 'NEW', 'contract_milestones_add')}END IF;\n")
            + when("'INSERT'", _on(s, "NEW", "contracted_add", "contract_milestones_add")),
        ),
    ]


def _fill(vendor: str) -> list[str]:
    d = DIALECT[vendor]

    def cents(value: str) -> str:
        return d["cents"].format(value)

    return [
        f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
        f"SELECT 'deal', {d['month'].format('expected_close_date')}, currency, forecast_category, SUM({cents('amount')}), "
        f"SUM({cents('amount')} * probability), COUNT(*) FROM commercial_opportunity "
        f"WHERE status = 'open' AND forecast_category <> 'omitted' GROUP BY {d['month'].format('expected_close_date')}, currency, forecast_category",
        f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
        f"SELECT 'milestone', {d['month'].format('m.due_date')}, c.currency, '', SUM({cents('m.amount')}), 0, COUNT(*) "
        f"FROM commercial_billingmilestone m JOIN commercial_contract c ON c.id = m.contract_id "
        f"WHERE m.billed_on IS NULL AND c.status IN {ACTIVE_OR_NEGOTIATION} GROUP BY {d['month'].format('m.due_date')}, c.currency",
        f"INSERT INTO {CONTRACTED} (first_month, last_month, currency, monthly_cents, entries) "
        f"SELECT {d['month'].format('start_date')}, COALESCE({d['month'].format('end_date')}, {d['open_ended']}), currency, "
        f"SUM({cents('monthly_amount')}), COUNT(*) FROM commercial_contract WHERE status = 'active' "
        f"GROUP BY {d['month'].format('start_date')}, COALESCE({d['month'].format('end_date')}, {d['open_ended']}), currency",
    ]


TRIGGERS = {
    "sqlite": [
        "forecast_sum_deal_insert", "forecast_sum_deal_delete", "forecast_sum_deal_update",
        "forecast_sum_milestone_insert", "forecast_sum_milestone_delete", "forecast_sum_milestone_update",
        "forecast_sum_contract_insert", "forecast_sum_contract_delete", "forecast_sum_contract_update",
        "forecast_sum_contract_moves",
    ],
    "postgresql": [
        ("forecast_sum_deal", "commercial_opportunity"), ("forecast_sum_milestone", "commercial_billingmilestone"),
        ("forecast_sum_contract", "commercial_contract"),
    ],
}


def install(apps, schema_editor):  # noqa: ANN001, ARG001 (a migration's signature)
    vendor = schema_editor.connection.vendor
    statements = _statements(vendor)
    build = {"sqlite": _sqlite, "postgresql": _postgresql}[vendor]
    for statement in [*_fill(vendor), *build(statements)]:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):  # noqa: ANN001, ARG001
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS["sqlite"]]
    else:
        statements = [
            sql for name, table in TRIGGERS["postgresql"]
            for sql in (f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()")
        ]
    for statement in [*statements, f"DELETE FROM {MONTH_SUMS}", f"DELETE FROM {CONTRACTED}"]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('commercial', '0005_list_order_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContractedSum',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_month', models.DateField()),
                ('last_month', models.DateField()),
                ('currency', models.CharField(default='EUR', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use a three-letter ISO 4217 code in capitals, e.g. EUR.')], verbose_name='currency')),
                ('monthly_cents', models.BigIntegerField(default=0)),
                ('entries', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('first_month', 'last_month', 'currency'), name='contracted_sum_key')],
            },
        ),
        migrations.CreateModel(
            name='ForecastMonthSum',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('deal', 'Open deal'), ('milestone', 'Unbilled milestone')], max_length=10)),
                ('month', models.DateField(help_text='The first day of the month of the expected close or due date.')),
                ('currency', models.CharField(default='EUR', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use a three-letter ISO 4217 code in capitals, e.g. EUR.')], verbose_name='currency')),
                ('category', models.CharField(blank=True, max_length=16)),
                ('amount_cents', models.BigIntegerField(default=0)),
                ('weighted_cents', models.BigIntegerField(default=0, help_text='Σ amount in cents × probability (percent).')),
                ('entries', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'month', 'currency', 'category'), name='forecast_month_sum_key')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
