"""The data tables of the January and August 2023 reports as printed (../shared/seeds/), by unit code.

Tests write the values through `indicators.services.record_values` (plus the previous month implied by
the printed `So với báo cáo…` columns) and compare the generated tables with these rows."""

import re
from decimal import Decimal

# (unit, DVC-SVC-RATE, change, status, DVC-FILE-RATE, change, status) in printed order.
AUGUST_DVC = [
    ("SGDDT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SCT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SGTVT", "100,00%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SKHDT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SKHCN", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SLDTBXH", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SNV", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SNNPTNT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("STNMT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("STTTT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SXD", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SYT", "100%", "Bằng", "Đạt", "100,00%", "Tăng 0,8%", "Đạt"),
    ("SVHTTDL", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("STP", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("CAT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("BQLKKT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("DONGXOAI", "100%", "Bằng", "Đạt", "82,1%", "Giảm 11,2%", "Đạt"),
    ("DONGPHU", "100%", "Bằng", "Đạt", "99,4%", "Bằng", "Đạt"),
    ("CHONTHANH", "95,20%", "Giảm 4,8%", "Đạt", "100%", "Bằng", "Đạt"),
    ("BINHLONG", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("PHUOCLONG", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("HONQUAN", "90,05%", "Tăng 0,05%", "Đạt", "100%", "Bằng", "Đạt"),
    ("PHURIENG", "100%", "Tăng 10%", "Đạt", "100%", "Bằng", "Đạt"),
    ("BUDOP", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("BUGIAMAP", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("LOCNINH", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("BUDANG", "100%", "Bằng", "Đạt", "100%", "Tăng 1,3%", "Đạt"),
]
AUGUST_DVC_TOTAL = "99%"  # TỔNG: C32 (E32 and H32 print "Đạt")

JANUARY_DVC = [
    ("SGDDT", "100%", "Bằng", "Đạt", "98,9", "Tăng 0,9%", "Đạt"),
    ("SCT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SGTVT", "92,90%", "Giảm 7,1%", "Đạt", "97%", "Giảm 0,3%", "Đạt"),
    ("SKHDT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SKHCN", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SLDTBXH", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SNV", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SNNPTNT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("STNMT", "100%", "Bằng", "Đạt", "100%", "Tăng 1%", "Đạt"),
    ("STTTT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SXD", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SYT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("SVHTTDL", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("STP", "100%", "Bằng", "Đạt", "99,10%", "Bằng", "Đạt"),
    ("CAT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("BQLKKT", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("DONGXOAI", "100%", "Bằng", "Đạt", "99,60%", "Giảm 0,4%", "Đạt"),
    ("DONGPHU", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("CHONTHANH", "94,70%", "Giảm 0,8%", "Đạt", "100%", "Bằng", "Đạt"),
    ("BINHLONG", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("PHUOCLONG", "100%", "Bằng", "Đạt", "99,10%", "Giảm 0,9%", "Đạt"),
    ("HONQUAN", "88,90%", "Giảm 4%", "Đạt", "100%", "Bằng", "Đạt"),
    ("PHURIENG", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("BUDOP", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("BUGIAMAP", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
    ("LOCNINH", "100%", "Tăng 7,1%", "Đạt", "100%", "Bằng", "Đạt"),
    ("BUDANG", "100%", "Bằng", "Đạt", "100%", "Bằng", "Đạt"),
]

# (unit, users, increase since the previous report) in printed order; then the printed Tổng.
AUGUST_APP = [
    ("BUGIAMAP", "664", "19"),
    ("BUDANG", "1.218", "15"),
    ("BUDOP", "749", "14"),
    ("CHONTHANH", "1.861", "20"),
    ("HONQUAN", "749", "8"),
    ("LOCNINH", "1.791", "7"),
    ("PHURIENG", "1.864", "765"),
    ("DONGPHU", "1.124", "58"),
    ("DONGXOAI", "3.403", "50"),
    ("BINHLONG", "619", "10"),
    ("PHUOCLONG", "1.134", "25"),
    ("BP-UNK", "25.211", "2.682"),
]
AUGUST_APP_TOTAL = ("40.387", "3.673")
JANUARY_APP = [
    ("DONGXOAI", "2.960", "46"),
    ("PHUOCLONG", "926", "12"),
    ("BINHLONG", "572", "07"),
    ("BUGIAMAP", "559", "34"),
    ("LOCNINH", "1.613", "11"),
    ("BUDOP", "686", "04"),
    ("HONQUAN", "659", "07"),
    ("DONGPHU", "873", "09"),
    ("BUDANG", "1.080", "14"),
    ("CHONTHANH", "1.661", "27"),
    ("PHURIENG", "378", "38"),
    ("BP-UNK", "12.608", "1.336"),
]
JANUARY_APP_TOTAL = ("24.575", "1.545")

# (unit, eCabinet meetings YTD, e-signed %, QLVB %, e-mail %) in printed order.
AUGUST_SOFTWARE = [
    ("SGDDT", "0", "90,00%", "100%", "93,62%"),
    ("SCT", "3", "89%", "100%", "97,96%"),
    ("SGTVT", "0", "97%", "100%", "95,56%"),
    ("SKHDT", "11", "100%", "100%", "100,00%"),
    ("SKHCN", "49", "94,00%", "100%", "92,45%"),
    ("SLDTBXH", "82", "99,00%", "100%", "91,58%"),
    ("SNV", "45", "96%", "100%", "89,83%"),
    ("SNNPTNT", "198", "95%", "100%", "80,18%"),
    ("STNMT", "0", "96%", "100%", "91,85%"),
    ("SXD", "3", "93%", "100%", "69,44%"),
    ("SVHTTDL", "0", "98%", "100%", "100,00%"),
    ("SYT", "0", "90,00%", "100%", "96,94%"),
    ("STTTT", "176", "94,00%", "100%", "100,00%"),
    ("STP", "97", "99%", "100%", "85,71%"),
    ("STC", "0", "92%", "100%", "91,67%"),
    ("SNGV", "4", "99%", "100%", "100,00%"),
    ("CAT", "0", "99%", "100%", "23,36%"),
    ("BQLKKT", "0", "100,00%", "100%", "85,42%"),
    ("BDT", "1", "100%", "100%", "100%"),
    ("TTT", "1", "63%", "100%", "93,94%"),
    ("TTXTDT", "0", "0%", "100%", "100,00%"),
    ("DONGXOAI", "1381", "89%", "100%", "80%"),
    ("DONGPHU", "0", "44%", "100%", "93,08%"),
    ("CHONTHANH", "60", "69%", "100%", "57,22%"),
    ("BINHLONG", "41", "48%", "100%", "72,26%"),
    ("PHUOCLONG", "117", "95%", "100%", "61%"),
    ("HONQUAN", "2", "76%", "100%", "43,58%"),
    ("PHURIENG", "2", "78%", "100%", "88,92%"),
    ("BUDOP", "0", "89%", "100%", "57,76%"),
    ("BUGIAMAP", "1", "58%", "100%", "87,71%"),
    ("LOCNINH", "77", "73%", "100%", "87,04%"),
    ("BUDANG", "120", "68%", "100%", "61,16%"),
    ("VPUBND", "1067", "96%", "100%", "97,01%"),
]
JANUARY_SOFTWARE = [
    ("SGDDT", "0", "92.70%", "100%", "93,75%"),
    ("SCT", "0", "80,63%", "100%", "97,96%"),
    ("SGTVT", "0", "0,00%", "100%", "95,74%"),
    ("SKHDT", "0", "92,24%", "100%", "97,92%"),
    ("SKHCN", "24", "92%", "100%", "92,86%"),
    ("SLDTBXH", "82", "92,65%", "100%", "90,38%"),
    ("SNV", "40", "93,24%", "100%", "96,55%"),
    ("SNNPTNT", "107", "78,63%", "100%", "82,77%"),
    ("STNMT", "0", "84,04%", "100%", "91,72%"),
    ("SXD", "2", "97,06%", "100%", "100,00%"),
    ("SVHTTDL", "0", "98,92%", "100%", "100,00%"),
    ("SYT", "0", "91,50%", "100%", "96,94%"),
    ("STTTT", "142", "93%", "100%", "100,00%"),
    ("STP", "87", "96,31%", "100%", "84,29%"),
    ("STC", "0", "89,97%", "100%", "91,84%"),
    ("SNGV", "0", "92,68%", "100%", "100,00%"),
    ("CAT", "0", "95,59%", "100%", "40,29%"),
    ("BQLKKT", "0", "80%", "100%", "85,19%"),
    ("BDT", "1", "99,60%", "100%", "100,00%"),
    ("TTT", "1", "28,57%", "100%", "96,97%"),
    ("TTXTDT", "0", "0%", "100%", "100,00%"),
    ("DONGXOAI", "1.039", "76.78%", "100%", "48,59%"),
    ("DONGPHU", "0", "20,03%", "100%", "97,54%"),
    ("CHONTHANH", "0", "20,85%", "100%", "67,20%"),
    ("BINHLONG", "37", "46,92%", "100%", "65,56%"),
    ("PHUOCLONG", "106", "96,00%", "100%", "59,86%"),
    ("HONQUAN", "2", "88,01%", "100%", "43,54%"),
    ("PHURIENG", "0", "84,80%", "100%", "87,55%"),
    ("BUDOP", "0", "0,51%", "100%", "65,61%"),
    ("BUGIAMAP", "1", "0,31%", "100%", "91,62%"),
    ("LOCNINH", "52", "42,99%", "100%", "78,16%"),
    ("BUDANG", "67", "53,99%", "100%", "46,15%"),
    ("VPUBND", "773", "51,15%", "100%", "98,28%"),
]

# January only: (district, commune teams, rate, commune members, hamlet teams, hamlet members); Tổng.
JANUARY_CNSCD = [
    ("DONGXOAI", "8", "100%", "134", "52", "459"),
    ("PHUOCLONG", "7", "100%", "97", "42", "317"),
    ("HONQUAN", "13", "100%", "201", "102", "658"),
    ("DONGPHU", "11", "100%", "163", "73", "480"),
    ("LOCNINH", "16", "100%", "229", "131", "866"),
    ("BINHLONG", "6", "100%", "92", "54", "410"),
    ("PHURIENG", "10", "100%", "157", "82", "634"),
    ("CHONTHANH", "9", "100%", "130", "70", "483"),
    ("BUGIAMAP", "8", "100%", "128", "68", "447"),
    ("BUDOP", "7", "100%", "108", "52", "352"),
    ("BUDANG", "16", "100%", "241", "117", "856"),
]
JANUARY_CNSCD_TOTAL = ("111", "100%", "1.680", "843", "5.962")

ECERT_CODES = (
    "ECERT-WAIT-SIGN",
    "ECERT-WAIT-SEAL",
    "ECERT-DONE",
    "ECERT-CANCELLED",
    "ECERT-REJECTED",
    "ECERT-TOTAL",
)
AUGUST_ECERT = ("2.131", "2.276", "106.314", "507", "1.051", "112.279")
JANUARY_ECERT = ("758", "1.098", "80.863", "399", "1.041", "84.159")

# August only, month group (G–J) and year group (K–N) as printed; Bù Đăng's year count prints "2,73"
# (the importer's suggestion from the Tổng, 2.730, is what staff accept).
TAX_CODES = (
    "TAX-NVTC-COUNT", "TAX-NVTC-AMOUNT", "TAX-FEE-COUNT", "TAX-FEE-AMOUNT",
    "TAX-NVTC-COUNT-YTD", "TAX-NVTC-AMOUNT-YTD", "TAX-FEE-COUNT-YTD", "TAX-FEE-AMOUNT-YTD",
)  # fmt: skip
AUGUST_TAX = [
    (
        "DONGXOAI",
        "543",
        "5,144,126,233",
        "1,183",
        "217,778,100",
        "6,488",
        "91,538,815,140",
        "11,097",
        "2,425,179,100",
    ),
    ("BINHLONG", "205", "750,508,121", "89", "6,448,001", "2,252", "7,527,434,548", "857", "105,809,836"),
    ("PHUOCLONG", "64", "1,198,549,242", "41", "4,165,000", "1,011", "7,071,946,247", "377", "28,575,000"),
    ("BUDANG", "307", "1,782,544,001", "106", "2,161,001", "2,730", "12,000,253,783", "1,345", "23,070,047"),
    ("BUDOP", "221", "304,534,653", "8", "50", "1,909", "2,727,551,129", "197", "1,364,000"),
    ("BUGIAMAP", "11", "205,802,620", "1", "40", "658", "4,369,615,535", "7", "270"),
    ("CHONTHANH", "105", "437,708,974", "21", "1,650,000", "767", "3,622,080,766", "418", "14,053,100"),
    ("DONGPHU", "117", "1,382,272,403", "-", "-", "1,396", "10,081,831,057", "-", "-"),
    ("HONQUAN", "235", "518,713,869", "16", "161", "1,864", "7,935,842,792", "213", "2,879,080"),
    ("LOCNINH", "28", "37,721,040", "3", "15", "749", "2,680,984,898", "39", "327"),
    ("PHURIENG", "248", "1,144,476,390", "120", "8,256,000", "2,554", "11,574,627,315", "967", "56,331,000"),
]
AUGUST_TAX_TOTAL = (
    "2,084", "12,906,957,546", "1,588", "240,724,102", "22,378", "161,130,983,210", "15,517", "2,657,858,163",
)  # fmt: skip
AUGUST_TAX_GRAND = ("3,672", "13,147,681,648", "37,895", "163,788,841,373")

HOTLINE_CODES = ("HOT-RECEIVED", "HOT-DONE", "HOT-OPEN", "HOT-SPAM", "HOT-LATE-STAFF", "HOT-LATE-LEAD")
AUGUST_HOTLINE = ("2095", "2032", "4", "52", "1", "6")
JANUARY_HOTLINE = ("1515", "1504", None, None, None, None)
AUGUST_MEDIA = ("437", "1452")
JANUARY_MEDIA = ("32", "1015")


def number(printed: str) -> Decimal | None:
    """The value a printed cell stands for: "95,20%" → 95.20, "1.039" → 1039, "591,420,084" (the tax
    table's comma grouping) → 591420084, "-" → 0, "92.70%" (a dot decimal) → 92.70."""
    text = printed.strip().rstrip("%").strip()
    if text == "-":
        return Decimal(0)
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        return Decimal(text.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        return Decimal(text.replace(".", ""))
    return Decimal(text.replace(",", "."))


def as_generated(printed: str) -> str:
    """A printed cell in the product's one Vietnamese format: no trailing decimal zeros ("95,20%" →
    "95,2%", "100,00%" → "100%"), no leading zeros ("07" → "7"), dot thousands ("2,084" → "2.084"),
    comma decimals ("92.70%" → "92,7%"). Words (Bằng, Tăng 0,9%, Đạt) are unchanged."""
    text = printed.strip()
    if not re.fullmatch(r"[\d.,]+%?", text):
        return text
    percent = text.endswith("%")
    value = number(text)
    whole, _, frac = f"{value:f}".partition(".")
    frac = frac.rstrip("0")
    whole = f"{int(whole):,}".replace(",", ".")
    out = whole + ("," + frac if frac else "")
    return out + ("%" if percent else "")
