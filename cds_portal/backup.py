"""Backups of the database and the stored files (uploaded workbooks, evidence, generated reports).

A backup is one .tar.gz holding `manifest.json`, the database and `media/`:
- PostgreSQL: `database.pgdump`, from `pg_dump --format=custom` (every row, sequences, constraints);
  restored with `pg_restore --clean --if-exists --no-owner`.
- SQLite: `database.sqlite3`, a consistent copy made with SQLite's online backup API.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

from indicators.cache import bump

FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(cmd: list[str], env: dict):
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"Không tìm thấy chương trình {cmd[0]} (cài gói postgresql-client)")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"{cmd[0]} thất bại: {proc.stderr.strip()[:2000]}")


def create_backup(output: Path, *, alias: str = "default") -> dict:
    db = settings.DATABASES[alias]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if engine == "postgresql":
            args, env = _pg_env(db)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(tmp / "database.pgdump"),
                    *args,
                    db["NAME"],
                ],
                env,
            )
            dbfile = "database.pgdump"
        elif engine == "sqlite3":
            connections[alias].close()
            source = sqlite3.connect(db["NAME"])
            target = sqlite3.connect(tmp / "database.sqlite3")
            with target:
                source.backup(target)
            source.close()
            target.close()
            dbfile = "database.sqlite3"
        else:
            raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {engine}")
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "database": dbfile,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "media_files": sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as tar:
            tar.add(tmp / "manifest.json", arcname="manifest.json")
            tar.add(tmp / dbfile, arcname=dbfile)
            if media.exists():
                tar.add(media, arcname="media")
    return manifest


def restore_backup(archive: Path, *, alias: str = "default") -> dict:
    if not archive.exists():
        raise BackupError(f"Không tìm thấy tệp sao lưu {archive}")
    db = settings.DATABASES[alias]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"Tệp sao lưu hỏng hoặc không đúng định dạng: {exc}") from None
        try:
            manifest = json.loads((tmp / "manifest.json").read_text())
        except (OSError, ValueError):
            raise BackupError("Tệp sao lưu thiếu manifest.json") from None
        if manifest.get("engine") != engine:
            raise BackupError(
                f"Bản sao lưu là của {manifest.get('engine')}, cơ sở dữ liệu hiện tại là {engine}"
            )
        connections[alias].close()
        if engine == "postgresql":
            args, env = _pg_env(db)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    "-d",
                    db["NAME"],
                    str(tmp / manifest["database"]),
                ],
                env,
            )
        else:
            source = sqlite3.connect(tmp / manifest["database"])
            target = sqlite3.connect(db["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
        if (tmp / "media").exists():
            media = Path(settings.MEDIA_ROOT)
            media.mkdir(parents=True, exist_ok=True)
            shutil.copytree(tmp / "media", media, dirs_exist_ok=True)
    if alias == "default":
        bump()  # pages and API answers cached before the restore showed other data
    return manifest
