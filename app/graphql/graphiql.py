"""Strawberry's GraphiQL page, served from vendored assets instead of unpkg.

The page keeps its Subresource Integrity attributes, so the browser still checks every file.
"""

from __future__ import annotations

from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

CDN = "https://unpkg.com/"
STATIC_PREFIX = "/static/graphiql/"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "graphiql"


def graphiql_html() -> str:
    return get_graphql_ide_html(graphql_ide="graphiql").replace(CDN, STATIC_PREFIX)
