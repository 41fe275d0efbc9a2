"""GraphiQL in a real headless Chromium against a real server, with no internet."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import httpx
import pytest

from app.core.settings import Settings
from tests.conftest import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The full app (lifespan included) under uvicorn; the embedded store unless
    CRM_TEST_MONGODB_URL is set."""
    live = Settings(
        database=settings.database,
        data_file=":memory:",
        mongodb_url=os.environ.get("CRM_TEST_MONGODB_URL"),
    )
    with serve(live) as url:
        yield url


def test_graphiql_runs_a_query_in_headless_chromium(live_server: str) -> None:
    if not os.path.exists(CHROMIUM):
        # CI installs Chromium (.ci/run), so there a missing browser is a failure, not a skip.
        assert not os.environ.get("CI"), f"CI must have Chromium at {CHROMIUM}"
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    create = """mutation { createCustomer(input: {name: "Ada Lovelace", email: "ada@example.com"})
        { userErrors { code } } }"""
    response = httpx.post(f"{live_server}/graphql", json={"query": create}, timeout=10)
    assert response.json()["data"]["createCustomer"]["userErrors"] == []

    query = "{ customers { totalCount edges { node { name email } } } }"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            outside: list[str] = []
            page.on(
                "request",
                lambda request: (
                    outside.append(request.url)
                    if not request.url.startswith((live_server, "data:", "blob:"))
                    else None
                ),
            )
            page.goto(f"{live_server}/graphql")
            editor = page.locator(".graphiql-query-editor .CodeMirror")
            editor.wait_for(timeout=20_000)
            page.evaluate(
                "q => document.querySelector("
                "'.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q)",
                query,
            )
            page.locator(".graphiql-execute-button").click()
            result = page.locator(".graphiql-response")
            result.get_by_text("ada@example.com").wait_for(timeout=20_000)
            assert '"totalCount": 1' in result.inner_text()
            assert outside == []
        finally:
            browser.close()
