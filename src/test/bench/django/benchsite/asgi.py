"""ASGI entry point: `daphne benchsite.asgi:application` (PYTHONPATH=src/test/bench/django)."""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from benchsite.consumers import ChatConsumer  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_asgi_app,
    # the seed article's route: ws/<username>/
    "websocket": URLRouter([re_path(r"^ws/(?P<username>[A-Za-z0-9_.-]{1,64})/?$", ChatConsumer.as_asgi())]),
})
