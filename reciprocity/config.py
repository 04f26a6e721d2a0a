"""The user's settings: which database, and who is acting.

One pydantic-settings object read from, in order of precedence: explicit arguments (the
command line), ``RECIPROCITY_*`` environment variables, then ``config.toml`` in the
platformdirs config folder. It is created by the face and passed down explicitly; nothing
here is a module-level global, so tests isolate it with ``XDG_CONFIG_HOME``/``XDG_DATA_HOME``.
"""

import tomllib
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "reciprocity"


def config_dir() -> Path:
    """The folder that holds ``config.toml``."""
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The folder that holds the embedded databases."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def config_file() -> Path:
    """The settings file; it need not exist."""
    return config_dir() / "config.toml"


def default_database_url() -> str:
    """The embedded SQLite database used when no URL is configured."""
    return f"sqlite:///{data_dir() / 'reciprocity.sqlite'}"


def demo_database_url() -> str:
    """The separate SQLite database behind ``--demo``, so demo rows never mix with real ones."""
    return f"sqlite:///{data_dir() / 'demo.sqlite'}"


class Settings(BaseSettings):
    """Resolved settings for one run of a face."""

    model_config = SettingsConfigDict(env_prefix="RECIPROCITY_", extra="ignore")

    db: str | None = Field(default=None, description="SQLAlchemy URL of the database.")
    acting_member: str | None = Field(
        default=None,
        validation_alias=AliasChoices("acting_member", "RECIPROCITY_AS", "as"),
        description="Name of the member the faces act as.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then environment, then the TOML file."""
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )

    def database_url(self) -> str:
        """The configured URL, or the default embedded database."""
        return self.db or default_database_url()


class SettingsError(Exception):
    """The settings file or environment holds something unusable; ``str()`` is one sentence."""


def load_settings(**overrides: Any) -> Settings:
    """The settings, with a sentence instead of a traceback for a broken settings file."""
    try:
        return Settings(**overrides)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(
            f"The settings file {config_file()} is not valid TOML ({error}); fix or remove it."
        ) from None
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "a setting"
        raise SettingsError(
            f"The setting '{where}' in {config_file()} or the environment is invalid "
            f"({problem['msg']}); fix or remove it."
        ) from None


def _toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes (``\\"``, ``\\\\``, ``\\n``, ``\\uXXXX``) are TOML's."""
    import json

    return json.dumps(value, ensure_ascii=False)


def save_acting_member(name: str, *, path: Path | None = None) -> Path:
    """Remember who the faces act as: set ``acting_member`` in ``config.toml``.

    Other settings in the file are kept as they are; a previous ``acting_member`` line is
    replaced. The folder is created if needed. Returns the file written.
    """
    target = path or config_file()
    lines: list[str] = []
    if target.exists():
        text = target.read_text(encoding="utf-8")
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(
                f"The settings file {target} is not valid TOML ({error}); fix or remove it."
            ) from None
        in_table = False
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("["):
                in_table = True
            key = stripped.split("=", 1)[0].strip().strip("\"'")
            if not in_table and "=" in stripped and key in {"acting_member", "as"}:
                continue
            lines.append(line)
    target.parent.mkdir(parents=True, exist_ok=True)
    content = "\n".join([f"acting_member = {_toml_string(name)}", *lines]).rstrip("\n") + "\n"
    target.write_text(content, encoding="utf-8")
    return target
