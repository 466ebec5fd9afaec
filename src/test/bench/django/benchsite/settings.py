"""Minimal Django settings for the benchmark's Channels peer (served by Daphne).

BENCH_CHANNEL_LAYER=memory (default) uses Channels' InMemoryChannelLayer; =redis uses
channels_redis' RedisChannelLayer at BENCH_REDIS_URL. Both keep their default capacity (100
messages per channel) unless BENCH_CAPACITY is set.
"""
import os

SECRET_KEY = "herald-bench-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["channels"]
MIDDLEWARE = []
ROOT_URLCONF = "benchsite.urls"
DATABASES = {}
USE_TZ = True
ASGI_APPLICATION = "benchsite.asgi.application"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"level": "WARNING"}}

_layer = os.environ.get("BENCH_CHANNEL_LAYER", "memory")
_config = {}
if os.environ.get("BENCH_CAPACITY"):
    _config["capacity"] = int(os.environ["BENCH_CAPACITY"])
if _layer == "redis":
    _config["hosts"] = [os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")]
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": _config}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": _config}}
