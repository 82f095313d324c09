from reports.services import compose_document


def data_sections(document) -> dict:
    return {s["key"]: s for p in document["parts"] if p["kind"] == "data" for s in p["sections"]}


def tables(document) -> dict:
    out = {}
    for s in data_sections(document).values():
        for b in s["blocks"]:
            if b["type"] == "table":
                out[b["key"]] = b
    return out


def narrative(document, key) -> list[str]:
    for s in data_sections(document).values():
        for b in s["blocks"]:
            if b["type"] == "narrative" and b["key"] == key:
                return b["items"]
    raise KeyError(key)


def paragraphs(document, key) -> list[str]:
    return [b["text"] for b in data_sections(document)[key]["blocks"] if b["type"] == "paragraph"]


def unit_rows(table):
    return [r for r in table["rows"] if not (r.get("total") or r.get("heading") or r.get("subheader"))]


def row(table, key):
    return next(r for r in table["rows"] if r["key"] == key)


def document(report):
    return compose_document(report)
