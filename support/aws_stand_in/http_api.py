"""HTTP APIs in stacks (``AWS::ApiGatewayV2::*``), which moto 5.2.5 skips with a warning.

Zappa deploys an HTTP API for ``apigateway_version: v2`` as a stack of an API, an integration, a
route and a stage; moto's stack would "succeed" with all four missing. Each model here makes its
part through moto's API Gateway v2 backend, so the API and its parts exist afterwards exactly as if
created by their own API calls, answer get calls, and go when the stack goes.
"""

from __future__ import annotations

import re

from moto.apigatewayv2.models import apigatewayv2_backends
from moto.core.common_models import CloudFormationModel

from support.aws_stand_in.resource_model import ResourceModel


def _v2(account_id: str, region_name: str):
    return apigatewayv2_backends[account_id][region_name]


def snake_case(name: str) -> str:
    """'PayloadFormatVersion' -> 'payload_format_version', as moto's backends name their parameters."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class HttpApi(ResourceModel, CloudFormationModel):
    resource_type, name_property = "AWS::ApiGatewayV2::Api", "Name"
    attribute_names = ("ApiId", "ApiEndpoint")

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> HttpApi:
        api = _v2(account_id, region_name).create_api(
            api_key_selection_expression=properties.get("ApiKeySelectionExpression"),
            cors_configuration=properties.get("CorsConfiguration"),
            description=properties.get("Description"),
            disable_schema_validation=properties.get("DisableSchemaValidation"),
            disable_execute_api_endpoint=properties.get("DisableExecuteApiEndpoint"),
            name=properties.get("Name", resource_name),
            protocol_type=properties["ProtocolType"],
            route_selection_expression=properties.get("RouteSelectionExpression"),
            tags=properties.get("Tags") or {},
            version=properties.get("Version"),
        )
        return cls.made(api.api_id, attributes={"ApiId": api.api_id, "ApiEndpoint": api.api_endpoint})

    def delete(self, account_id: str, region_name: str) -> None:
        _v2(account_id, region_name).delete_api(self.physical_id)


class _HttpApiPart(ResourceModel):
    """A part of an HTTP API (integration, route): made by the backend's create_<part>, with the template's
    properties as its parameters, and deleted with the API's other parts."""

    part: str  # "integration", "route"
    parameters: tuple[str, ...]  # the template properties the backend takes, besides ApiId
    id_attribute: str
    api_id: str

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> _HttpApiPart:
        arguments = {snake_case(name): properties.get(name) for name in cls.parameters}
        created = getattr(_v2(account_id, region_name), f"create_{cls.part}")(api_id=properties["ApiId"], **arguments)
        return cls.made(getattr(created, cls.id_attribute), api_id=properties["ApiId"])

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _v2(account_id, region_name)
        if self.api_id in backend.apis:  # parts go with their API
            getattr(backend, f"delete_{self.part}")(self.api_id, self.physical_id)


class HttpApiIntegration(_HttpApiPart, CloudFormationModel):
    resource_type = "AWS::ApiGatewayV2::Integration"
    part, id_attribute = "integration", "id"
    parameters = (
        "ConnectionId", "ConnectionType", "ContentHandlingStrategy", "CredentialsArn", "Description",
        "IntegrationMethod", "IntegrationSubtype", "IntegrationType", "IntegrationUri", "PassthroughBehavior",
        "PayloadFormatVersion", "RequestParameters", "RequestTemplates", "ResponseParameters",
        "TemplateSelectionExpression", "TimeoutInMillis", "TlsConfig",
    )  # fmt: skip


class HttpApiRoute(_HttpApiPart, CloudFormationModel):
    resource_type = "AWS::ApiGatewayV2::Route"
    part, id_attribute = "route", "route_id"
    parameters = (
        "ApiKeyRequired", "AuthorizationScopes", "AuthorizationType", "AuthorizerId", "ModelSelectionExpression",
        "OperationName", "RequestModels", "RequestParameters", "RouteKey", "RouteResponseSelectionExpression",
        "Target",
    )  # fmt: skip


class HttpApiStage(_HttpApiPart, CloudFormationModel):
    resource_type, name_property = "AWS::ApiGatewayV2::Stage", "StageName"
    part, id_attribute = "stage", "name"

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> HttpApiStage:
        config = {"stageName": properties["StageName"], "autoDeploy": properties.get("AutoDeploy", False)}
        stage = _v2(account_id, region_name).create_stage(properties["ApiId"], config)
        return cls.made(stage.name, api_id=properties["ApiId"])


MODELS = (HttpApi, HttpApiIntegration, HttpApiRoute, HttpApiStage)
