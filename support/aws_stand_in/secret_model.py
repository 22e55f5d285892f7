"""Secrets Manager secrets in stacks (``AWS::SecretsManager::Secret``), which moto 5.2.5 skips.

The secret is made through moto's Secrets Manager backend, so it answers get calls as if created by
CreateSecret, and goes with its stack. ``GenerateSecretString`` makes a password as CloudFormation
documents it (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-secretsmanager-secret-generatesecretstring.html).
"""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.secretsmanager.models import secretsmanager_backends

from support.aws_stand_in.resource_model import ResourceModel


class Secret(ResourceModel, CloudFormationModel):
    """A Secrets Manager secret; Ref and ``Id`` give its ARN."""

    resource_type, name_property = "AWS::SecretsManager::Secret", "Name"
    attribute_names = ("Id",)

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> Secret:
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


MODELS = (Secret,)
