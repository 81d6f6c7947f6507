"""Each desk user signs in to the team server as their own database login (docs/ARCHITECTURE.md,
"The team server's roles"): the server checks the password and enforces the user's roles.

A desk keeps the server's URL without a password; at sign-in the user's name and password open
the connection as their login (``<prefix>_u_<name>``). Adding a user, a new password, new roles
or deactivating a user on the desk is passed on to the login in the same transaction, through
the functions ``server setup`` made (db/server_roles.py). Nothing of this happens on a SQLite
file, or on a server database that ``server setup`` has not been run on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from welcome_center.db import search as db_search
from welcome_center.db import server_roles
from welcome_center.db.engine import Database, server_options
from welcome_center.db.models import User
from welcome_center.db.server_roles import ServerRoles
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import (
    AuthenticationError,
    DomainError,
    PermissionDeniedError,
    ValidationError,
)
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _
from welcome_center.services.context import Actor
from welcome_center.services.storage import open_database


def is_server(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def needs_sign_in(url: str) -> bool:
    """A server URL without a user name (and password): each user signs in with their own
    login. A URL with a user name connects as that role, its password from the URL or from
    libpq's own sources (``.pgpass``), as before."""
    return is_server(url) and not make_url(url).username


def roles_of(url: str) -> ServerRoles:
    return ServerRoles.of_database(make_url(url).database or "")


def login_url(url: str, username: str, password: str) -> str:
    """``url`` opened as ``username``'s login with ``password``."""
    login = roles_of(url).login(username)
    return make_url(url).set(username=login, password=password).render_as_string(False)


def signed_in_as_login(db: Database) -> bool:
    """Whether the database was opened as a desk user's own login (not as the owner)."""
    if db.is_sqlite:
        return False
    user = make_url(db.url).username or ""
    return user.startswith(roles_of(db.url).login(""))


def password_opens(db: Database, username: str, password: str) -> bool:
    """Whether the server lets ``username``'s login in with ``password`` (a connection of its
    own, closed at once): the server checks a password, not the desk."""
    engine = create_engine(
        login_url(db.url, username, password),
        poolclass=None,
        connect_args={"options": server_options()},
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except DBAPIError:
        return False
    finally:
        engine.dispose()


def open_signed_in(url: str, backup_dir: Path | None, username: str, password: str) -> Database:
    """The server database at ``url`` (without a password) opened as ``username``'s login.
    A refused connection (wrong name or password, a login that may not log in) raises the
    login's one message; the server did the checking."""
    signed_in = login_url(url, username.strip(), password)
    try:
        db = open_database(signed_in, backup_dir)
    except DomainError as exc:
        refused = str(exc.__cause__ or "")
        if "password authentication failed" in refused or "not permitted to log in" in refused:
            # The server answers a login without a password (made by 'server setup' for a
            # database's users) as it answers a wrong password, to anyone: both are said.
            raise AuthenticationError(
                _(
                    "User name or password is wrong, or your login on this server has no "
                    "password yet. If you have not signed in on this server before, ask an "
                    "administrator to set your password."
                )
            ) from None
        if ("permission denied" in refused or "must be owner" in refused) and _behind(signed_in):
            raise DomainError(
                _(
                    "The database on the server is older than this program. The server's "
                    "administrator brings it up to date with 'welcome-center server setup'; "
                    "until then this desk cannot sign in."
                )
            ) from exc
        raise
    try:  # its searches through the server's functions (db/search.py)
        with db.engine.connect() as conn:
            db.update_execution_options(**db_search.through_functions(conn))
    except BaseException:
        db.dispose()
        raise
    return db


def _behind(url: str) -> bool:
    """Whether the schema is older than the program's (a login may not upgrade it)."""
    from welcome_center.db import migrate
    from welcome_center.db.engine import open_engine

    db = open_engine(url)
    try:
        return migrate.pending(db)
    except DBAPIError:
        return False
    finally:
        db.dispose()


def sign_in(
    url: str, backup_dir: Path | None, username: str, password: str
) -> tuple[Database, Actor]:
    """A desk's (or the command line's) sign-in to the server at ``url``: the connection as
    the user's login, then the login on the open database (``users.authenticate``: the user
    found, active, the login recorded). The database is closed again when that fails."""
    from welcome_center.services import users

    db = open_signed_in(url, backup_dir, username, password)
    try:
        return db, users.authenticate(UnitOfWork(db), username, password)
    except BaseException:
        db.dispose()
        raise


def set_up_here(uow: UnitOfWork) -> bool:
    """Whether this is a server database that ``server setup`` set up."""
    with uow.read() as s:
        return _passes_on(s)


def _passes_on(s: Session) -> bool:
    """Whether logins are kept in step here: a server database that ``server setup`` set up."""
    if s.get_bind().dialect.name != "postgresql":
        return False
    return server_roles.is_set_up(s.connection())


def may_read(s: Session, table: str, column: str) -> bool:
    """Whether this connection may read ``table.column`` (a file always; on a server as the
    login's groups allow: a manager's reads no organisation's notes, for one). ``table`` is
    the one the login's queries reach: a manager's is a view without the column."""
    if s.get_bind().dialect.name != "postgresql":
        return True
    sql = text(
        "SELECT has_column_privilege(attrelid, attnum, 'SELECT') FROM pg_attribute"
        " WHERE attrelid = to_regclass(:t) AND attname = :c AND NOT attisdropped"
    )
    return bool(s.execute(sql, {"t": table, "c": column}).scalar())


def import_refusal(uow: UnitOfWork, actor: Actor) -> str | None:
    """Why ``actor`` may not import a list here, said before the file is read (None: they
    may). An import looks for the list's clients among those saved, by name, and saves case
    content: on a team server, whose logins read only what their roles may, that takes a user
    who also counsels; an administrator's login reads no case content."""
    if not actor.may(Permission.IMPORT):
        return _("Your role does not allow this.")
    if signed_in_as_login(uow.db) and not actor.may(Permission.WORK_RECORDS):
        return _(
            "On the team server a list is imported by a user who also counsels: the import "
            "looks for the list's clients among those saved, by name, and saves records, "
            "which an administrator's login may not read. Sign in as a user with the role "
            "'Counsellor', or ask an administrator to give you that role as well."
        )
    return None


def duplicates_refusal(uow: UnitOfWork, actor: Actor) -> str | None:
    """Why ``actor`` may not look for likely duplicates here (None: they may). The search
    compares the persons' names, which on a team server an administrator's login may not
    read; said on the tab instead of the server's refusal after the click."""
    if signed_in_as_login(uow.db) and not actor.may(Permission.WORK_RECORDS):
        return _(
            "On the team server duplicates are looked for by a user who also counsels: the "
            "search compares the persons' names, which an administrator's login may not "
            "read. Sign in as a user with the role 'Counsellor', or ask an administrator to "
            "give you that role as well."
        )
    return None


def require_import(uow: UnitOfWork, actor: Actor) -> None:
    """Raise PermissionDeniedError with import_refusal's reason, if there is one."""
    reason = import_refusal(uow, actor)
    if reason is not None:
        raise PermissionDeniedError(reason)


def reads_password_hashes(s: Session) -> bool:
    """Whether this connection may read ``users.password_hash`` (the owner's and an
    administrator's login on a server)."""
    return may_read(s, "users", "password_hash")


def check_login_name(s: Session, username: str) -> None:
    """Refuse a user name too long for a login of this office (PostgreSQL's 63 bytes)."""
    if _passes_on(s) and not roles_of(_url(s)).login_fits(username):
        raise ValidationError(
            _("On this server a user name may have at most %(n)d characters.")
            % {"n": server_roles.NAME_LIMIT - len(roles_of(_url(s)).login(""))},
            field="username",
        )


def _url(s: Session) -> str:
    return s.get_bind().engine.url.render_as_string(hide_password=True)


def save_login(
    s: Session,
    username: str,
    password: str | None,
    roles: Iterable[Role] | None,
    active: bool = True,
) -> None:
    """Pass a user's new password, roles or activity on to their login, in the caller's
    transaction (nothing on a SQLite file or a server without ``server setup``)."""
    if _passes_on(s):
        server_roles.save_login(s.connection(), username, password, roles, active)


def change_own_password(s: Session, password: str, password_hash: str) -> bool:
    """The signed-in login's own new password (and the argon2 hash of it in ``users``);
    False where there is no login to change."""
    if not _passes_on(s):
        return False
    server_roles.change_own_password(s.connection(), password, password_hash)
    return True


def logins_without_password(s: Session) -> set[str]:
    """The user names (lower case) whose logins on this server have no password yet: made by
    ``server setup`` for a database's users, not given one by an administrator since (none
    on a file)."""
    if not _passes_on(s):
        return set()
    roles = roles_of(_url(s))
    marked = server_roles.logins_without_password(s.connection(), roles)
    return {login.removeprefix(roles.login("")) for login in marked}


@dataclass(frozen=True)
class SetUp:
    prefix: str
    logins: int  # users whose logins were made or brought up to date
    # Active users whose logins have no password yet (an administrator sets one), by name.
    without_password: tuple[str, ...] = ()


def set_up_server(url: str, admin: str | None = None, password: str | None = None) -> SetUp:
    """``server setup``: the schema (migrations), the office's roles, GRANTs and row-level
    security, and a login for each user (without a password: an administrator gives one; the
    one named ``admin`` gets ``password``). Run as a role that may create roles; again, it
    brings everything up to date and changes no password but ``admin``'s, and writes the search
    entries still waiting for a desk (db/search.py, catch_up_stale)."""
    if not is_server(url):
        raise DomainError(_("'server setup' is for a PostgreSQL server, not a database file."))
    from welcome_center.services import users

    db = open_database(url, create=True)
    roles = roles_of(url)
    try:
        with db.engine.begin() as conn:
            try:
                server_roles.set_up(conn, roles)
            except server_roles.PrefixTakenError as exc:
                raise DomainError(
                    _(
                        "The role names %(prefix)s_* belong to the database %(other)s on this "
                        "server already; give this office's database a name that differs in "
                        "its first 20 letters and digits. No role or right was made."
                    )
                    % {"prefix": exc.prefix, "other": exc.database}
                ) from None
        uow = UnitOfWork(db)
        if admin is not None and password is not None and not users.has_users(uow):
            users.add_user(uow, None, admin, password, users.FIRST_USER_ROLES)
        with uow.begin() as s:
            found = list(s.scalars(select(User).order_by(User.id)))
            if admin is not None and not any(
                u.username.lower() == admin.strip().lower() for u in found
            ):
                raise DomainError(_("There is no user %(user)s.") % {"user": admin})
            for user in found:
                named = admin is not None and user.username.lower() == admin.strip().lower()
                if not roles.login_fits(user.username):
                    continue
                server_roles.save_login(
                    s.connection(),
                    user.username,
                    password if named else None,
                    user.roles,
                    user.active,
                )
            count = int(s.scalar(select(func.count()).select_from(User)) or 0)
            server_roles.mark_logins_from_the_catalog(s.connection(), roles)
            # Search entries a desk that sees their records has not written yet (a client
            # renamed by a colleague who does not): the owner sees every record.
            db_search.catch_up_stale(s)
            marked = server_roles.logins_without_password(s.connection(), roles)
            missing = tuple(
                u.username for u in found if u.active and roles.login(u.username) in marked
            )
    finally:
        db.dispose()
    return SetUp(roles.prefix, count, missing)
