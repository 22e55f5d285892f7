"""Where moto 5.2.5's own stacks differ from CloudFormation, corrected in place.

- A change set: moto keeps the outputs the stack had before it ran (none, for a new stack), where
  CloudFormation reports the outputs of the template the change set applied.
- A change set: moto lists only the resources whose template text changed, not those a changed parameter
  changes (executing it updates them all the same), so a release that changes only parameters looks
  like no change at all.
- A stack's IAM role: moto stores its inline policies as Python text, so GetRolePolicy answers
  something that isn't JSON.
- Deleting a stack: moto leaves its REST API (what Zappa deploys for ``apigateway_version: v1``),
  its VPC endpoints and route tables behind.
- A bucket: moto's model applies only ``BucketEncryption`` and ``Tags`` of its template.
- ``!GetAtt``: moto splits the short form at every dot.
"""

from __future__ import annotations

import json
from typing import Any

from moto.apigateway import models as apigateway_models
from moto.cloudformation import models as cloudformation_models
from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import RouteTable
from moto.ec2.models.vpcs import VPCEndPoint
from moto.iam import models as iam_models
from moto.s3.models import s3_backends


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


def list_parameter_changes_in_change_sets() -> None:
    def diff(self: cloudformation_models.ChangeSet) -> list[cloudformation_models.Change]:
        resource_map = self.stack.resource_map
        names_by_action = resource_map.build_resource_diff(self.template_dict, self.parameters)
        changes = []
        for action, names in names_by_action.items():
            resources = resource_map._resource_json_map if action == "Remove" else self.template_dict["Resources"]
            for name in names:
                changes.append(
                    cloudformation_models.Change(
                        action=action, logical_resource_id=name, resource_type=resources[name]["Type"]
                    )
                )
        return changes

    cloudformation_models.ChangeSet.diff = diff


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


def install() -> None:
    """Apply every correction above (once, in the stand-in's process)."""
    refresh_outputs_after_change_sets()
    list_parameter_changes_in_change_sets()
    store_role_policies_as_json()
    delete_with_their_stack()
    split_get_att_at_the_first_dot()
    block_public_access_as_templates_say()
