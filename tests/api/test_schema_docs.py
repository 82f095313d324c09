"""The API docs are Vietnamese (issue 17): every operation has Vietnamese tags and its own Vietnamese
summary, and no English sentence leaks into the schema (the shared base class's docstring used to be
every operation's description; DRF's pagination and django-filter's help texts are English too)."""

import re

import pytest

VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
ENGLISH = re.compile(
    r"\b(the|of|and|is|are|every|this|which|results?|returns?|page|index|identifying|unique|separated|"
    r"multiple|may|be|with|for|token-based|authentication|required|prefix|initial|shares|should|"
    r"what|who|only|one|our|view|views|by|its|never|database|too)\b",
    re.I,
)
METHODS = {"get", "put", "patch", "post", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def texts(node, where=""):
    """Every human-readable string of the schema: summaries, descriptions, titles."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("summary", "description", "title") and isinstance(value, str):
                yield f"{where}/{key}", value
            else:
                yield from texts(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from texts(value, f"{where}/{i}")


def test_every_operation_has_its_own_vietnamese_summary(schema):
    missing = [name for name, op in operations(schema) if not VIETNAMESE.search(op.get("summary") or "")]
    assert missing == []
    summaries = [op["summary"] for _, op in operations(schema)]
    assert len(set(summaries)) == len(summaries), "two operations share a summary"


def test_every_operation_has_vietnamese_tags(schema):
    bad = {
        name: op.get("tags")
        for name, op in operations(schema)
        if not op.get("tags") or not all(VIETNAMESE.search(tag) for tag in op["tags"])
    }
    assert bad == {}


def test_no_operation_carries_a_shared_docstring(schema):
    descriptions = [op.get("description", "") for _, op in operations(schema) if op.get("description")]
    assert all(VIETNAMESE.search(d) for d in descriptions)
    assert len(set(descriptions)) == len(descriptions), "two operations share a description"


def test_no_english_sentence_anywhere_in_the_schema(schema):
    english = {where: text for where, text in texts(schema) if ENGLISH.search(text)}
    assert english == {}


def test_the_checks_would_catch_english():
    assert ENGLISH.search("What every API view of ours shares: access, throttling")
    assert ENGLISH.search("Number of results to return per page.")
    assert not ENGLISH.search("Số liệu (lọc theo chỉ tiêu, đơn vị, kỳ YYYY-MM); định dạng json, csv, xlsx")
    assert VIETNAMESE.search("Đơn vị") and not VIETNAMESE.search("imports")
