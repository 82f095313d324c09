"""The dashboards' scripts as deployed: a partial plotly bundle, compressed, cached forever by hashed
name, at most 400 KB transferred per page (issue 17)."""

import re

import plotly.graph_objects as go
from django.core.management import call_command
from django.test import Client

from dashboards import charts

BUNDLE = "vendor/plotly/plotly-basic-4.1.1.min.js"
# Trace types the basic bundle draws (plotly.js-basic-dist-min: scatter, bar, pie).
BUNDLE_TRACES = {"scatter", "bar", "pie"}


def test_every_chart_uses_a_trace_type_of_the_bundle():
    indicator = {"code": "DVC-SVC-RATE", "name": "Tỷ lệ", "measure": "percent", "direction": "up"}
    rows = [{"unit_code": "DONGXOAI", "unit_display": "Đồng Xoài", "value": 92.9, "target": 80, "status": "met"}]
    figures = [
        charts.bars_by_unit(indicator, rows),
        charts.trend(indicator, ["2023-07", "2023-08"], [("Toàn tỉnh", {"2023-07": 90, "2023-08": 92.9})], target=80),
    ]
    for figure in figures:
        go.Figure(figure)  # a valid plotly figure
        assert {trace.get("type", "scatter") for trace in figure["data"]} <= BUNDLE_TRACES


def test_the_pages_scripts_go_out_compressed_under_400_kb_and_cached_forever(tmp_path, settings, viewer):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "cds_portal.storage.StaticStorage"}}
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()
    client.force_login(viewer)
    html = client.get("/").content.decode()
    scripts = re.findall(r'<script src="(/static/[^"]+\.js)"', html)
    assert any("/static/vendor/plotly/plotly-basic-4.1.1." in s for s in scripts)
    assert not any("plotly.min" in s for s in scripts)  # the 4.8 MB full bundle is gone
    # Served by WhiteNoise as deployed, from the collected files (brotli and gzip made by collectstatic).
    total = 0
    for src in scripts:
        response = client.get(src, HTTP_ACCEPT_ENCODING="br, gzip")
        assert response.status_code == 200, src
        assert response["Content-Encoding"] == "br", src
        assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"], src
        total += int(response["Content-Length"])
    assert total <= 400 * 1024, f"{total} bytes of scripts"
