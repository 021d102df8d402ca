"""Alembic environment: the database URL comes from our Settings (or the caller's config)."""

from alembic import context

import bot.conversations.models
import bot.counsellors.models
import bot.offices.models
import bot.telegram.models
import bot.tickets.models  # noqa: F401
import catalogue.models  # noqa: F401
import monitoring.models  # noqa: F401
from core.config import get_settings
from core.db import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run() -> None:
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
