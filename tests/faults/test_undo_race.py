"""An undo and an import of the same month at once, on PostgreSQL with real connections (issue 16 #5,
issue 14): undo takes the same period locks as every writer, so the two are serialised and the change
chain stays consistent — every "before" is the previous "after" — whichever goes first.

A third connection holds a lock on the values table, so that the first writer waits *inside* its
transaction (holding the period lock) while the second one starts; then the lock is released.
"""

import threading

import pytest
from django.db import connection

from imports.services import UndoRefused, import_file, undo_batch
from indicators.models import DataValue
from indicators.services import ValueInput, record_values
from tests.change_log import chain_breaks, keyed

from .test_import_faults import DISTRICTS, long_workbook, pg, raw_connection, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
    "AND pid <> pg_backend_pid() HAVING count(*) >= %s"
)


def values():
    return sorted(
        DataValue.objects.filter(indicator__code="APP-BPTODAY-USERS", period="2024-01").values_list(
            "unit__code", "value"
        )
    )


def in_thread(results, name, fn):
    def run():
        try:
            results[name] = fn()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each side ended with
            results[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("first", ["import", "undo"])
def test_an_undo_racing_an_import_of_the_same_month_keeps_the_change_chain(pg, staff, first):  # noqa: F811
    record_values(
        [ValueInput("APP-BPTODAY-USERS", u, "2024-01", 100 + k) for k, u in enumerate(DISTRICTS)],
        user=staff,
        source="form",
    )
    a = import_file(long_workbook(200), user=staff, filename="a.xlsx").batch
    assert {u: int(v) for u, v in values()} == {u: 200 + k for k, u in enumerate(DISTRICTS)}
    blocker = pg.blocker
    blocker.execute("BEGIN")
    blocker.execute("LOCK TABLE indicators_datavalue IN SHARE ROW EXCLUSIVE MODE")
    results = {}
    sides = {
        "import": lambda: import_file(long_workbook(300), user=staff, filename="b.xlsx"),
        "undo": lambda: undo_batch(a, staff),
    }
    second = "undo" if first == "import" else "import"
    threads = [in_thread(results, first, sides[first])]
    wait_for(pg.cursor(), WAITING, [1])  # the first writer waits on the table lock, inside its transaction
    threads.append(in_thread(results, second, sides[second]))
    wait_for(pg.cursor(), WAITING, [2])  # the second one waits too (for the period lock)
    blocker.execute("ROLLBACK")
    for t in threads:
        t.join(timeout=120)

    assert chain_breaks() == []
    assert results["import"].status == "committed"
    by_unit = dict(values())
    assert {u: int(v) for u, v in by_unit.items()} == {u: 300 + k for k, u in enumerate(DISTRICTS)}
    if first == "import":
        # The import committed first: the undo then sees its change and is refused, writing nothing.
        assert isinstance(results["undo"], UndoRefused)
        assert str(results["undo"]).startswith(
            f"Không thể hoàn tác lô #{a.pk}: 11 số liệu đã được thay đổi sau đó"
        )
        assert [r[3:6] for r in keyed() if r[1] == "DONGXOAI"] == [
            ("created", None, 100),
            ("updated", 100, 200),
            ("updated", 200, 300),
        ]
    else:
        # The undo committed first (back to the form's values); the import then started from them.
        assert results["undo"] == {"deleted": 0, "restored": 11}
        assert [r[3:7] for r in keyed() if r[1] == "DONGXOAI"] == [
            ("created", None, 100, "form"),
            ("updated", 100, 200, "import"),
            ("updated", 200, 100, "undo"),
            ("updated", 100, 300, "import"),
        ]
