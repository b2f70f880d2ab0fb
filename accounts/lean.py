"""The reads every signed-in request makes, without the ORM's query compiler.

Each project request reads the session, the signed-in user and their memberships
joined to the project in one statement (planner.access; the session's data and
`request.user` are made from that row, `SessionStore.take` and `user_read_already`,
with all of Django's checks). Compiled by the ORM, those
statements cost about 1.7 ms of CPU, more than the page cache's whole answer; written
once here as plain SQL they cost about a quarter of that (`bench/bench_inprocess.py`).
The columns come from the models' own fields, so the statements follow every
migration, and the rows become real model instances through `Model.from_db`, as the
ORM's own are.

The SQL is standard (both SQLite and PostgreSQL run it); every value is a parameter.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.db import connection, models
from django.utils import timezone

from accounts.models import Session


@cache
def _layout(model: type[models.Model]) -> tuple[list, list[str], int, list]:
    """The model's columns in order, their attribute names, where the primary key is,
    and each column's converters (what the ORM applies to raw values: dates on
    SQLite, JSON)."""
    fields = list(model._meta.concrete_fields)
    converters = []
    for field in fields:
        expression = field.get_col(model._meta.db_table)
        found = field.get_db_converters(connection) + connection.ops.get_db_converters(expression)
        converters.append([(converter, expression) for converter in found])
    pk = [f.primary_key for f in fields].index(True)
    return fields, [f.attname for f in fields], pk, converters


def columns(model: type[models.Model], alias: str) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in _layout(model)[0])


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def instances(row: tuple, *models_: type[models.Model]) -> list[models.Model | None]:
    """Cut one row into an instance of each model, in order; None where a LEFT JOIN
    found nothing (its primary key is NULL)."""
    out, start = [], 0
    for model in models_:
        fields, attnames, pk, converters = _layout(model)
        values = list(row[start : start + len(fields)])
        start += len(fields)
        if values[pk] is None:
            out.append(None)
            continue
        for i, column_converters in enumerate(converters):
            for converter, expression in column_converters:
                if values[i] is not None:
                    values[i] = converter(values[i], expression, connection)
        out.append(model.from_db(connection.alias, attnames, values))
    return out


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@cache
def _user_sql() -> str:
    user = get_user_model()
    pk = connection.ops.quote_name(user._meta.pk.column)
    return f"SELECT {columns(user, 'u')} FROM {table(user)} u WHERE u.{pk} = %s"  # noqa: S608


# A user row read by a statement that needed it anyway (planner.access reads the
# signed-in user with their memberships): `UserBackend.get_user` takes it from here.
_read_already: ContextVar = ContextVar("user_read_already", default=None)


def session_user_id(request):
    """The signed-in user's id as the session holds it (None when nobody is signed in),
    converted as `django.contrib.auth.get_user` converts it."""
    value = request.session.get(SESSION_KEY)
    return None if value is None else get_user_model()._meta.pk.to_python(value)


@contextmanager
def user_read_already(user):
    """While inside, `request.user` is made from `user` (if it is the session's user)
    instead of being read again; Django's checks (backend, session hash) all still run."""
    token = _read_already.set(user)
    try:
        yield
    finally:
        _read_already.reset(token)


class UserBackend(ModelBackend):
    """Django's ModelBackend, reading the signed-in user with one plain statement (or
    none, when the request's access check read the user already)."""

    def get_user(self, user_id):
        user = _read_already.get()
        if user is None or user.pk != user_id:
            rows = fetch(_user_sql(), [user_id])
            if not rows:
                return None
            (user,) = instances(rows[0], get_user_model())
        return user if self.user_can_authenticate(user) else None


class SessionStore(db.SessionStore):
    """Django's database sessions (accounts.models.Session, which also holds the
    signed-in user's id), read with one plain statement, or with none when the access
    check's statement read the session already (`take`)."""

    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = None if user_id is None else get_user_model()._meta.pk.to_python(user_id)
        return session

    def take(self, session_data: str) -> None:
        """The session's data as a statement that read more beside it found it: the
        session is not read again (the cookie named the key that statement matched)."""
        self._session_cache = self.decode(session_data)
        self.accessed = True

    def _get_session_from_db(self):
        rows = fetch(
            f"SELECT session_data FROM {table(self.model)} "  # noqa: S608
            "WHERE session_key = %s AND expire_date > %s",
            [self.session_key, now_value()],
        )
        if not rows:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=rows[0][0])


def now_value():
    """Now, as a statement's parameter compares it with a session's expiry."""
    return connection.ops.adapt_datetimefield_value(timezone.now())
