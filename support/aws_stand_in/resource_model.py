"""What every CloudFormation model of the stand-in shares: how moto's stacks find, make, update and delete it.

A model declares its resource type, the property that names a resource (if any) and the attributes
``!GetAtt`` may read, and makes the resource from the template's properties in :meth:`create`,
through moto's backend for that service. Ref gives the physical ID the resource was made with.
Updating a resource replaces it, as CloudFormation does for most property changes of these types;
:meth:`delete` runs when the stack goes.

moto finds models among the direct subclasses of ``CloudFormationModel``, so each model names it
as its second base: ``class Secret(ResourceModel, CloudFormationModel)``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ResourceModel:
    """The plumbing of a stand-in model; subclasses set the class attributes and write create and delete."""

    resource_type: ClassVar[str]  # "AWS::SecretsManager::Secret"
    name_property: ClassVar[str] = ""  # the property that names the resource; "" for none
    attribute_names: ClassVar[tuple[str, ...]] = ()  # what !GetAtt may read
    physical_id: str
    attributes: dict[str, str] = {}

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.resource_type

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.name_property

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
        return attr in cls.attribute_names

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.attributes[attribute_name]

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str, **kwargs: Any
    ) -> Any:
        return cls.create(resource_name, cloudformation_json["Properties"], account_id, region_name)

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

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> Any:
        """Make the resource from the template's properties; returns :meth:`made`'s model of it."""
        raise NotImplementedError
