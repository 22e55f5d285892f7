"""CloudFormation as moto 5.2.5 lacks it: resource types, and outputs after a change set.

moto skips resource types it has no model for, with a warning: a stack holding an HTTP API (what
Zappa deploys for ``apigateway_version: v2``), a Secrets Manager secret, a bucket policy or an
OIDC provider "succeeds" with the resource missing. Each model here creates the resource through
moto's backend for that service, so the API, its integration and the secret exist afterwards
exactly as if created by their own API calls, answer describe/get calls, and go when the stack
goes. Replacing a resource on update is what CloudFormation does for most property changes of
these types. RDS is in :mod:`.rds`.

moto also keeps the outputs a stack had before a change set ran (none, for a new stack), where
CloudFormation reports the outputs of the template the change set applied; it stores the
inline policies of a stack's IAM role as Python text, so GetRolePolicy answers something that
isn't JSON; deleting a stack leaves its REST API (what Zappa deploys for ``v1``), its VPC
endpoints and route tables behind; it splits ``!GetAtt`` at every dot; and a bucket's template
sets only its encryption and tags.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from typing import Any

from moto.apigateway import models as apigateway_models
from moto.apigatewayv2.models import apigatewayv2_backends
from moto.cloudformation import models as cloudformation_models
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import RouteTable
from moto.ec2.models.vpcs import VPCEndPoint
from moto.iam import models as iam_models
from moto.s3.models import s3_backends
from moto.secretsmanager.models import secretsmanager_backends


class _Plumbing:
    """Shared plumbing: the physical ID Ref returns, replacement on update, deletion with the stack."""

    physical_id: str
    attributes: dict[str, str] = {}

    @classmethod
    def made(cls, physical_id: str, **fields: Any) -> Any:
        """The model of a resource just created: its physical ID, and its attributes or other fields."""
        model = cls()
        model.physical_id = physical_id
        for name, value in fields.items():
            setattr(model, name, value)
        return model

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.attribute_names()

    @classmethod
    def attribute_names(cls) -> tuple[str, ...]:
        return ()

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.attributes[attribute_name]

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict,
        account_id: str,
        region_name: str,
    ) -> Any:
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)


def _v2(account_id: str, region_name: str):
    return apigatewayv2_backends[account_id][region_name]


class HttpApi(_Plumbing, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Api"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @classmethod
    def attribute_names(cls) -> tuple[str, ...]:
        return ("ApiId", "ApiEndpoint")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> HttpApi:
        properties = cloudformation_json["Properties"]
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


def snake_case(name: str) -> str:
    """'PayloadFormatVersion' -> 'payload_format_version', as moto's backends name their parameters."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class _HttpApiPart(_Plumbing):
    """A part of an HTTP API (integration, route): made by the backend's create_<part>, with the template's
    properties as its parameters, and deleted with the API's other parts."""

    part: str  # "integration", "route"
    properties: tuple[str, ...]  # the template properties the backend takes, besides ApiId
    id_attribute: str
    api_id: str

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> _HttpApiPart:
        given = cloudformation_json["Properties"]
        arguments = {snake_case(name): given.get(name) for name in cls.properties}
        created = getattr(_v2(account_id, region_name), f"create_{cls.part}")(api_id=given["ApiId"], **arguments)
        return cls.made(getattr(created, cls.id_attribute), api_id=given["ApiId"])

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _v2(account_id, region_name)
        if self.api_id in backend.apis:  # parts go with their API
            getattr(backend, f"delete_{self.part}")(self.api_id, self.physical_id)


class HttpApiIntegration(_HttpApiPart, CloudFormationModel):
    part, id_attribute = "integration", "id"
    properties = (
        "ConnectionId", "ConnectionType", "ContentHandlingStrategy", "CredentialsArn", "Description",
        "IntegrationMethod", "IntegrationSubtype", "IntegrationType", "IntegrationUri", "PassthroughBehavior",
        "PayloadFormatVersion", "RequestParameters", "RequestTemplates", "ResponseParameters",
        "TemplateSelectionExpression", "TimeoutInMillis", "TlsConfig",
    )  # fmt: skip

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Integration"


class HttpApiRoute(_HttpApiPart, CloudFormationModel):
    part, id_attribute = "route", "route_id"
    properties = (
        "ApiKeyRequired", "AuthorizationScopes", "AuthorizationType", "AuthorizerId", "ModelSelectionExpression",
        "OperationName", "RequestModels", "RequestParameters", "RouteKey", "RouteResponseSelectionExpression",
        "Target",
    )  # fmt: skip

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Route"


class HttpApiStage(_HttpApiPart, CloudFormationModel):
    part, id_attribute = "stage", "name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Stage"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "StageName"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> HttpApiStage:
        given = cloudformation_json["Properties"]
        config = {"stageName": given["StageName"], "autoDeploy": given.get("AutoDeploy", False)}
        stage = _v2(account_id, region_name).create_stage(given["ApiId"], config)
        return cls.made(stage.name, api_id=given["ApiId"])


class Secret(_Plumbing, CloudFormationModel):
    """A Secrets Manager secret; ``GenerateSecretString`` as CloudFormation documents it."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @classmethod
    def attribute_names(cls) -> tuple[str, ...]:
        return ("Id",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> Secret:
        properties = cloudformation_json["Properties"]
        value = properties.get("SecretString")
        if "GenerateSecretString" in properties:
            value = generated_secret_string(properties["GenerateSecretString"])
        secret = secretsmanager_backends[account_id][region_name].create_secret(
            name=properties.get("Name", resource_name),
            secret_string=value,
            secret_binary=None,
            description=properties.get("Description"),
            tags=properties.get("Tags") or [],
            kms_key_id=properties.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        arn = json.loads(secret)["ARN"]
        return cls.made(arn, attributes={"Id": arn})

    def delete(self, account_id: str, region_name: str) -> None:
        secretsmanager_backends[account_id][region_name].delete_secret(
            secret_id=self.physical_id, recovery_window_in_days=None, force_delete_without_recovery=True
        )


class BucketPolicy(_Plumbing, CloudFormationModel):
    bucket: str

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> BucketPolicy:
        properties = cloudformation_json["Properties"]
        document = json.dumps(properties["PolicyDocument"]).encode()
        s3_backends[account_id]["aws"].put_bucket_policy(properties["Bucket"], document)
        return cls.made(properties["Bucket"], bucket=properties["Bucket"])

    def delete(self, account_id: str, region_name: str) -> None:
        backend = s3_backends[account_id]["aws"]
        if self.bucket in backend.buckets:
            backend.delete_bucket_policy(self.bucket)


class OidcProvider(_Plumbing, CloudFormationModel):
    """An IAM OIDC identity provider (GitHub's, for the CI deploy role); Ref gives its ARN."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::IAM::OIDCProvider"

    @classmethod
    def attribute_names(cls) -> tuple[str, ...]:
        return ("Arn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> OidcProvider:
        properties = cloudformation_json["Properties"]
        provider = iam_models.iam_backends[account_id]["aws"].create_open_id_connect_provider(
            url=properties["Url"],
            thumbprint_list=properties.get("ThumbprintList") or [],
            client_id_list=properties.get("ClientIdList") or [],
            tags=properties.get("Tags") or [],
        )
        return cls.made(provider.arn, attributes={"Arn": provider.arn})

    def delete(self, account_id: str, region_name: str) -> None:
        iam_models.iam_backends[account_id]["aws"].delete_open_id_connect_provider(self.physical_id)


def generated_secret_string(spec: dict[str, Any]) -> str:
    """A password as GenerateSecretString makes it, placed under GenerateStringKey in the template."""
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation"):
        alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    alphabet = "".join(char for char in alphabet if char not in spec.get("ExcludeCharacters", ""))
    password = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if "GenerateStringKey" not in spec:
        return password
    document = json.loads(spec.get("SecretStringTemplate", "{}"))
    document[spec["GenerateStringKey"]] = password
    return json.dumps(document)


def refresh_outputs_after_change_sets() -> None:
    backend_class = cloudformation_models.CloudFormationBackend
    original = backend_class.execute_change_set

    def execute_change_set(self, change_set_name: str, stack_name: str | None = None) -> None:
        original(self, change_set_name, stack_name)
        for stack in self.stacks.values():
            if any(change_set.stack_id == stack.stack_id for change_set in self.change_sets.values()):
                stack._parse_template()
                stack.output_map = stack._create_output_map()

    backend_class.execute_change_set = execute_change_set


def store_role_policies_as_json() -> None:
    original = iam_models.Role.put_policy

    def put_policy(self, policy_name: str, policy_json: Any) -> None:
        original(self, policy_name, policy_json if isinstance(policy_json, str) else json.dumps(policy_json))

    iam_models.Role.put_policy = put_policy


def delete_with_their_stack() -> None:
    """REST APIs, VPC endpoints and route tables go when their stack goes."""

    def delete_rest_api(self, account_id: str, region_name: str) -> None:
        apigateway_models.apigateway_backends[account_id][region_name].delete_rest_api(self.id)

    def delete_vpc_endpoint(self, account_id: str, region_name: str) -> None:
        ec2_backends[account_id][region_name].delete_vpc_endpoints([self.id])

    def delete_route_table(self, account_id: str, region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        # CloudFormation deletes a gateway endpoint before the route table it routes through.
        live = [endpoint for endpoint in backend.vpc_end_points.values() if endpoint.state != "deleted"]
        routing = [endpoint for endpoint in live if self.id in (endpoint.route_table_ids or [])]
        if routing:
            raise DependencyViolationError(f"The routeTable '{self.id}' has dependencies and cannot be deleted.")
        backend.delete_route_table(self.id)

    apigateway_models.RestAPI.delete = delete_rest_api
    VPCEndPoint.delete = delete_vpc_endpoint
    RouteTable.delete = delete_route_table


def block_public_access_as_templates_say() -> None:
    """moto's bucket model applies only ``BucketEncryption`` and ``Tags`` of a template; a bucket's
    ``PublicAccessBlockConfiguration`` is what keeps it private."""
    from moto.s3.models import FakeBucket

    original = FakeBucket.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict, *args, **kwargs):
        bucket = original(cls, resource_name, cloudformation_json, *args, **kwargs)
        block = cloudformation_json.get("Properties", {}).get("PublicAccessBlockConfiguration")
        if block:
            s3_backends[bucket.account_id]["aws"].put_public_access_block(bucket.name, block)
        return bucket

    FakeBucket.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)


def split_get_att_at_the_first_dot() -> None:
    """``!GetAtt Database.MasterUserSecret.SecretArn`` names the attribute ``MasterUserSecret.SecretArn``;
    moto splits the short form at every dot, so the attribute it asks for is ``MasterUserSecret``."""
    from moto.cloudformation import responses, utils

    original = utils.yaml_tag_constructor

    def yaml_tag_constructor(loader: Any, tag: Any, node: Any) -> Any:
        if tag == "!GetAtt" and isinstance(node.value, str):
            return {"Fn::GetAtt": node.value.split(".", 1)}
        return original(loader, tag, node)

    cloudformation_models.yaml_tag_constructor = yaml_tag_constructor
    responses.yaml_tag_constructor = yaml_tag_constructor


def install() -> list[str]:
    """Make moto's stacks see the models above; returns the resource types added."""
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    refresh_outputs_after_change_sets()
    store_role_policies_as_json()
    delete_with_their_stack()
    split_get_att_at_the_first_dot()
    block_public_access_as_templates_say()
    from support.aws_stand_in import rds  # its models subclass _Plumbing, above

    models = (HttpApi, HttpApiIntegration, HttpApiRoute, HttpApiStage, Secret, BucketPolicy, OidcProvider, *rds.MODELS)
    return [model.cloudformation_type() for model in models]
