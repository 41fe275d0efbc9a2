"""Process settings, read once from the environment (prefix ``CRM_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    graphiql: bool | None = Field(
        default=None, description="Serve GraphiQL at /graphql; default: on in development only."
    )
    max_query_depth: int = Field(default=10, ge=2, le=50)

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL is on when asked for, else only in development."""
        if self.graphiql is not None:
            return self.graphiql
        return self.env == "development"

    @property
    def is_production(self) -> bool:
        return self.env == "production"
