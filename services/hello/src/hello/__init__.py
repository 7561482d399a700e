"""The hello web service."""

from hello.app import create_app

__all__ = ["create_app"]
