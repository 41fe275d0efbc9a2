"""The shape every mutation shares: run the service, turn ``InputError`` into userErrors, and
append successful changes to the audit trail. ``Mutations`` says it once per object type."""

from __future__ import annotations

import dataclasses
import inspect
import logging
import types
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import strawberry
from bson import ObjectId
from strawberry.types.unset import UNSET

from app.audit.repository import AuditRepository
from app.core.db import Document, MongoDatabase
from app.core.errors import InputError
from app.core.idempotency import IdempotencyRepository, once
from app.core.repository import Repository
from app.graphql.context import BuiltFromDatabase, Info
from app.graphql.payloads import payload
from app.graphql.permissions import allow
from app.graphql.relay import InvalidGlobalId, decode_id, decode_input_id, encode_id, load_document
from app.graphql.types import UserError

log = logging.getLogger(__name__)

# Called after every successful change a mutation audited (webhooks register here):
# ``(db, type name, document before (None: created), document after)``.
type AfterChange = Callable[[MongoDatabase, str, Document | None, Document], Awaitable[None]]
AFTER_CHANGE: list[AfterChange] = []


@dataclass(frozen=True)
class Idempotent:
    """A mutation's idempotency key, and the parameters a repeat must match."""

    key: str | None
    params: Any


@dataclass(frozen=True)
class Target:
    """The existing object a mutation changes, so its old values can be audited."""

    repository: type[Repository]
    global_id: str


async def run_mutation[P, N](
    info: Info,
    payload: Callable[..., P],
    field: str,
    action: Callable[[], Awaitable[Document]],
    to_node: Callable[[Document], N],
    type_name: str,
    *,
    target: Target | None = None,
    idempotency: Idempotent | None = None,
    announce: bool = True,
    **extra: Any,
) -> P:
    """``payload(field=node, user_errors=[])`` or ``field=None`` with the input's errors.

    ``action`` returns the document as written; on success the change is audited and (with
    ``announce``) passed to the ``AFTER_CHANGE`` listeners; an audited read that changes
    nothing (a privacy export) announces nothing. With ``idempotency``, a repeat of the
    caller's key returns what the first request wrote (audited once).
    """
    context = info.context
    before = None
    if target is not None:
        try:
            before = await context.get(target.repository).get(
                decode_id(target.global_id, type_name)
            )
        except InvalidGlobalId:
            before = None  # the action reports the bad ID as a userError
    try:
        if idempotency is None:
            document, replayed = await action(), False
        else:
            principal = await context.require_principal()
            document, replayed = await once(
                context.get(IdempotencyRepository),
                f"{principal.bucket}:{info.field_name}",
                idempotency.key,
                idempotency.params,
                action,
                lambda object_id: load_document(info, type_name, object_id),
            )
    except InputError as error:
        return payload(**{field: None, "user_errors": UserError.from_input_error(error), **extra})
    if not replayed:
        await _audit(info, type_name, before, document)
        if announce:
            await _after_change(info, type_name, before, document)
    return payload(**{field: to_node(document), "user_errors": [], **extra})


class Editable(BuiltFromDatabase, Protocol):
    """A service that creates and updates objects from the fields a client sent."""

    async def create(self, values: dict[str, Any]) -> Document: ...

    async def update(self, object_id: ObjectId, values: dict[str, Any]) -> Document: ...


@dataclass(frozen=True)
class Mutations[S: BuiltFromDatabase, N]:
    """The mutations of one object type: the payload field that carries it, how a document
    becomes its node, the repository that holds it and the service that changes it."""

    field: str
    node: Callable[[Document], N]
    type_name: str
    repository: type[Repository]
    service: type[S]

    async def create[P](
        self,
        info: Info,
        payload: Callable[..., P],
        make: Callable[[S], Awaitable[Document]],
        *,
        idempotency: Idempotent | None = None,
        **extra: Any,
    ) -> P:
        """``make(service)`` writes a new object."""
        service = info.context.get(self.service)
        return await run_mutation(
            info,
            payload,
            self.field,
            lambda: make(service),
            self.node,
            self.type_name,
            idempotency=idempotency,
            **extra,
        )

    async def change[P](
        self,
        info: Info,
        payload: Callable[..., P],
        global_id: str,
        change: Callable[[S, ObjectId], Awaitable[Document]],
        *,
        argument: str = "id",
        idempotency: Idempotent | None = None,
    ) -> P:
        """``change(service, object_id)`` changes the object ``global_id`` (an ``argument``
        of the mutation) names; its old values go into the audit trail with the new."""
        service = info.context.get(self.service)

        async def action() -> Document:
            return await change(service, decode_input_id(global_id, self.type_name, argument))

        target = Target(self.repository, global_id)
        return await run_mutation(
            info,
            payload,
            self.field,
            action,
            self.node,
            self.type_name,
            target=target,
            idempotency=idempotency,
        )

    def create_and_update[E: Editable](
        self: Mutations[E, N],
        node: Any,
        inputs: tuple[type, type],
        values: Callable[[Any], dict[str, Any]],
        *,
        roles: frozenset[Any],
    ) -> tuple[Any, Any]:
        """``create<Type>(input:)`` and ``update<Type>(id:, input:)`` for ``roles``, with their
        payloads of ``node``: the service's ``create(values(input))`` and
        ``update(object_id, values(input))``. ``inputs`` are the create and update inputs."""
        create_input, update_input = inputs
        create_payload: type = payload(self.field, node)(
            types.new_class(f"Create{self.type_name}Payload")
        )
        update_payload: type = payload(self.field, node)(
            types.new_class(f"Update{self.type_name}Payload")
        )

        async def create_one(root: Any, info: Info, input: Any) -> Any:
            return await self.create(
                info, create_payload, lambda service: service.create(values(input))
            )

        async def update_one(root: Any, info: Info, id: str, input: Any) -> Any:
            def change(service: E, object_id: ObjectId) -> Awaitable[Document]:
                return service.update(object_id, values(input))

            return await self.change(info, update_payload, id, change)

        return (
            _mutation(create_one, {"input": create_input}, create_payload, roles),
            _mutation(
                update_one, {"id": strawberry.ID, "input": update_input}, update_payload, roles
            ),
        )


def _mutation(
    resolve: Callable[..., Awaitable[Any]],
    arguments: dict[str, Any],
    payload: Any,
    roles: frozenset[Any],
) -> Any:
    """A mutation field of ``resolve``, with these argument types, returning ``payload``."""
    parameters = [
        inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info),
        *(
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=kind)
            for name, kind in arguments.items()
        ),
    ]
    resolve.__signature__ = inspect.Signature(parameters, return_annotation=payload)  # type: ignore[attr-defined]
    resolve.__annotations__ = {**arguments, "info": Info, "return": payload}
    return strawberry.mutation(resolver=resolve, extensions=[allow(roles)])


async def _audit(info: Info, type_name: str, before: Document | None, after: Document) -> None:
    context = info.context
    principal = await context.require_principal()
    try:
        await context.get(AuditRepository).record(
            actor=principal,
            mutation=info.field_name,
            object_type=type_name,
            object_id=after["_id"],
            global_id=encode_id(type_name, after["_id"]),
            before=before,
            after=after,
            request_id=context.request_id,
        )
    except Exception:
        # The change is made and cannot be taken back; say loudly that its record is missing.
        log.exception(
            "audit entry lost for %s on %s %s (request %s)",
            info.field_name,
            type_name,
            after["_id"],
            context.request_id,
        )


async def _after_change(
    info: Info, type_name: str, before: Document | None, after: Document
) -> None:
    for listener in AFTER_CHANGE:
        try:
            await listener(info.context.db, type_name, before, after)
        except Exception:
            log.exception(
                "after-change hook %s failed for %s %s (request %s)",
                getattr(listener, "__qualname__", listener),
                type_name,
                after["_id"],
                info.context.request_id,
            )


def request_params(input_object: Any) -> dict[str, Any]:
    """An input's values as a repeat must match them (the idempotency key left out)."""
    values = dataclasses.asdict(input_object)
    values.pop("idempotency_key", None)
    return values


def provided(input_object: Any, *names: str) -> dict[str, Any]:
    """The fields of an update input the client actually sent (``null`` included)."""
    return {
        name: getattr(input_object, name)
        for name in names
        if getattr(input_object, name) is not UNSET
    }
