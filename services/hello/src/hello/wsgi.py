"""The WSGI entry point gunicorn serves."""

from hello.app import create_app

app = create_app()
