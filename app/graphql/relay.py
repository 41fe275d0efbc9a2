"""Relay's ``Node`` interface, opaque global IDs (``base64url("Customer:<ObjectId>")``), and the
registry of node types.

Each domain registers its node types (``register_node``) when its GraphQL types are defined:
``node(id)`` finds them there, and so does a domain that returns another domain's objects (an
order's customer) without importing that domain's types.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from bson import ObjectId
from bson.errors import InvalidId
from graphql import GraphQLError

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.graphql.errors import client_error


class InvalidGlobalId(ValueError):
    """The string is not a global ID of the expected type."""


@strawberry.interface(description="An object with a globally unique, opaque ID.")
class Node:
    id: strawberry.ID


def encode_id(type_name: str, object_id: ObjectId) -> strawberry.ID:
    raw = f"{type_name}:{object_id}".encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def parse_id(global_id: str) -> tuple[str, ObjectId]:
    """Split a global ID into its type name and ObjectId, or raise ``InvalidGlobalId``."""
    if not isinstance(global_id, str) or not 0 < len(global_id) <= 100:
        raise InvalidGlobalId("not a global ID")
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw_id = base64.urlsafe_b64decode(padded).decode().partition(":")
        return type_name, ObjectId(raw_id)
    except (binascii.Error, UnicodeDecodeError, InvalidId, ValueError) as error:
        raise InvalidGlobalId("not a global ID") from error


def decode_id(global_id: str, type_name: str) -> ObjectId:
    """The ObjectId inside a global ID of ``type_name``; raise ``InvalidGlobalId`` otherwise."""
    found_type, object_id = parse_id(global_id)
    if found_type != type_name:
        raise InvalidGlobalId(f"not a {type_name} ID")
    return object_id


def id_argument_error(global_id: str, type_name: str) -> GraphQLError:
    """The error a query returns when its ``id`` argument is not a ``type_name`` ID."""
    return client_error(f"{global_id!r} is not a valid {type_name} ID.", "INVALID_ID")


def decode_id_or_raise(global_id: str, type_name: str) -> ObjectId:
    """For query arguments: a malformed ID is a GraphQL error with code ``INVALID_ID``."""
    try:
        return decode_id(global_id, type_name)
    except InvalidGlobalId:
        raise id_argument_error(global_id, type_name) from None


def decode_input_id(global_id: str, type_name: str, field: str) -> ObjectId:
    """For mutation input: a malformed ID is a userError (code INVALID) on ``field``."""
    try:
        return decode_id(global_id, type_name)
    except InvalidGlobalId:
        raise InputError.one(
            field, ErrorCode.INVALID, f"{global_id!r} is not a valid {type_name} ID."
        ) from None


@dataclass(frozen=True)
class NodeType:
    name: str
    from_document: Callable[[Document], Any]
    load: Callable[[Any, ObjectId], Awaitable[Document | None]]
    # Whether a customer (their ID) may read a document by its ID; None: no customer may.
    customer_reads: Callable[[Document, ObjectId], bool] | None = None


_NODES: dict[str, NodeType] = {}


def register_node(
    name: str,
    from_document: Callable[[Document], Any],
    load: Callable[[Any, ObjectId], Awaitable[Document | None]],
    *,
    customer_reads: Callable[[Document, ObjectId], bool] | None = None,
) -> None:
    """Make ``name`` a node type: ``load(info, object_id)`` finds its document (through the
    request's loaders), ``from_document`` makes the GraphQL object; ``customer_reads(doc,
    customer)`` says whether a customer may read a document by ID (their own, or a published
    article), for the types a customer may read at all."""
    _NODES[name] = NodeType(name, from_document, load, customer_reads)


def owned_by_customer(field: str) -> Callable[[Document, ObjectId], bool]:
    """``customer_reads`` of a type whose documents name their customer in ``field``."""
    return lambda document, customer: document[field] == customer


def node_of(name: str) -> Callable[[Document], Any]:
    """The GraphQL object of a ``name`` document (looked up when called: registration happens
    when the schema's types are defined)."""

    def convert(document: Document) -> Any:
        return _NODES[name].from_document(document)

    return convert


async def load_document(info: Any, name: str, object_id: ObjectId) -> Document | None:
    """The document of the ``name`` node with this ID (through the request's loaders)."""
    return await _NODES[name].load(info, object_id)


async def load_node(info: Any, name: str, object_id: ObjectId | None) -> Any:
    """The ``name`` node with this ID, or None (also for a None ID)."""
    if object_id is None:
        return None
    node_type = _NODES[name]
    document = await node_type.load(info, object_id)
    return node_type.from_document(document) if document is not None else None


async def resolve_node(info: Any, global_id: str, *, customer: ObjectId | None = None) -> Any:
    """The node a global ID names; ``INVALID_ID`` if the ID names no node type. For a
    ``customer``, only what they own: anything else reads as null, as a missing ID does."""
    try:
        type_name, object_id = parse_id(global_id)
    except InvalidGlobalId:
        type_name, object_id = "", None
    if type_name not in _NODES or object_id is None:
        raise client_error(f"{global_id!r} is not a valid ID.", "INVALID_ID")
    if customer is None:
        return await load_node(info, type_name, object_id)
    node_type = _NODES[type_name]
    if node_type.customer_reads is None:
        return None  # not even looked up: a customer learns nothing of other types
    document = await node_type.load(info, object_id)
    if document is None or not node_type.customer_reads(document, customer):
        return None
    return node_type.from_document(document)
