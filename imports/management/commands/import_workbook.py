"""python manage.py import_workbook FILE [--period YYYY-MM] [--dry-run] [--skip-invalid] [--user USERNAME] [--json]
[--mapping MAPPING.json [--remember]]

Exit codes: 0 committed or a clean dry run, 1 rejected (errors; nothing written), 2 the file cannot
be read (or does not exist). With --json, one JSON object on stdout: batch, status, period, counts
{new, changed, unchanged, skipped}, errors, warnings (lists of {sheet, row, column, cell, value,
message}), plus skipped cells, the detected sheets, `mapping` (every column: {sheet, column letter,
header, indicator or null, how: catalogue | saved | given | ignored | unmapped}; a label table —
indicators down the rows — lists each row label instead: {sheet, column: the value column, row,
header: the printed label, indicator, how}) and `units` (every unit row: {sheet, row, printed, unit or
null, how}).

A column the importer is unsure of (two columns read as one indicator, a header without its time
window beside one with it) is an error naming the columns: nothing is picked. `--mapping FILE` answers
it: {"columns": [{"sheet", "header", "indicator"}], "units": [{"printed", "unit"}]} (indicator null:
ignore the column; for a label table's row, header is the printed label or the value cell 'B7');
`--remember` saves the answers for the sender (the user's unit, or the user) and the sheet's header,
so next month's file imports with how "saved"."""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.periods import is_period, period_message
from imports.services import import_file
from imports.services.mappings import MappingError, read_mapping


class Command(BaseCommand):
    help = "Nhập một tệp Excel báo cáo (kiểm tra, xem trước, ghi số liệu)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", help="Kỳ báo cáo YYYY-MM")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        parser.add_argument("--skip-invalid", action="store_true", help="Ghi các ô hợp lệ, bỏ qua ô lỗi")
        parser.add_argument("--user", help="Nhập với quyền của người dùng này")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
        parser.add_argument("--mapping", help="Tệp JSON chỉ rõ chỉ tiêu của từng cột, đơn vị của từng dòng")
        parser.add_argument("--remember", action="store_true", help="Lưu ánh xạ --mapping cho lần nhập sau")

    def _fail(self, options, code, message):
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "batch": None,
                        "status": "rejected",
                        "period": options.get("period"),
                        "counts": {"new": 0, "changed": 0, "unchanged": 0, "skipped": 0},
                        "errors": [
                            {
                                "sheet": "",
                                "row": None,
                                "column": "",
                                "cell": "",
                                "value": "",
                                "message": message,
                            }
                        ],
                        "warnings": [],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stderr.write(message)
        sys.exit(code)

    def _read_mapping(self, options) -> dict:
        path = Path(options["mapping"])
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            self._fail(options, 2, f"Không tìm thấy tệp ánh xạ {path}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self._fail(options, 1, f"Tệp ánh xạ {path} không phải JSON hợp lệ: {exc}")
        try:
            return read_mapping(data)
        except MappingError as exc:
            self._fail(options, 1, str(exc))

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            self._fail(options, 2, f"Không tìm thấy tệp {path}")
        period = options.get("period")
        if period and not is_period(period):
            self._fail(options, 1, period_message(period))
        user = None
        if options.get("user"):
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                self._fail(options, 1, f"Không có người dùng '{options['user']}'")
        mapping = None
        if options.get("mapping"):
            mapping = self._read_mapping(options)
        elif options.get("remember"):
            self._fail(options, 1, "--remember cần kèm --mapping FILE")
        outcome = import_file(
            path,
            period=period,
            user=user,
            commit=not options["dry_run"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            source_kind="cli",
            mapping=mapping,
            remember_mapping=options.get("remember", False),
        )
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False, default=str))
        else:
            self.stdout.write(
                f"Lô #{outcome.batch.pk if outcome.batch else '-'} · kỳ {outcome.period or '?'} · {outcome.summary()}"
            )
            for e in outcome.errors:
                self.stdout.write(f"  LỖI {e['message']}")
            for w in outcome.warnings:
                self.stdout.write(f"  CẢNH BÁO {w['message']}")
            for s in outcome.skipped:
                self.stdout.write(f"  BỎ QUA {s['sheet']}!{s['cell']}")
        if outcome.exit_code:
            sys.exit(outcome.exit_code)


__all__ = ["Command", "CommandError"]
