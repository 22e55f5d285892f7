"""What the API's views answer, as DRF serializers: they shape each response and, through drf-spectacular,
its part of the OpenAPI schema."""

from rest_framework import serializers
{%- if cookiecutter.database == "postgresql" %}

from .models import Note
{%- endif %}


class EchoSerializer(serializers.Serializer):
    received = serializers.DictField(help_text="The posted JSON object, as it arrived.")
{%- if cookiecutter.database == "postgresql" %}


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "title", "body", "created_at"]


class NoteListSerializer(serializers.Serializer):
    notes = NoteSerializer(many=True)
{%- endif %}
