"""The user's settings: which database, who is acting, and in which language.

One pydantic-settings object read from, in order of precedence: explicit arguments (the
command line), ``RECIPROCITY_*`` environment variables, then ``config.toml`` in the
platformdirs config folder. It is created by the face and passed down explicitly; nothing
here is a module-level global, so tests isolate it with ``XDG_CONFIG_HOME``/``XDG_DATA_HOME``.

Who you are belongs to a database: the app's "who are you?" answer is saved under
``[acting_members]``, keyed by :func:`database_key`, so a choice made on one database
never stops commands on another. A top-level ``acting_member`` (written by hand, or by
older versions) still applies to every database.
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
        description="Name of the member the faces act as, on every database.",
    )
    acting_members: dict[str, str] = Field(
        default_factory=dict,
        description="Who the app acts as on each database, keyed by database_key(url).",
    )
    lang: str | None = Field(default=None, description="The language: en or nl.")

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

    def saved_member(self, url: str) -> str | None:
        """The member the app was told to act as on this database, if any."""
        return self.acting_members.get(database_key(url))


def database_key(url: str) -> str:
    """One name for one database however its URL was typed, without its password.

    A SQLite file is named by its absolute path; any other URL by SQLAlchemy's rendering
    with the password masked, so ``config.toml`` never holds a password it was not given.
    """
    from sqlalchemy.engine.url import make_url
    from sqlalchemy.exc import ArgumentError

    from reciprocity.store.engine import display_url

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return display_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return f"sqlite:///{Path(parsed.database or '').expanduser().resolve()}"
    return display_url(url)


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


def save_acting_member(name: str, *, database: str, path: Path | None = None) -> Path:
    """Remember who the app acts as on ``database`` (a URL): ``[acting_members]`` in
    ``config.toml``.

    Every other setting in the file is kept as it is (tomlkit keeps comments and layout).
    A top-level ``acting_member`` is removed: it would apply to every database, which is
    what a choice made on one database must not do. Returns the file written.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    target = path or config_file()
    document = tomlkit.document()
    if target.exists():
        try:
            document = tomlkit.parse(target.read_text(encoding="utf-8"))
        except TOMLKitError as error:
            raise SettingsError(
                f"The settings file {target} is not valid TOML ({error}); fix or remove it."
            ) from None
    for legacy in ("acting_member", "as"):
        document.pop(legacy, None)
    table = document.get("acting_members")
    if not isinstance(table, dict):
        table = tomlkit.table()
        document["acting_members"] = table
    table[database_key(database)] = name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_text(tomlkit.dumps(document), encoding="utf-8")
    partial.replace(target)
    return target
