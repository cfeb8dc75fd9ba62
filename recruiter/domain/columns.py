"""Column builders every table module shares, and the metadata's constraint naming: imported
before any table is declared (models.py does so first)."""

from enum import Enum
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

# Names for unnamed constraints, so migrations can refer to them on every backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def enum_type(e: type[Enum], column: str) -> SAEnum:
    """A VARCHAR holding the member name, with a CHECK named after its column."""
    return SAEnum(
        e,
        native_enum=False,
        create_constraint=True,
        length=20,
        validate_strings=True,
        name=f"{column}_values",
    )


def versioned() -> Any:
    """`__mapper_args__` making the ORM keep and check the row's `version` (optimistic locking,
    see store/versions.py); declared per class because the column exists only once SQLModel has
    built the table."""

    def mapper_args(cls: Any) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}

    return declared_attr.directive(mapper_args)


def version_field() -> Any:
    return Field(default=1, sa_column_kwargs={"server_default": "1"})


def fk(target: str, ondelete: str, nullable: bool = False, index: bool = True) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)
