"""What sets the status engine going besides value writes: target changes (catalogue load, the Target
admin) and the nightly full recompute."""

import shutil
from decimal import Decimal

import pytest
import tablib
from django.conf import settings
from django.contrib.auth import get_user_model

from cds_portal.celery import app
from indicators.admin import TargetResource
from indicators.cache import bump
from indicators.catalogue import default_dir, load_catalogue
from indicators.choices import Status
from indicators.models import SeriesStats, Target, ValueStatus
from indicators.services import ValueInput, record_values
from indicators.tasks import recompute_status

D = Decimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def hon_quan(staff, django_capture_on_commit_callbacks):
    """Hớn Quản's August DVC-SVC-RATE: 90.05 %, đạt against the 80 % district target."""
    with django_capture_on_commit_callbacks(execute=True):
        record_values(
            [ValueInput("DVC-SVC-RATE", "HONQUAN", "2023-08", D("90.05"))], user=staff, source="form"
        )
    return lambda: ValueStatus.objects.get(
        data_value__indicator__code="DVC-SVC-RATE",
        data_value__unit__code="HONQUAN",
        data_value__period="2023-08",
    )


def recomputes(callbacks):
    """The recompute tasks enqueued on commit (not the cached pages' version bump)."""
    return [c for c in callbacks if c is not bump]


def district_target():
    return Target.objects.get(indicator__code="DVC-SVC-RATE", year=2023, level="district")


def test_loading_a_changed_catalogue_recomputes_the_indicators_targets(
    hon_quan, tmp_path, django_capture_on_commit_callbacks
):
    assert (hon_quan().status, hon_quan().target_value) == (Status.MET, D("80"))
    directory = tmp_path / "fixtures"
    shutil.copytree(default_dir(), directory, ignore=shutil.ignore_patterns("samples"))
    targets = directory / "targets.csv"
    targets.write_text(
        targets.read_text(encoding="utf-8").replace(
            "DVC-SVC-RATE,2023,agency|district,>=,80,", "DVC-SVC-RATE,2023,agency|district,>=,95,"
        ),
        encoding="utf-8",
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_catalogue(directory)

    assert len(recomputes(callbacks)) == 1
    assert (hon_quan().status, hon_quan().target_value) == (Status.NOT_MET, D("95"))


def test_loading_an_unchanged_catalogue_recomputes_nothing(hon_quan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_catalogue()
    assert recomputes(callbacks) == []


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("quantri", "quantri@example.vn", "pw-quantri")
    client.force_login(admin)
    return client


def test_a_target_saved_in_the_admin_recomputes_its_indicator(
    hon_quan, admin_client, django_capture_on_commit_callbacks
):
    target = district_target()
    form = {
        "indicator": target.indicator_id,
        "year": 2023,
        "level": "district",
        "unit": "",
        "comparator": ">=",
        "value": "95",
        "value_max": "",
        "effective_from": target.effective_from,
        "deadline": "",
        "source_text": target.source_text,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/indicators/target/{target.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (hon_quan().status, hon_quan().target_value) == (Status.NOT_MET, D("95"))


def test_a_target_deleted_in_the_admin_leaves_the_values_without_a_target(
    hon_quan, admin_client, django_capture_on_commit_callbacks
):
    target = district_target()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/indicators/target/{target.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert (hon_quan().status, hon_quan().target_value) == (Status.NO_TARGET, None)


def test_the_full_recompute_runs_every_night_and_refreshes_the_outlier_statistics(hon_quan):
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-status-nightly"]
    assert entry["task"] == recompute_status.name
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
    SeriesStats.objects.all().delete()

    result = recompute_status.apply().get()  # what beat sends: no arguments

    assert result["values"] == ValueStatus.objects.count()
    assert result["series"] == SeriesStats.objects.count()


def test_targets_imported_in_the_admin_recompute_their_indicator_once(
    hon_quan, django_capture_on_commit_callbacks
):
    target = district_target()
    headers = [
        "id",
        "indicator",
        "year",
        "level",
        "unit",
        "comparator",
        "value",
        "value_max",
        "effective_from",
    ]
    row = [target.pk, "DVC-SVC-RATE", 2023, "district", "", ">=", "95", "", target.effective_from]
    dataset = tablib.Dataset(row, headers=headers)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = TargetResource().import_data(dataset, dry_run=False, raise_errors=True)

    assert not result.has_errors()
    assert len(recomputes(callbacks)) == 1
    assert (hon_quan().status, hon_quan().target_value) == (Status.NOT_MET, D("95"))


def test_a_target_changed_inline_on_the_indicator_page_recomputes_it(
    hon_quan, admin_client, django_capture_on_commit_callbacks
):
    indicator = district_target().indicator
    targets = list(indicator.targets.order_by("id"))
    form = {
        "code": indicator.code,
        "name": indicator.name,
        "pillar": indicator.pillar,
        "group": indicator.group,
        "measure": indicator.measure,
        "periodicity": indicator.periodicity,
        "reported_by": '["agency", "district"]',
        "aggregation": indicator.aggregation,
        "direction": indicator.direction,
        "cumulative": indicator.cumulative,
        "owner": indicator.owner_id or "",
        "source": indicator.source,
        "order": indicator.order,
        "targets-TOTAL_FORMS": len(targets),
        "targets-INITIAL_FORMS": len(targets),
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
    }
    for n, t in enumerate(targets):
        form.update(
            {
                f"targets-{n}-id": t.pk,
                f"targets-{n}-indicator": indicator.pk,
                f"targets-{n}-year": t.year,
                f"targets-{n}-level": t.level,
                f"targets-{n}-unit": "",
                f"targets-{n}-comparator": t.comparator,
                f"targets-{n}-value": "95" if t.level == "district" else f"{t.value:f}",
                f"targets-{n}-value_max": "",
                f"targets-{n}-effective_from": t.effective_from,
                f"targets-{n}-deadline": "",
                f"targets-{n}-source_text": t.source_text,
            }
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/indicators/indicator/{indicator.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert district_target().value == D("95")
    assert (hon_quan().status, hon_quan().target_value) == (Status.NOT_MET, D("95"))
