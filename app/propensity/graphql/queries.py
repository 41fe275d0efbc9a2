"""``propensityModel`` and ``propensityModels``."""

from __future__ import annotations

import strawberry

from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.permissions import ANALYSTS, allow
from app.graphql.relay import decode_id_or_raise, load_node
from app.jobs.runs import COMPLETE
from app.propensity.graphql.types import PropensityModelInfo
from app.propensity.models import TYPE_NAME
from app.propensity.repository import PropensityModelRepository


@strawberry.type
class PropensityQuery:
    @strawberry.field(extensions=[allow(ANALYSTS)])
    async def propensity_model(self, info: Info, id: strawberry.ID) -> PropensityModelInfo | None:
        node: PropensityModelInfo | None = await load_node(
            info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME)
        )
        return node

    propensity_models = connection_field(
        PropensityModelInfo,
        PropensityModelRepository,
        base_query={"status": COMPLETE},
        roles=ANALYSTS,
        description="Trained models of both targets, newest first.",
    )
