"""Relay's ``Node`` interface and opaque global IDs (``base64url("Customer:<ObjectId>")``)."""

from __future__ import annotations

import base64
import binascii

import strawberry
from bson import ObjectId
from bson.errors import InvalidId
from graphql import GraphQLError

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
    from app.core.errors import ErrorCode, InputError

    try:
        return decode_id(global_id, type_name)
    except InvalidGlobalId:
        raise InputError.one(
            field, ErrorCode.INVALID, f"{global_id!r} is not a valid {type_name} ID."
        ) from None
