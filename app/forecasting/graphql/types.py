"""Sales forecasts, their series, and the job's result."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.forecasting.graphql import loaders
from app.forecasting.graphql.enums import (
    ForecastInterval,
    ForecastLevel,
    ForecastMethod,
    ForecastUnit,
)
from app.forecasting.models import TYPE_NAME
from app.forecasting.repository import ForecastSeriesRepository
from app.graphql.connections import Connection, connection, fetch_page, page_request
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import copied
from app.inventory.models import WAREHOUSE
from app.jobs.models import JobKind
from app.jobs.registry import result_of

if TYPE_CHECKING:
    from app.inventory.graphql.types import Warehouse
    from app.products.graphql.types import Product

ProductType = Annotated["Product", strawberry.lazy("app.products.graphql.types")]
WarehouseType = Annotated["Warehouse", strawberry.lazy("app.inventory.graphql.types")]


@strawberry.type(description="Demand in one period of the history.")
class ForecastPoint:
    period: datetime = strawberry.field(description="The period's start (local midnight).")
    value: float


@strawberry.type(description="The forecast of one period: the point and its intervals.")
class ForecastValue:
    period: datetime
    value: float = strawberry.field(description="The point forecast (a median on log scale).")
    lower80: float
    upper80: float
    lower95: float
    upper95: float


@strawberry.type(description="How the chosen model did on held-back periods of the history.")
class ForecastBacktest:
    mase: float = strawberry.field(
        description="Mean absolute scaled error over the folds (1 = the in-sample seasonal "
        "naive error; lower is better)."
    )
    smape: float = strawberry.field(description="Symmetric MAPE, percent.")
    naive_mase: float = strawberry.field(description="Seasonal naive's MASE on the same folds.")
    folds: int


@strawberry.type(description="One series of a forecast: a product's units, or the total's.")
class ForecastSeries:
    level: ForecastLevel
    unit: ForecastUnit
    currency: str | None = strawberry.field(description="Revenue's currency (minor units).")
    history: list[ForecastPoint]
    forecast: list[ForecastValue]
    model: str = strawberry.field(
        description="The chosen model and its form, e.g. `ETS(A,Ad,A)`; a short history says so."
    )
    method: ForecastMethod
    backtest: ForecastBacktest | None = strawberry.field(
        description="Null when the history is too short to hold periods back, or has no sales."
    )
    product_id: strawberry.Private[ObjectId | None]

    @strawberry.field(description="The product (PRODUCT level).")
    async def product(self, info: Info) -> ProductType | None:
        return await load_node(info, "Product", self.product_id)  # type: ignore[no-any-return]

    @classmethod
    def from_document(cls, doc: Document) -> ForecastSeries:
        scores = doc.get("backtest")
        return cls(
            level=ForecastLevel(doc["level"]),
            unit=ForecastUnit(doc["unit"]),
            currency=doc.get("currency"),
            history=[ForecastPoint(**point) for point in doc["history"]],
            forecast=[ForecastValue(**value) for value in doc["forecast"]],
            model=doc["model"],
            method=ForecastMethod(doc["method"]),
            backtest=ForecastBacktest(
                **copied(scores, "mase", "smape", "naive_mase", "folds")
            ) if scores else None,
            product_id=doc.get("productId"),
        )  # fmt: skip


@strawberry.type(description="How the chosen models did in the backtest, over all series.")
class ForecastAccuracy:
    series: int = strawberry.field(description="Series with a backtest.")
    mase: float | None = strawberry.field(description="Mean MASE of the chosen models.")
    naive_mase: float | None = strawberry.field(description="Mean MASE of seasonal naive.")
    beat_naive: int = strawberry.field(description="Series whose choice beat seasonal naive.")


@strawberry.type(description="A demand forecast as of a date: per product, or the total.")
class SalesForecast(Node):
    id: strawberry.ID
    as_of: datetime
    interval: ForecastInterval
    horizon: int
    level: ForecastLevel
    created_at: datetime
    timezone: str = strawberry.field(description="The zone whose midnights start the periods.")
    season_length: int = strawberry.field(description="Periods per season the models look for.")
    history_from: datetime = strawberry.field(description="The first period of the history.")
    series_count: int
    methods: strawberry.scalars.JSON = strawberry.field(
        description='How many series each method won, e.g. `{"ETS": 120, "TSB": 40}`.'
    )
    accuracy: ForecastAccuracy
    object_id: strawberry.Private[ObjectId]
    warehouse_id: strawberry.Private[ObjectId | None]

    @classmethod
    def from_document(cls, doc: Document) -> SalesForecast:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            object_id=doc["_id"],
            interval=ForecastInterval(doc["interval"]),
            level=ForecastLevel(doc["level"]),
            accuracy=ForecastAccuracy(
                **copied(doc["accuracy"], "series", "mase", "naive_mase", "beat_naive")
            ),
            warehouse_id=doc.get("warehouseId"),
            **copied(
                doc, "as_of", "horizon", "created_at", "timezone", "season_length",
                "history_from", "series_count", "methods",
            ),
        )  # fmt: skip

    @strawberry.field(description="Only this warehouse's orders counted; null: all orders.")
    async def warehouse(self, info: Info) -> WarehouseType | None:
        return await load_node(info, WAREHOUSE, self.warehouse_id)  # type: ignore[no-any-return]

    @strawberry.field(description="The series, largest forecast first.")
    async def series(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ForecastSeries]:
        request = page_request(first, after, None, None)
        repository = info.context.get(ForecastSeriesRepository)
        query = {"forecastId": self.object_id}
        result = await fetch_page(lambda: repository.page(query, repository.list_order, request))
        return connection(result, ForecastSeries.from_document, lambda: repository.count(query))


register_node(TYPE_NAME, SalesForecast.from_document, loaders.forecast)


@result_of(JobKind.SALES_FORECAST)
@strawberry.type(description="The result of a SALES_FORECAST job.")
class SalesForecastResult:
    forecast_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, result: Document) -> SalesForecastResult:
        return cls(forecast_id=result["forecastId"])

    @strawberry.field
    async def forecast(self, info: Info) -> SalesForecast | None:
        document = await loaders.forecast(info, self.forecast_id)
        return SalesForecast.from_document(document) if document else None
