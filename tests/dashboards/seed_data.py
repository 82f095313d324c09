"""The August 2023 báo cáo chuyên đề (../shared/seeds/bao-cao-chuyen-de-2023-08.txt), keyed in code:
the DVCTT table and the Bình Phước Today table as printed, the previous report's values derived from
the printed "So với …" columns, a few KH57 results and a DTI table. Written through the services
(`record_values` + `recompute_all`), never into the tables directly."""

from decimal import Decimal

from indicators.engine import recompute_all
from indicators.models import DTIPillar, DTIScore
from indicators.services import ValueInput, record_values
from units.models import Unit

# (unit code, printed name, DVC-SVC-RATE, change printed, DVC-FILE-RATE, change printed)
DVCTT_2023_08 = [
    ("SGDDT", "Sở Giáo dục và Đào tạo", "100", "Bằng", "100", "Bằng"),
    ("SCT", "Sở Công Thương", "100", "Bằng", "100", "Bằng"),
    ("SGTVT", "Sở Giao thông vận tải", "100", "Bằng", "100", "Bằng"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "100", "Bằng", "100", "Bằng"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "100", "Bằng", "100", "Bằng"),
    ("SLDTBXH", "Sở LĐ-TB&XH", "100", "Bằng", "100", "Bằng"),
    ("SNV", "Sở Nội vụ", "100", "Bằng", "100", "Bằng"),
    ("SNNPTNT", "Sở NN&PTNT", "100", "Bằng", "100", "Bằng"),
    ("STNMT", "Sở Tài nguyên và Môi trường", "100", "Bằng", "100", "Bằng"),
    ("STTTT", "Sở Thông tin và Truyền thông", "100", "Bằng", "100", "Bằng"),
    ("SXD", "Sở Xây dựng", "100", "Bằng", "100", "Bằng"),
    ("SYT", "Sở Y tế", "100", "Bằng", "100", "Tăng 0,8%"),
    ("SVHTTDL", "Sở VH-TT&DL", "100", "Bằng", "100", "Bằng"),
    ("STP", "Sở Tư pháp", "100", "Bằng", "100", "Bằng"),
    ("CAT", "Công an tỉnh", "100", "Bằng", "100", "Bằng"),
    ("BQLKKT", "Ban Quản lý Khu kinh tế", "100", "Bằng", "100", "Bằng"),
    ("DONGXOAI", "Thành phố Đồng Xoài", "100", "Bằng", "82.1", "Giảm 11,2%"),
    ("DONGPHU", "Huyện Đồng Phú", "100", "Bằng", "99.4", "Bằng"),
    ("CHONTHANH", "Huyện Chơn Thành", "95.2", "Giảm 4,8%", "100", "Bằng"),
    ("BINHLONG", "Thị xã Bình Long", "100", "Bằng", "100", "Bằng"),
    ("PHUOCLONG", "Thị xã Phước Long", "100", "Bằng", "100", "Bằng"),
    ("HONQUAN", "Huyện Hớn Quản", "90.05", "Tăng 0,05%", "100", "Bằng"),
    ("PHURIENG", "Huyện Phú Riềng", "100", "Tăng 10%", "100", "Bằng"),
    ("BUDOP", "Huyện Bù Đốp", "100", "Bằng", "100", "Bằng"),
    ("BUGIAMAP", "Huyện Bù Gia Mập", "100", "Bằng", "100", "Bằng"),
    ("LOCNINH", "Huyện Lộc Ninh", "100", "Bằng", "100", "Bằng"),
    ("BUDANG", "Huyện Bù Đăng", "100", "Bằng", "100", "Tăng 1,3%"),
]
DVCTT_PRINTED_TOTAL = "99"  # "TỔNG 99%" under the DVC-SVC-RATE column

# Bình Phước Today: (unit code, users, increment since the July report), then the printed total.
APP_USERS_2023_08 = [
    ("BUGIAMAP", 664, 19),
    ("BUDANG", 1218, 15),
    ("BUDOP", 749, 14),
    ("CHONTHANH", 1861, 20),
    ("HONQUAN", 749, 8),
    ("LOCNINH", 1791, 7),
    ("PHURIENG", 1864, 765),
    ("DONGPHU", 1124, 58),
    ("DONGXOAI", 3403, 50),
    ("BINHLONG", 619, 10),
    ("PHUOCLONG", 1134, 25),
    ("BP-UNK", 25211, 2682),
]
APP_USERS_TOTAL = (40387, 3673)


def _previous(value: str, printed_change: str) -> Decimal:
    """The previous report's value implied by the printed change ("Giảm 4,8%" → value + 4.8)."""
    v = Decimal(value)
    if printed_change == "Bằng":
        return v
    word, amount = printed_change.split(" ")
    delta = Decimal(amount.rstrip("%").replace(",", "."))
    return v - delta if word == "Tăng" else v + delta


def seed_values() -> list[ValueInput]:
    values = []
    for code, _name, svc, svc_change, file_, file_change in DVCTT_2023_08:
        values += [
            ValueInput("DVC-SVC-RATE", code, "2023-08", Decimal(svc)),
            ValueInput("DVC-FILE-RATE", code, "2023-08", Decimal(file_)),
            ValueInput("DVC-SVC-RATE", code, "2023-07", _previous(svc, svc_change)),
            ValueInput("DVC-FILE-RATE", code, "2023-07", _previous(file_, file_change)),
        ]
    values.append(ValueInput("DVC-SVC-RATE", "BP", "2023-08", Decimal(DVCTT_PRINTED_TOTAL)))
    for code, users, increment in APP_USERS_2023_08:
        values += [
            ValueInput("APP-BPTODAY-USERS", code, "2023-08", Decimal(users)),
            ValueInput("APP-BPTODAY-USERS", code, "2023-07", Decimal(users - increment)),
        ]
    total, increment = APP_USERS_TOTAL
    values += [
        ValueInput("APP-BPTODAY-USERS", "BP", "2023-08", Decimal(total)),
        ValueInput("APP-BPTODAY-USERS", "BP", "2023-07", Decimal(total - increment)),
    ]
    # Tổng đài 1022, year to date (a province-only indicator): 2.095 received by 4/10/2023.
    values += [
        ValueInput("HOT-RECEIVED", "BP", "2023-08", Decimal(2095)),
        ValueInput("HOT-RECEIVED", "BP", "2023-07", Decimal(1728)),
    ]
    # KH57 results of a June half-year report (invented for the test; statuses follow the targets):
    # ≥ 70 met, below not met, a tiered value, and a range target.
    values += [
        ValueInput("HTS-SMARTPHONE", "BP", "2023-06", Decimal("85.5")),
        ValueInput("HTS-FTTH", "BP", "2023-06", Decimal("65")),
        ValueInput("HTS-SMARTPHONE", "BP", "2022-12", Decimal("80")),
        ValueInput(
            "CQS-WORK-ONLINE",
            "BP",
            "2023-06",
            Decimal("95"),
            tiers={"province": "95", "district": "92", "commune": "70"},
        ),
        ValueInput("XHS-EID", "BP", "2023-06", Decimal("25")),
    ]
    return values


# DTI (points per pillar in the catalogue's pillar order); 2023 and 2022 for three agencies and two
# districts. Agency maximum 600, district maximum 700.
DTI_AGENCY = {
    2023: {
        "STTTT": [45, 65, 55, 36, 45, 180, 27, 90],  # 543 = 90,5% Tốt
        "SYT": [40, 50, 45, 30, 40, 150, 20, 75],  # 450 = 75% Khá
        "SGTVT": [30, 40, 35, 25, 30, 100, 15, 60],  # 335 = 55,83% Trung bình
    },
    2022: {
        "STTTT": [40, 60, 50, 30, 40, 160, 25, 85],  # 490
        "SYT": [45, 60, 50, 35, 45, 170, 25, 90],  # 520
        "SGTVT": [20, 30, 25, 20, 20, 80, 10, 50],  # 255
    },
}
DTI_DISTRICT = {
    2023: {
        "DONGXOAI": [55, 28, 55, 60, 40, 140, 90, 80, 95],  # 643 = 91,86% Tốt
        "BUDOP": [30, 15, 30, 30, 20, 70, 40, 50, 55],  # 340 = 48,57% Yếu
    },
    2022: {
        "DONGXOAI": [50, 25, 50, 55, 35, 130, 80, 75, 90],  # 590
        "BUDOP": [30, 15, 30, 30, 20, 80, 50, 50, 60],  # 365
    },
}


def seed_dti() -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in=[*DTI_AGENCY[2023], *DTI_DISTRICT[2023]])}
    rows = []
    for level, table in (("agency", DTI_AGENCY), ("district", DTI_DISTRICT)):
        pillars = list(DTIPillar.objects.filter(level=level).order_by("order"))
        for year, by_unit in table.items():
            for code, points in by_unit.items():
                for pillar, score in zip(pillars, points, strict=True):
                    rows.append(DTIScore(unit=units[code], year=year, pillar=pillar, score=Decimal(score)))
    DTIScore.objects.bulk_create(rows)


def seed_august_report(user) -> None:
    record_values(seed_values(), user=user, source="form")
    recompute_all()
    seed_dti()
