"""The data migration that moves the value entries of the old audit log into the change log."""

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.catalogue import load_catalogue
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("indicators", "0008_move_evidence_and_reminders_to_entry")]
AFTER = [("indicators", "0009_value_change_log")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_state():
    if not Unit.objects.exists():  # an earlier transactional test emptied the database
        load_catalogue()
    yield migrate(BEFORE)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_value_audit_entries_become_change_rows_and_the_rest_stay(old_state):
    apps = old_state
    AuditEntry = apps.get_model("indicators", "AuditEntry")
    User = apps.get_model("auth", "User")
    user = User.objects.create(username="canbo")
    at = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
    AuditEntry._meta.get_field("created_at").auto_now_add = False
    common = {"object_type": "datavalue", "created_at": at}
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action="indicators.value.created",
                object_key="DVC-SVC-RATE/BUDOP/2023-08",
                before=None,
                after={
                    "value": "90",
                    "numerator": "900",
                    "denominator": "1000",
                    "raw": "90%",
                    "note": "x",
                    "source": "form",
                },
                source="form",
                user=user,
                **common,
            ),
            AuditEntry(
                action="indicators.value.updated",
                object_key="DVC-SVC-RATE/BUDOP/2023-08",
                before={
                    "value": "90",
                    "numerator": "900",
                    "denominator": "1000",
                    "note": "x",
                    "source": "form",
                },
                after={"value": "95", "note": "", "source": "import", "batch_id": 4},
                source="import",
                batch_id=4,
                **common,
            ),
            AuditEntry(
                action="indicators.value.restored",
                object_key="DVC-SVC-RATE/BUDOP/2023-08",
                before={"value": "95", "note": "", "source": "import", "batch_id": 4},
                after={
                    "value": "90",
                    "numerator": "900",
                    "denominator": "1000",
                    "note": "x",
                    "source": "form",
                },
                source="import",
                note="Hoàn tác lô #4",
                **common,
            ),
            AuditEntry(
                action="indicators.value.deleted",
                object_key="APP-BPTODAY-USERS/BUDOP/2023-08",
                before={"value": "1039", "note": "", "source": "import", "batch_id": 5},
                after=None,
                source="import",
                note="Hoàn tác lô #5",
                **common,
            ),
            AuditEntry(
                action="indicators.evidence.added",
                object_key="DVC-SVC-RATE/BUDOP/2023-08",
                after={"file": "a.pdf"},
                source="form",
                **common,
            ),
            AuditEntry(
                action="indicators.submission.approved",
                object_type="submission",
                object_key="BUDOP/2023-08",
                after={"state": "approved"},
                created_at=at,
            ),
            AuditEntry(
                action="indicators.value.created",
                object_key="NO-SUCH/BUDOP/2023-08",
                after={"value": "1"},
                **common,
            ),
        ]
    )

    apps = migrate(AFTER)

    ValueChange = apps.get_model("indicators", "ValueChange")
    rows = list(
        ValueChange.objects.order_by("id").values_list(
            "indicator__code",
            "period",
            "action",
            "value_before",
            "value_after",
            "numerator_before",
            "numerator_after",
            "note_before",
            "note_after",
            "source",
            "batch_id",
            "user__username",
            "created_at",
        )
    )
    assert rows == [
        (
            "DVC-SVC-RATE",
            "2023-08",
            "created",
            None,
            D("90"),
            None,
            D("900"),
            None,
            "x",
            "form",
            None,
            "canbo",
            at,
        ),
        (
            "DVC-SVC-RATE",
            "2023-08",
            "updated",
            D("90"),
            D("95"),
            D("900"),
            None,
            "x",
            "",
            "import",
            4,
            None,
            at,
        ),
        (
            "DVC-SVC-RATE",
            "2023-08",
            "updated",
            D("95"),
            D("90"),
            None,
            D("900"),
            "",
            "x",
            "undo",
            4,
            None,
            at,
        ),
        (
            "APP-BPTODAY-USERS",
            "2023-08",
            "deleted",
            D("1039"),
            None,
            None,
            None,
            None,
            None,
            "undo",
            5,
            None,
            at,
        ),
    ]
    left = sorted(apps.get_model("indicators", "AuditEntry").objects.values_list("action", "object_key"))
    assert left == [
        ("indicators.evidence.added", "DVC-SVC-RATE/BUDOP/2023-08"),
        ("indicators.submission.approved", "BUDOP/2023-08"),
        ("indicators.value.created", "NO-SUCH/BUDOP/2023-08"),  # a code the catalogue no longer has
    ]

    # And back: the changes become audit entries again, with their times.
    apps = migrate(BEFORE)
    back = apps.get_model("indicators", "AuditEntry").objects.filter(object_type="datavalue")
    assert sorted(back.values_list("action", "object_key", "note")) == [
        ("indicators.evidence.added", "DVC-SVC-RATE/BUDOP/2023-08", ""),
        ("indicators.value.created", "DVC-SVC-RATE/BUDOP/2023-08", ""),
        ("indicators.value.created", "NO-SUCH/BUDOP/2023-08", ""),
        ("indicators.value.deleted", "APP-BPTODAY-USERS/BUDOP/2023-08", "Hoàn tác lô #5"),
        ("indicators.value.restored", "DVC-SVC-RATE/BUDOP/2023-08", "Hoàn tác lô #4"),
        ("indicators.value.updated", "DVC-SVC-RATE/BUDOP/2023-08", ""),
    ]
    assert set(back.values_list("created_at", flat=True)) == {at}
