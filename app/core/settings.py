"""Process settings, read once from the environment (prefix ``CRM_``)."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseSettings):
    """Everything the process can be told from outside; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="CRM_", frozen=True)

    mongodb_url: str | None = Field(
        default=None,
        description="MongoDB connection string; unset means the embedded mongoeco server.",
    )
    database: str = "crm"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    data_file: str = Field(
        default=".data/crm.sqlite",
        description="SQLite file of the embedded store; ':memory:' for a throwaway store.",
    )
    env: Literal["development", "production"] = "development"
    log_format: Literal["text", "json"] = Field(
        default="text", description="One line per event: readable text, or JSON lines."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    graphiql: bool | None = Field(
        default=None, description="Serve GraphiQL at /graphql; default: on in development only."
    )
    max_query_depth: int = Field(default=10, ge=2, le=50)
    max_aliases: int = Field(default=30, ge=1, le=1000)
    max_tokens: int = Field(default=5000, ge=100, le=100_000)
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, le=100_000_000)
    max_upload_bytes: int = Field(
        default=50_000_000, ge=1_000, le=2_000_000_000, description="Largest import file."
    )
    max_query_cost: int = Field(default=20_000, ge=10)
    rate_limit_cost_per_minute: int = Field(default=200_000, ge=10)
    api_key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="How long a process trusts an API key it checked; a key revoked elsewhere "
        "stops working within this time (at once in the process that revoked it). 0: check "
        "every request.",
    )
    introspection: bool | None = Field(
        default=None, description="Allow introspection; default: on in development only."
    )
    cors_origins: str = Field(
        default="",
        description="Comma-separated origins allowed for CORS and websockets; empty: none.",
    )
    embedded_worker: bool = Field(
        default=True, description="Run a job worker and the automatic tagger inside `crm serve`."
    )
    job_lease_seconds: float = Field(default=30.0, gt=0.1, le=3600)
    job_poll_seconds: float = Field(default=1.0, gt=0.01, le=60)
    job_retry_base_seconds: float = Field(default=5.0, ge=0, le=3600)
    write_batch_size: int = Field(
        default=1000, ge=1, le=100_000, description="Most documents per bulk write in jobs."
    )
    write_batch_seconds: float = Field(
        default=0.25,
        gt=0,
        le=60,
        description="How long one bulk write of a job should take; batches are sized to it.",
    )
    keep_segmentation_runs: int = Field(
        default=5, ge=1, le=1000, description="Complete segmentation runs kept; older go."
    )
    rule_sweep_seconds: float = Field(
        default=300.0,
        gt=0.05,
        le=86_400,
        description="How often the workflow sweep runs: SLA breaches, scheduled rules, queues.",
    )
    keep_sales_forecasts: int = Field(
        default=20, ge=1, le=1000, description="Complete sales forecasts kept; older go."
    )
    timezone: str = Field(
        default="UTC", description="The zone whose midnights start forecast periods (IANA name)."
    )
    forecast_processes: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Worker processes for a forecast's models; 0: one thread of this process.",
    )
    backup_dir: str | None = Field(
        default=None, description="Where `crm backup` and scheduled backups write archives."
    )
    backup_every: str | None = Field(
        default=None,
        pattern=r"^[1-9][0-9]*[mhd]$",
        description="Scheduled backups (BACKUP jobs) this often: 30m, 24h, 7d; needs backup_dir.",
    )
    backup_keep: int = Field(
        default=7, ge=1, le=10_000, description="Scheduled archives kept; older ones go."
    )
    jwt_secret: SecretStr | None = Field(default=None, description="HS256 shared secret.")
    export_secret: SecretStr | None = Field(
        default=None, description="Signs export download links (default: the JWT secret)."
    )
    export_ttl: int = Field(
        default=86_400, ge=60, le=30 * 86_400, description="Seconds an export link stays valid."
    )
    jwt_public_key: str | None = Field(default=None, description="PEM key for RS256/ES256.")
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_role_claim: str = "role"
    jwt_name_claim: str = "sub"
    jwt_customer_claim: str = Field(
        default="customer_id",
        description="The claim naming the customer (a Customer ID) in a CUSTOMER token.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (an IANA name: Europe/Berlin)") from None
        return name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL is on when asked for, else only in development."""
        if self.graphiql is not None:
            return self.graphiql
        return self.env == "development"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def introspection_enabled(self) -> bool:
        if self.introspection is not None:
            return self.introspection
        return not self.is_production

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def anonymous_is_admin(self) -> bool:
        """Development convenience: on a loopback-only development server, callers without
        credentials act as ADMIN. Never in production, never on a reachable address."""
        return self.env == "development" and self.host in LOOPBACK_HOSTS
