from __future__ import annotations

from importlib.metadata import version

from hello.config import Settings


def test_settings_come_from_environment() -> None:
    settings = Settings.from_env(
        {"HELLO_VERSION": "9.9.9", "HELLO_REVISION": "abc", "HELLO_ENVIRONMENT": "dev"}
    )
    assert settings == Settings(version="9.9.9", revision="abc", environment="dev")


def test_settings_defaults_are_safe() -> None:
    settings = Settings.from_env({})
    assert settings.revision == "unknown"
    assert settings.environment == "local"
    assert settings.service == "hello"
    assert settings.version == version("hello")


def test_empty_values_fall_back_to_defaults() -> None:
    settings = Settings.from_env({"HELLO_REVISION": "", "HELLO_ENVIRONMENT": ""})
    assert settings.revision == "unknown"
    assert settings.environment == "local"
