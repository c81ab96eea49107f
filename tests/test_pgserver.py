"""The `db_url` fixture gives a working, empty database on each backend."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text


def test_db_url_is_a_fresh_database_of_its_backend(
    db_url: str, request: pytest.FixtureRequest
) -> None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("select 1")).scalar_one() == 1
            assert inspect(connection).get_table_names() == []
        assert engine.dialect.name == request.node.callspec.params["db_url"]
    finally:
        engine.dispose()
