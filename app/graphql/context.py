"""The per-request context: database handle, per-request repositories/services and loaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Protocol

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from app.db import MongoDatabase
from app.settings import Settings


class BuiltFromDatabase(Protocol):
    def __init__(self, db: MongoDatabase) -> None: ...


class Context:
    """Built once per HTTP request (once per websocket connection).

    DataLoaders live here and nowhere else, so their caches never outlive a request.
    """

    def __init__(
        self,
        db: MongoDatabase,
        settings: Settings,
        connection_params: dict[str, Any] | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        # Strawberry reads this attribute for websocket connection_init payloads.
        self.connection_params = connection_params
        self._instances: dict[type[Any], Any] = {}
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}

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
            self._loaders[key] = DataLoader(load_fn=load)
        loader: DataLoader[K, V] = self._loaders[key]
        return loader


Info = StrawberryInfo[Context, None]
