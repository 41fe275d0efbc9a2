"""The per-request context: who is calling, the database, per-request repositories/services
and DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Protocol

from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from app.auth.authenticate import AuthenticationFailed, authenticate
from app.auth.roles import Principal
from app.core import logs
from app.core.batches import MAX_IN_VALUES
from app.core.db import MongoDatabase
from app.core.settings import Settings


class BuiltFromDatabase(Protocol):
    def __init__(self, db: MongoDatabase) -> None: ...


def unauthenticated(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "UNAUTHENTICATED"})


class Context:
    """Built once per HTTP request (once per websocket connection).

    DataLoaders live here and nowhere else, so their caches never outlive a request. The caller
    is authenticated lazily: on a websocket the credentials arrive in ``connection_params``
    after the context exists.
    """

    def __init__(
        self,
        db: MongoDatabase,
        settings: Settings,
        *,
        authorization: str | None = None,
        connection_params: dict[str, Any] | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.request_id = logs.request_id.get() or logs.new_request_id()
        self.authorization = authorization
        # Strawberry sets this attribute from the websocket connection_init payload.
        self.connection_params = connection_params
        self._principal: Principal | None = None
        self._authenticated = False
        self._instances: dict[type[Any], Any] = {}
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}

    def _credentials(self) -> str | None:
        if self.authorization is not None:
            return self.authorization
        params = self.connection_params
        if isinstance(params, dict):
            value = params.get("authorization") or params.get("Authorization")
            return value if isinstance(value, str) else None
        return None

    async def principal(self) -> Principal | None:
        """The caller, or None if anonymous; bad credentials raise UNAUTHENTICATED."""
        if not self._authenticated:
            try:
                self._principal = await authenticate(self._credentials(), self.settings, self.db)
            except AuthenticationFailed as error:
                raise unauthenticated(str(error)) from None
            self._authenticated = True
        return self._principal

    def known_principal(self) -> Principal | None:
        """The caller if already authenticated (every operation is, before it runs)."""
        return self._principal if self._authenticated else None

    async def require_principal(self) -> Principal:
        principal = await self.principal()
        if principal is None:
            raise unauthenticated("Authenticate with 'Authorization: Bearer <API key or token>'.")
        return principal

    def get[T: BuiltFromDatabase](self, cls: type[T]) -> T:
        """The request's instance of a repository or service class."""
        if cls not in self._instances:
            self._instances[cls] = cls(self.db)
        instance: T = self._instances[cls]
        return instance

    def loader[K, V](
        self, key: Hashable, load: Callable[[list[K]], Awaitable[Sequence[V]]]
    ) -> DataLoader[K, V]:
        """The request's DataLoader for ``key``, created with ``load`` on first use."""
        if key not in self._loaders:
            # Batches stay within the $in size every query is held to.
            self._loaders[key] = DataLoader(load_fn=load, max_batch_size=MAX_IN_VALUES)
        loader: DataLoader[K, V] = self._loaders[key]
        return loader


Info = StrawberryInfo[Context, None]
