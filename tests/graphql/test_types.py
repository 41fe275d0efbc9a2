"""``copied``: the fields a type takes from its document as they are."""

from __future__ import annotations

import pytest

from app.graphql.types import copied, document_key


def test_field_names_map_to_the_documents_camel_case_keys() -> None:
    assert document_key("created_at") == "createdAt"
    assert document_key("macro_f1") == "macroF1"
    assert document_key("name") == "name"


def test_required_fields_must_be_there_and_optional_ones_may_be_missing() -> None:
    doc = {"name": "Ada", "createdAt": 1, "archivedAt": None}
    assert copied(doc, "name", "created_at", optional=("archived_at", "company")) == {
        "name": "Ada",
        "created_at": 1,
        "archived_at": None,
        "company": None,
    }
    with pytest.raises(KeyError):
        copied(doc, "updated_at")
