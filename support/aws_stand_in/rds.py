"""RDS in stacks as moto 5.2.5 lacks it, with a real PostgreSQL server behind each instance.

moto's ``AWS::RDS::DBInstance`` model ignores ``ManageMasterUserPassword``, has no
``MasterUserSecret.SecretArn`` attribute and gives PostgreSQL MySQL's port; moto has no
CloudFormation model of RDS Proxy at all. The models here create the instance (with its RDS-managed
secret) and the proxy through moto's RDS backend, so describe calls and the secret answer as on AWS.

Each instance also gets a :class:`~.rds_server.Server` the deployed function really talks to. The
endpoints of the instance and of its proxy are that server's PgBouncer; both report PostgreSQL's
port as RDS would, except that the number is PgBouncer's.

``RotateSecret`` on an instance's secret rotates it as RDS does at once: a new password, stored as the
secret's current version and made the only one PgBouncer accepts (moto alone would keep the old one).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.rds.models import rds_backends
from moto.secretsmanager.models import secretsmanager_backends

from support.aws_stand_in.rds_server import Server
from support.aws_stand_in.resource_model import ResourceModel

SERVERS: dict[str, Server] = {}  # by instance identifier
LOGIN_SECRETS: dict[str, tuple[str, str, str]] = {}  # secret ARN -> (account, region, instance identifier)


def rotates(secret_id: str) -> bool:
    return secret_id in LOGIN_SECRETS


def rotate(secret_id: str) -> dict[str, str]:
    """RotateSecret on an instance's login: a new password in the secret and on the server; RotateSecret's answer."""
    account_id, region_name, identifier = LOGIN_SECRETS[secret_id]
    backend = secretsmanager_backends[account_id][region_name]
    login = json.loads(backend.get_secret_value(secret_id, None, None)["SecretString"])
    login["password"] = secrets.token_urlsafe(24)
    answer = json.loads(backend.put_secret_value(secret_id, json.dumps(login), None, None, ["AWSCURRENT"]))
    SERVERS[identifier].change_password(login["password"])
    return {"ARN": answer["ARN"], "Name": answer["Name"], "VersionId": answer["VersionId"]}


def close_all() -> None:
    """Stop every PgBouncer and drop every database, when the stand-in stops."""
    while SERVERS:
        SERVERS.popitem()[1].close()


def _backend(account_id: str, region_name: str):
    return rds_backends[account_id][region_name]


def _id(value: Any) -> str:
    """moto resolves a Ref to some RDS resources (the subnet group) as the model, not its name."""
    return value if isinstance(value, str) else value.name


def _instance_parameters(identifier: str, properties: dict) -> dict[str, Any]:
    """moto's create_db_instance parameters from a template's properties, with RDS's defaults."""
    return {
        "db_instance_identifier": identifier,
        "db_instance_class": properties["DBInstanceClass"],
        "engine": properties["Engine"],
        "engine_version": properties.get("EngineVersion"),
        "allocated_storage": int(properties.get("AllocatedStorage", 20)),
        "storage_type": properties.get("StorageType"),
        "storage_encrypted": properties.get("StorageEncrypted", False),
        "db_name": properties.get("DBName"),
        "master_username": properties["MasterUsername"],
        "manage_master_user_password": properties.get("ManageMasterUserPassword", False),
        "db_subnet_group_name": _id(properties["DBSubnetGroupName"]),
        "vpc_security_group_ids": [_id(group) for group in properties.get("VPCSecurityGroups", [])],
        "publicly_accessible": properties.get("PubliclyAccessible", False),
        "backup_retention_period": int(properties.get("BackupRetentionPeriod", 1)),
        "deletion_protection": properties.get("DeletionProtection", False),
        "copy_tags_to_snapshot": properties.get("CopyTagsToSnapshot", False),
        "port": 5432,
    }


class DatabaseInstance(ResourceModel, CloudFormationModel):
    """An RDS instance with its RDS-managed secret; Ref gives its identifier."""

    resource_type, name_property = "AWS::RDS::DBInstance", "DBInstanceIdentifier"
    attribute_names = ("Endpoint.Address", "Endpoint.Port", "MasterUserSecret.SecretArn", "DbiResourceId")

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> DatabaseInstance:
        identifier = properties.get("DBInstanceIdentifier", resource_name).lower().replace("_", "-")[:63]
        instance = _backend(account_id, region_name).create_db_instance(_instance_parameters(identifier, properties))
        secret = instance.master_user_secret.secret_arn
        stored = secretsmanager_backends[account_id][region_name].get_secret_value(secret, None, None)
        login = json.loads(stored["SecretString"])
        server = SERVERS[identifier] = Server(properties.get("DBName"), login["username"], login["password"])
        LOGIN_SECRETS[secret] = (account_id, region_name, identifier)
        attributes = {
            "Endpoint.Address": "127.0.0.1",
            "Endpoint.Port": str(server.port),
            "MasterUserSecret.SecretArn": secret,
            "DbiResourceId": instance.dbi_resource_id,
        }
        return cls.made(identifier, attributes=attributes)

    def delete(self, account_id: str, region_name: str) -> None:
        # RDS takes the final snapshot DeletionPolicy: Snapshot asks for; moto's model of the stack skips it.
        _backend(account_id, region_name).delete_db_instance(self.physical_id)
        if self.physical_id in SERVERS:
            SERVERS.pop(self.physical_id).close()
        for secret, (_, _, identifier) in list(LOGIN_SECRETS.items()):
            if identifier == self.physical_id:
                del LOGIN_SECRETS[secret]


class DatabaseProxy(ResourceModel, CloudFormationModel):
    """RDS Proxy; its endpoint is the PgBouncer of the instance it targets (see the module docstring)."""

    resource_type, name_property = "AWS::RDS::DBProxy", "DBProxyName"
    attribute_names = ("Endpoint", "DBProxyArn")

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> DatabaseProxy:
        proxy = _backend(account_id, region_name).create_db_proxy(
            db_proxy_name=properties["DBProxyName"],
            engine_family=properties["EngineFamily"],
            auth=properties["Auth"],
            role_arn=properties["RoleArn"],
            vpc_subnet_ids=properties["VpcSubnetIds"],
            vpc_security_group_ids=properties.get("VpcSecurityGroupIds"),
            require_tls=properties.get("RequireTLS"),
            idle_client_timeout=properties.get("IdleClientTimeout"),
            debug_logging=properties.get("DebugLogging"),
            tags=properties.get("Tags"),
        )
        attributes = {"Endpoint": "127.0.0.1", "DBProxyArn": proxy.arn}
        return cls.made(proxy.db_proxy_name, attributes=attributes)

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_db_proxy(self.physical_id)


class DatabaseProxyTargetGroup(ResourceModel, CloudFormationModel):
    """The proxy's default target group, pointed at the instance."""

    resource_type = "AWS::RDS::DBProxyTargetGroup"

    @classmethod
    def create(
        cls, resource_name: str, properties: dict, account_id: str, region_name: str
    ) -> DatabaseProxyTargetGroup:
        _backend(account_id, region_name).register_db_proxy_targets(
            properties["DBProxyName"],
            properties["TargetGroupName"],
            properties.get("DBClusterIdentifiers", []),
            properties.get("DBInstanceIdentifiers", []),
        )
        return cls.made(f"{properties['DBProxyName']}/{properties['TargetGroupName']}")

    def delete(self, account_id: str, region_name: str) -> None:
        pass  # the target group goes with its proxy


MODELS = (DatabaseInstance, DatabaseProxy, DatabaseProxyTargetGroup)
