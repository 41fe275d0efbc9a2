"""Articles: writing, the publishing states, listing and search; what a customer may read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.auth.roles import Role
from tests import factories
from tests.conftest import GraphQLClient, as_customer
from tests.knowledge.conftest import ARCHIVE, CREATE, PUBLISH, article, knowledge_base, publish

UPDATE = """mutation($id: ID!, $input: UpdateArticleInput!) {
  updateArticle(id: $id, input: $input) {
    article { id title body tags updatedAt } userErrors { field code message } } }"""
LIST = """query($filter: ArticleFilter, $search: String) {
  articles(filter: $filter, search: $search, first: 20) {
    totalCount edges { node { title language tags } } } }"""


def errors(payload: dict[str, object]) -> set[tuple[object, object]]:
    return {(e["field"], e["code"]) for e in payload["userErrors"]}  # type: ignore[attr-defined]


async def test_an_article_is_written_published_and_withdrawn(gql: GraphQLClient) -> None:
    draft = await article(gql, "en", "Gift cards", "Gift cards never expire.", tags=["pricing"])
    assert (draft["status"], draft["tags"]) == ("DRAFT", ["pricing"])
    data = await gql(UPDATE, id=draft["id"], input={"body": "Gift cards never expire. Ever."})
    assert data["updateArticle"]["article"]["body"] == "Gift cards never expire. Ever."
    published = await publish(gql, draft["id"])
    assert published["status"] == "PUBLISHED"
    assert published["publishedAt"] is not None
    data = await gql(PUBLISH, id=draft["id"])
    assert errors(data["publishArticle"]) == {("status", "INVALID_TRANSITION")}
    data = await gql(ARCHIVE, id=draft["id"])
    assert data["archiveArticle"]["article"]["status"] == "ARCHIVED"
    assert (await publish(gql, draft["id"]))["status"] == "PUBLISHED"  # it may come back


async def test_bad_articles_are_refused_and_nothing_is_written(gql: GraphQLClient) -> None:
    bad = {"language": "fr", "title": " ", "body": "x" * 50_001, "tags": ["no-such-tag"]}
    data = await gql(CREATE, input=bad)
    assert errors(data["createArticle"]) == {
        ("language", "INVALID"),
        ("title", "REQUIRED"),
        ("body", "TOO_LONG"),
        ("tags.0", "NOT_FOUND"),
    }
    assert (await gql(LIST))["articles"]["totalCount"] == 0
    made = await article(gql, "en", "Gift cards", "Never expire.")
    data = await gql(UPDATE, id=made["id"], input={"title": None, "language": "de"})
    assert errors(data["updateArticle"]) == {("title", "REQUIRED"), ("language", "INVALID")}
    listed = (await gql(LIST))["articles"]["edges"]
    assert [e["node"]["title"] for e in listed] == ["Gift cards"]


async def test_articles_filter_by_language_status_and_tag_and_search(gql: GraphQLClient) -> None:
    await knowledge_base(gql)
    await article(gql, "en", "Draft about refunds", "Not yet.", tags=["returns-refunds"])

    async def titles(**arguments: object) -> set[str]:
        edges = (await gql(LIST, **arguments))["articles"]["edges"]
        return {e["node"]["title"] for e in edges}

    assert await titles(filter={"language": "zh"}) == {"如何开具发票", "退款多久到账"}
    assert await titles(filter={"status": ["DRAFT"]}) == {"Draft about refunds"}
    assert await titles(filter={"tags": ["returns-refunds"], "language": "en"}) == {
        "How to return an item",
        "When will I get my refund?",
        "Draft about refunds",
    }
    assert await titles(search="bluetooth") == {"Pairing headphones over Bluetooth"}


async def test_a_customer_reads_published_articles_only(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    manager = await as_role(Role.MANAGER)
    ids = await knowledge_base(manager)
    draft = await article(manager, "en", "Unreleased policy", "Secret.")
    customer = await factories.customer(manager, "Ada Lovelace")
    portal = as_customer(manager, customer["id"])
    listed = (await portal(LIST))["articles"]
    assert listed["totalCount"] == len(ids)
    assert "Unreleased policy" not in {e["node"]["title"] for e in listed["edges"]}
    drafts = await portal(LIST, filter={"status": ["DRAFT"]})
    assert drafts["articles"]["totalCount"] == 0
    searched = (await portal(LIST, search="secret password"))["articles"]["edges"]
    assert [e["node"]["title"] for e in searched] == ["Resetting your password"]
    one = "query($id: ID!) { article(id: $id) { title } }"
    assert (await portal(one, id=draft["id"]))["article"] is None
    assert (await manager(one, id=draft["id"]))["article"] == {"title": "Unreleased policy"}
    refused = await portal.errors(CREATE, input={"language": "en", "title": "x", "body": "y"})
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"
    view = """mutation($id: ID!) { recordArticleView(articleId: $id) {
        article { title } userErrors { field code } } }"""
    assert (await portal(view, id=ids["Resetting your password"]))["recordArticleView"] == {
        "article": {"title": "Resetting your password"},
        "userErrors": [],
    }
    views = "query($id: ID!) { article(id: $id) { views } }"
    assert (await manager(views, id=ids["Resetting your password"]))["article"] == {"views": 1}
    assert (await portal.errors(views, id=ids["Resetting your password"]))[0]["extensions"][
        "code"
    ] == "FORBIDDEN"  # the counters are the desk's
    hidden = (await portal(view, id=draft["id"]))["recordArticleView"]
    assert hidden == {"article": None, "userErrors": [{"field": "articleId", "code": "NOT_FOUND"}]}
