"""Every repository, whose indexes start-up creates (server, worker and CLI commands alike).

A light module: it imports repositories only, so a CLI command that needs the indexes in place
does not load the GraphQL schema or the models' libraries.
"""

from __future__ import annotations

from app.audit.repository import AuditRepository
from app.auth.rate_limits import RateLimitRepository
from app.auth.repository import ApiKeyRepository
from app.campaigns.repository import (
    CampaignAssignmentRepository,
    CampaignEventRepository,
    CampaignRepository,
)
from app.core.counters import CounterRepository
from app.core.idempotency import IdempotencyRepository
from app.customers.repository import CustomerRepository
from app.exports.files import ExportFiles
from app.forecasting.repository import ForecastSeriesRepository, SalesForecastRepository
from app.imports.files import ImportFiles
from app.inventory.repository import (
    FulfilmentRepository,
    StockLevelRepository,
    StockLotRepository,
    StockMoveRepository,
    WarehouseRepository,
)
from app.jobs.repository import JobRepository
from app.knowledge.repository import ArticleRepository
from app.orders.repository import OrderRepository
from app.products.repository import ProductRepository
from app.propensity.repository import PropensityModelRepository, PropensityScoreRepository
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from app.tagging.repository import ExampleRepository, TaggerModelRepository, TagRepository
from app.tickets.repository import TicketRepository
from app.webhooks.repository import WebhookDeliveryRepository, WebhookEndpointRepository
from app.workflow.repository import (
    AgentRepository,
    BusinessHoursRepository,
    RuleRepository,
    RuleRunRepository,
    SetupRepository,
    SlaPolicyRepository,
    TaskRepository,
    TeamRepository,
)

REPOSITORIES = (
    ApiKeyRepository,
    AuditRepository,
    CustomerRepository,
    ProductRepository,
    OrderRepository,
    TicketRepository,
    ArticleRepository,
    CounterRepository,
    RateLimitRepository,
    JobRepository,
    SegmentationRunRepository,
    AssignmentRepository,
    PropensityModelRepository,
    PropensityScoreRepository,
    TagRepository,
    TaggerModelRepository,
    ExampleRepository,
    ImportFiles,
    ExportFiles,
    IdempotencyRepository,
    WarehouseRepository,
    StockLevelRepository,
    StockLotRepository,
    StockMoveRepository,
    FulfilmentRepository,
    SalesForecastRepository,
    ForecastSeriesRepository,
    AgentRepository,
    TeamRepository,
    RuleRepository,
    RuleRunRepository,
    BusinessHoursRepository,
    SlaPolicyRepository,
    TaskRepository,
    SetupRepository,
    CampaignRepository,
    CampaignAssignmentRepository,
    CampaignEventRepository,
    WebhookEndpointRepository,
    WebhookDeliveryRepository,
)
