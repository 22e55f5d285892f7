"""Who may reach what, in stacks: S3 bucket policies and IAM OIDC providers, which moto 5.2.5 skips.

The bucket policies of deploy/stack.yaml and deploy/deployment-bucket.yaml deny plain-HTTP requests;
deploy/ci-access.yaml's OIDC provider is what GitHub's deploy job signs in through (without it the
role's trust names no provider). Each
is made through moto's own S3 or IAM backend, and goes with its stack.
"""

from __future__ import annotations

import json

from moto.core.common_models import CloudFormationModel
from moto.iam import models as iam_models
from moto.s3.models import s3_backends

from support.aws_stand_in.resource_model import ResourceModel


class BucketPolicy(ResourceModel, CloudFormationModel):
    resource_type = "AWS::S3::BucketPolicy"
    bucket: str

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> BucketPolicy:
        document = json.dumps(properties["PolicyDocument"]).encode()
        s3_backends[account_id]["aws"].put_bucket_policy(properties["Bucket"], document)
        return cls.made(properties["Bucket"], bucket=properties["Bucket"])

    def delete(self, account_id: str, region_name: str) -> None:
        backend = s3_backends[account_id]["aws"]
        if self.bucket in backend.buckets:
            backend.delete_bucket_policy(self.bucket)


class OidcProvider(ResourceModel, CloudFormationModel):
    """An IAM OIDC identity provider (GitHub's, for the CI deploy role); Ref gives its ARN."""

    resource_type = "AWS::IAM::OIDCProvider"
    attribute_names = ("Arn",)

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> OidcProvider:
        provider = iam_models.iam_backends[account_id]["aws"].create_open_id_connect_provider(
            url=properties["Url"],
            thumbprint_list=properties.get("ThumbprintList") or [],
            client_id_list=properties.get("ClientIdList") or [],
            tags=properties.get("Tags") or [],
        )
        return cls.made(provider.arn, attributes={"Arn": provider.arn})

    def delete(self, account_id: str, region_name: str) -> None:
        iam_models.iam_backends[account_id]["aws"].delete_open_id_connect_provider(self.physical_id)


MODELS = (BucketPolicy, OidcProvider)
