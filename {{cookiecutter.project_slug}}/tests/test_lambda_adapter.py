"""config/lambda_adapter.py leans on one private hook of Mangum: this says so the day it goes."""

from mangum import Mangum

from config.lambda_adapter import DjangoLambdaAdapter


def app(environ, start_response):  # a WSGI app; the adapter never builds an event loop for it
    return []


def test_mangum_still_calls_the_hook_the_adapter_overrides(monkeypatch):
    """The adapter overrides Mangum's private ``_setup_event_loop`` so that no asyncio event loop is made at
    init. If a Mangum release renamed or dropped it, the loop would come back unnoticed: this fails first.
    Then make the adapter skip the loop the new way (or drop the override if Mangum no longer makes one)."""
    calls = []
    monkeypatch.setattr(Mangum, "_setup_event_loop", lambda self: calls.append(type(self).__name__))

    Mangum(app, lifespan="off")
    assert calls == ["Mangum"], "Mangum's __init__ no longer calls _setup_event_loop"

    DjangoLambdaAdapter(app)
    assert calls == ["Mangum"], "the adapter's own _setup_event_loop no longer replaces Mangum's"
