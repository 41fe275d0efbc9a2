"""The committed SDL is what the code exports, and the example operations are valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import strawberry
from graphql import parse, validate

from app.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = sorted((ROOT / "schema" / "operations").glob("*.graphql"))


def test_committed_schema_is_not_stale(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-schema"]) == 0
    exported = capsys.readouterr().out
    committed = (ROOT / "schema" / "schema.graphql").read_text()
    assert exported == committed, "schema/schema.graphql is stale: run `make schema`"


def test_there_are_example_operations() -> None:
    assert len(OPERATIONS) >= 3


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.name)
def test_example_operation_is_valid(schema: strawberry.Schema, path: Path) -> None:
    errors = validate(schema._schema, parse(path.read_text()))
    assert errors == []
