"""Vietnamese everywhere (issue 17): the admin showed "Unit:", "Pillar:" and English model names.
Every model and field of ours has a Vietnamese verbose name (Django's default is the attribute name)."""

import re

import pytest
from django.apps import apps

OUR_APPS = {"units", "indicators", "entry", "imports", "reports", "plans"}


def _default(name: str) -> str:
    return name.replace("_", " ")


def test_every_model_and_field_has_a_vietnamese_verbose_name():
    missing = []
    for model in apps.get_models():
        opts = model._meta
        if opts.app_label not in OUR_APPS:
            continue
        words = " ".join(re.findall(r"[A-Z][a-z]*", model.__name__)).lower()
        if str(opts.verbose_name) in (model.__name__.lower(), words):
            missing.append(opts.label)
        if str(opts.verbose_name_plural).endswith(f"{opts.verbose_name}s"):
            missing.append(f"{opts.label} (plural)")
        for field in opts.concrete_fields:
            if field.name == "pk":  # a composite primary key has no label of its own
                continue
            if str(field.verbose_name) == _default(field.name):
                missing.append(f"{opts.label}.{field.name}")
    assert missing == []


@pytest.mark.django_db
def test_the_admin_labels_fields_in_vietnamese(client, staff):
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    html = client.get("/admin/indicators/dtiscore/add/").content.decode()
    assert ">Đơn vị:</label>" in html and ">Trụ cột:</label>" in html
    assert ">Unit:</label>" not in html and ">Pillar:</label>" not in html
    html = client.get("/admin/indicators/target/add/").content.decode()
    assert ">Chỉ tiêu:</label>" in html and ">Indicator:</label>" not in html
