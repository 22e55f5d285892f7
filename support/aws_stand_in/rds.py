"""RDS in stacks as moto 5.2.5 lacks it, with a real PostgreSQL server behind each instance.

moto's ``AWS::RDS::DBInstance`` model ignores ``ManageMasterUserPassword``, has no
``MasterUserSecret.SecretArn`` attribute and gives PostgreSQL MySQL's port; moto has no
CloudFormation model of RDS Proxy at all. The models here create the instance (with its RDS-managed
secret) and the proxy through moto's RDS backend, so describe calls and the secret answer as on AWS.

Each instance also gets a server the deployed function really talks to: a database of its own in
the local PostgreSQL, behind a PgBouncer on a free 127.0.0.1 port that requires TLS (a throwaway
self-signed certificate) and checks the user and password of the instance's secret, as RDS does.
The endpoints of the instance and of its proxy are that PgBouncer; both report PostgreSQL's port as
RDS would, except that the number is PgBouncer's.

``RotateSecret`` on an instance's secret rotates it as RDS does at once: a new password, stored as the
secret's current version and made the only one PgBouncer accepts (moto alone would keep the old one).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from moto.core.common_models import CloudFormationModel
from moto.rds.models import rds_backends
from moto.secretsmanager.models import secretsmanager_backends

from support.aws_stand_in.cloudformation import _Plumbing
from support.ports import free_port

PGBOUNCER = "/usr/sbin/pgbouncer"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


class Server:
    """A database in the local PostgreSQL behind a PgBouncer that checks one user's password over TLS."""

    def __init__(self, database_name: str, user: str, password: str) -> None:
        self.user = user
        self.real_database = f"standin_{secrets.token_hex(6)}"
        self.port = free_port()
        # PgBouncer refuses to run as root; its files must be the postgres user's, outside pytest's folders.
        self.folder = Path(tempfile.mkdtemp(prefix="standin-rds-"))
        with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.real_database}"')
        self._write_config(database_name, user, password)
        run_as = ["-u", "postgres"] if os.geteuid() == 0 else []
        log = (self.folder / "stderr.log").open("w")
        self.process = subprocess.Popen([PGBOUNCER, *run_as, str(self.folder / "pgbouncer.ini")], stderr=log)
        self._wait_until_listening()

    def _write_config(self, database_name: str, user: str, password: str) -> None:
        folder = self.folder
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"]
            + ["-keyout", str(folder / "server.key"), "-out", str(folder / "server.crt")],
            check=True,
            capture_output=True,
        )
        self._write_users(password)
        (folder / "pgbouncer.ini").write_text(
            f"[databases]\n{database_name} = host=127.0.0.1 port=5432 dbname={self.real_database} user=postgres\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = scram-sha-256\nauth_file = {folder}/users.txt\npool_mode = session\n"
            f"client_tls_sslmode = require\nclient_tls_key_file = {folder}/server.key\n"
            f"client_tls_cert_file = {folder}/server.crt\nmax_client_conn = 200\n"
            f"logfile = {folder}/pgbouncer.log\n"
        )
        if os.geteuid() == 0:
            for path in [folder, *folder.iterdir()]:
                shutil.chown(path, "postgres", "postgres")

    def _write_users(self, password: str) -> None:
        (self.folder / "users.txt").write_text(f'"{self.user}" "{password}"\n')

    def change_password(self, password: str) -> None:
        """The server accepts the new password only, from the next login on (PgBouncer reloads on SIGHUP)."""
        self._write_users(password)
        self.process.send_signal(signal.SIGHUP)

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"PgBouncer exited; see {self.folder}/stderr.log")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"PgBouncer did not listen on {self.port} within 20 s")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.real_database}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)


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


class DatabaseInstance(_Plumbing, CloudFormationModel):
    """An RDS instance with its RDS-managed secret; Ref gives its identifier."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::RDS::DBInstance"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "DBInstanceIdentifier"

    @classmethod
    def attribute_names(cls) -> tuple[str, ...]:
        return ("Endpoint.Address", "Endpoint.Port", "MasterUserSecret.SecretArn", "DbiResourceId")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> DatabaseInstance:
        properties = cloudformation_json["Properties"]
        identifier = properties.get("DBInstanceIdentifier", resource_name).lower().replace("_", "-")[:63]
        instance = _backend(account_id, region_name).create_db_instance(
            {
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
        )
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


class DatabaseProxy(_Plumbing, CloudFormationModel):
    """RDS Proxy; its endpoint is the PgBouncer of the instance it targets (see the module docstring)."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::RDS::DBProxy"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "DBProxyName"

    @classmethod
    def attribute_names(cls) -> tuple[str, ...]:
        return ("Endpoint", "DBProxyArn")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> DatabaseProxy:
        properties = cloudformation_json["Properties"]
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


class DatabaseProxyTargetGroup(_Plumbing, CloudFormationModel):
    """The proxy's default target group, pointed at the instance."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::RDS::DBProxyTargetGroup"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> DatabaseProxyTargetGroup:
        properties = cloudformation_json["Properties"]
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
