"""``surveySettings`` and ``setSurveySettings``: which ticket types are surveyed when resolved."""

from __future__ import annotations

import strawberry

from app.graphql.context import Info
from app.graphql.permissions import CRM_WRITERS, EVERYONE, allow
from app.graphql.types import UserError
from app.tickets.graphql.enums import TicketType
from app.workflow.satisfaction import SatisfactionService


@strawberry.type(description="Satisfaction surveys: see the README's 'Satisfaction surveys'.")
class SurveySettings:
    types: list[TicketType] = strawberry.field(
        description="Ticket types whose resolution opens a survey (default CONSULTATION and "
        "COMPLAINT)."
    )

    @classmethod
    def of(cls, types: frozenset[str]) -> SurveySettings:
        return cls(types=[t for t in TicketType if t.value in types])


@strawberry.type
class SetSurveySettingsPayload:
    survey_settings: SurveySettings | None
    user_errors: list[UserError]


@strawberry.type
class SurveyQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def survey_settings(self, info: Info) -> SurveySettings:
        return SurveySettings.of(await info.context.get(SatisfactionService).survey_types())


@strawberry.type
class SurveyMutation:
    @strawberry.mutation(
        description="Survey these ticket types from now on (an empty list: none).",
        extensions=[allow(CRM_WRITERS)],
    )
    async def set_survey_settings(
        self, info: Info, types: list[TicketType]
    ) -> SetSurveySettingsPayload:
        service = info.context.get(SatisfactionService)
        settings = SurveySettings.of(await service.set_survey_types(types))
        return SetSurveySettingsPayload(survey_settings=settings, user_errors=[])
