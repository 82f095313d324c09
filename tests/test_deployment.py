import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(settings.BASE_DIR)


def test_docker_compose_file_parses(tmp_path):
    tool = shutil.which("docker-compose")
    if tool is None:
        if REQUIRE_SERVICES:
            pytest.fail("docker-compose is not installed (Debian package docker-compose)")
        pytest.skip("docker-compose is not installed")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    out = subprocess.run([tool, "config", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    services = subprocess.run([tool, "config", "--services"], cwd=tmp_path, capture_output=True, text=True)
    assert sorted(services.stdout.split()) == ["beat", "db", "migrate", "redis", "web", "worker"]


def test_every_setting_is_documented():
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    source = (ROOT / "cds_portal" / "settings.py").read_text()
    import re

    names = set(re.findall(r'env(?:str|bool|int|list)\("([A-Z_]+)"', source))
    assert names, "no settings found"
    for name in sorted(names):
        assert f"{name}=" in example or f"# {name}" in example, f"{name} missing from .env.example"
        assert f"`{name}`" in readme or f"`{name}` (or" in readme, f"{name} missing from README"


def test_production_static_urls_are_hashed_and_worked_out_once(tmp_path, settings):
    """The production storage (WhiteNoise's manifest) gives hashed URLs; ours remembers each one."""
    from django.core.management import call_command
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from cds_portal.storage import StaticStorage

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "cds_portal.storage.StaticStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    ours, theirs = StaticStorage(location=settings.STATIC_ROOT), CompressedManifestStaticFilesStorage(
        location=settings.STATIC_ROOT
    )
    url = ours.url("css/app.css")
    assert url == theirs.url("css/app.css") and re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", url)
    assert ours._url_memo == {"css/app.css": url}
    assert ours.url("css/app.css") is url
