"""Knowledge bases for the tests: a few articles written through the API, and the labelled
set's 96 published articles (the demo's help center)."""

from __future__ import annotations

import json
from typing import Any

from app.core.db import Database
from app.demo.knowledge import knowledge_demo
from app.graphql.relay import encode_id
from app.knowledge.analysis import DATA
from app.knowledge.repository import ArticleRepository
from tests.conftest import GraphQLClient
from tests.factories import ok

CREATE = """mutation($input: CreateArticleInput!) {
  createArticle(input: $input) {
    article { id title status language tags } userErrors { field code message } } }"""
PUBLISH = """mutation($id: ID!) { publishArticle(id: $id) {
  article { id status publishedAt } userErrors { field code message } } }"""
ARCHIVE = """mutation($id: ID!) {
  archiveArticle(id: $id) { article { id status } userErrors { field code message } } }"""

ARTICLES = [
    ("en", "How to return an item", ["returns-refunds"],
     "You can return most items within **30 days** of delivery. Open *Orders*, choose the item "
     "and press **Return**; we email you a prepaid return label to print."),
    ("en", "When will I get my refund?", ["returns-refunds"],
     "Refunds go back to the original payment method within 5-7 business days after the "
     "warehouse receives and checks the returned item."),
    ("en", "Pairing headphones over Bluetooth", ["technical-problem"],
     "Hold the power button for 5 seconds until the light blinks blue, then pick the "
     "headphones in your phone's Bluetooth settings. Remove old pairings if it fails."),
    ("en", "Resetting your password", ["account-login"],
     "On the sign-in page press *Forgot password*, enter your email and follow the link we "
     "send. The link works for 30 minutes."),
    ("zh", "如何开具发票", ["billing-payment"],
     "订单签收后，在“我的订单”详情页点击“申请发票”，填写发票抬头和税号，电子发票会在3个工作日内发到您的邮箱。"),
    ("zh", "退款多久到账", ["returns-refunds"],
     "仓库收到退货并检查无误后，退款会在1-3个工作日内原路退回，支付宝和微信通常当天到账。"),
]  # fmt: skip


async def article(gql: GraphQLClient, language: str, title: str, body: str, **extra: Any) -> Any:
    values = {"language": language, "title": title, "body": body, "tags": [], **extra}
    return ok((await gql(CREATE, input=values))["createArticle"], "article")


async def publish(gql: GraphQLClient, article_id: str) -> Any:
    return ok((await gql(PUBLISH, id=article_id))["publishArticle"], "article")


async def help_center(database: Database) -> dict[str, str]:
    """The labelled set's articles, published (as the demo loads them): key -> Article ID."""
    await knowledge_demo(database.db)
    keys = {
        (a["language"], a["title"]): a["key"]
        for a in map(json.loads, (DATA / "articles.jsonl").read_text().splitlines())
    }
    found = await ArticleRepository(database.db).collection.find({}).to_list()
    return {keys[(a["language"], a["title"])]: encode_id("Article", a["_id"]) for a in found}


async def knowledge_base(gql: GraphQLClient) -> dict[str, str]:
    """The articles above, published: title -> ID."""
    ids = {}
    for language, title, tags, body in ARTICLES:
        made = await article(gql, language, title, body, tags=tags)
        await publish(gql, made["id"])
        ids[title] = made["id"]
    return ids
