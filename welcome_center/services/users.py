"""Users: add, log in, deactivate, reset a password, change the roles, change one's own
password. A user holds one or several roles. Passwords hashed with argon2."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.base import NO_VALUE

from welcome_center.db.keyring import KeyFileError
from welcome_center.db.models import User
from welcome_center.db.types import utcnow
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain import login_policy
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import AuthenticationError, NotFoundError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.views import UserView
from welcome_center.i18n import _
from welcome_center.services import audit, encryption, login_attempts, server_accounts
from welcome_center.services.context import Actor, Changes, Saved

MIN_PASSWORD_LENGTH = 10
# The first user of a new office sets it up and, in a small office, counsels too; one who does
# not gives up the counsellor's roles on the Users tab (DOMAIN.md, need to know).
FIRST_USER_ROLES = frozenset({Role.ADMIN, Role.COUNSELLOR, Role.LIST_EXPORT})
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")
_hasher = PasswordHasher()
# Verifying against this when a user does not exist keeps a wrong name as slow as a wrong password.
# Written out (hashing it at import cost a fifth of a second on every start); made with the
# hasher's parameters, which a test checks.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$YvqBnVfuyRJhgXNf+aFirw"
    "$tWl3mycKYZbkfOJqn4Uq0lYreLKad39QD8y1+1GulEY"
)


@contextmanager
def _slot(uow: UnitOfWork, username: str, password: str | None) -> Iterator[None]:
    """Keep an encrypted file's key slots in step with the users: write the user's slot under
    ``password`` (None: remove it) before the transaction that goes with it, and put the key
    file back as it was when that transaction fails. Nothing on a plain file or a server."""
    keyring = uow.db.keyring
    if keyring is None:
        yield
        return
    before = (
        keyring.set_user(username, password)
        if password is not None
        else keyring.remove_user(username)
    )
    try:
        yield
    except BaseException:
        keyring.put_back(before)
        raise


def hash_password(password: str) -> str:
    """The argon2 hash of ``password``, as stored in ``User.password_hash``."""
    return _hasher.hash(password)


def _view(u: User) -> UserView:
    # Where the hash was not loaded (a team server's login that may not read it), whether
    # there is one is not asked: only the Users tab shows it, to those who may.
    stored = inspect(u).attrs.password_hash.loaded_value
    return UserView(
        id=u.id,
        username=u.username,
        display_name=u.display_name,
        roles=u.roles,
        active=u.active,
        has_password=stored is NO_VALUE or stored is not None,
    )


def _roles(roles: Role | Iterable[Role]) -> frozenset[Role]:
    """One role or several, as a set; none at all is refused."""
    found = frozenset((roles,) if isinstance(roles, Role) else roles)
    if not found:
        raise ValidationError(_("Choose at least one role."), field="roles")
    return found


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password must have at least %(n)d characters.") % {"n": MIN_PASSWORD_LENGTH},
            field="password",
        )


def _check_username(username: str) -> None:
    if not _USERNAME.match(username):
        raise ValidationError(
            _("A user name has 2 to 64 letters, digits or . _ @ - and no spaces."),
            field="username",
        )


def check_new_user(username: str, password: str) -> None:
    """Raise ValidationError (with the field) if the name or the password would be refused."""
    _check_username(username.strip())
    _check_password(password)


def add_user(
    uow: UnitOfWork,
    actor: Actor | None,
    username: str,
    password: str,
    roles: Role | Iterable[Role],
    display_name: str = "",
) -> Saved[UserView]:
    """Create an active user with one role or several. ``actor`` may be None only for the very
    first user (first run)."""
    username = username.strip()
    _check_username(username)
    _check_password(password)
    wanted = _roles(roles)
    if actor is not None:
        actor.require(Permission.MANAGE_USERS)
    with uow.read() as s:  # before a key slot is written: never over a colleague's slot
        existing = _by_name(s, username)
        if existing is not None and existing.password_hash is not None:
            raise ValidationError(
                _("The user name %(name)s is taken.") % {"name": username}, field="username"
            )
    with _slot(uow, username, password), uow.begin() as s:
        first = not s.scalar(
            select(func.count()).select_from(User).where(User.password_hash.is_not(None))
        )
        if actor is None:
            if not first:
                raise AuthenticationError(_("Log in as an administrator to add users."))
            actor = Actor(None, f"first-run:{username}", Role.ADMIN)
        actor.require(Permission.MANAGE_USERS)
        existing = _by_name(s, username)
        if existing is not None and existing.password_hash is not None:
            raise ValidationError(
                _("The user name %(name)s is taken.") % {"name": username}, field="username"
            )
        user = existing or User(username=username, display_name="")
        if existing is None:
            s.add(user)
        user.display_name = display_name.strip() or user.display_name or username
        user.roles = wanted
        user.active = True
        user.password_hash = hash_password(password)
        s.flush()
        server_accounts.check_login_name(s, username)
        server_accounts.save_login(s, username, password, wanted)  # the server's login
        audit.log(s, actor, AuditAction.CREATE, "user", user.id, ["username", "roles"])
        return Saved(_view(user), Changes(users=True))


def _by_name(s: Session, username: str) -> User | None:
    return s.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def ensure_user(s: Session, actor: Actor, username: str) -> int:
    """The id of ``username``; an unknown one is created inactive, without a password (imports)."""
    _check_username(username.strip())
    user = _by_name(s, username)
    if user is None:
        user = User(
            username=username.strip(),
            display_name=username.strip(),
            roles=frozenset({Role.COUNSELLOR}),
            active=False,
            password_hash=None,
        )
        s.add(user)
        s.flush()
        audit.log(s, actor, AuditAction.CREATE, "user", user.id, ["username"], detail="inactive")
    return user.id


def authenticate(
    uow: UnitOfWork, username: str, password: str, now: datetime | None = None
) -> Actor:
    """The actor for a correct name and password: THE login on an open database (the login
    dialog, the idle lock, the command line). Throttled per name tried (domain/login_policy.py):
    an attempt before the wait after failures is over, or while the name is locked, is refused
    without checking the password. One message for every failure, whether the user exists or
    not, with what the next attempt must wait for. Every failure is counted and recorded in the
    audit log (the name tried, and why) in a short transaction of its own, after the one that
    held the write lock while argon2 worked. ``now``: the clock (tests)."""
    now = now or utcnow()
    name = login_policy.account_key(username)
    login_attempts.flush(uow, now)  # failed first logins of an encrypted file
    with uow.read() as s:
        verdict = login_policy.check(login_attempts.stored(s, name), now)
    if verdict.refusal is not None:
        with uow.begin() as s:
            user = _by_name(s, username)
            audit.log_failed_login(s, username, user.id if user else None, verdict.refusal.value)
        raise AuthenticationError(login_attempts.refusal_message(verdict))
    try:
        actor = _authenticate(uow, username, password, name)
    except AuthenticationError:
        with uow.begin() as s:
            user = _by_name(s, username)
            reason = (
                "unknown_user" if user is None
                else "inactive" if not user.active
                else "no_password" if user.password_hash is None
                else "wrong_password"
            )  # fmt: skip
            after = login_attempts.count_failure(s, name, now)
            audit.log_failed_login(s, username, user.id if user else None, reason)
        raise AuthenticationError(login_attempts.failure_message(after, now)) from None
    login_attempts.forget_in_file(uow.db.path, name, now)
    _ensure_slot(uow, actor.name, password)
    return actor


def _authenticate(uow: UnitOfWork, username: str, password: str, name: str) -> Actor:
    failure = AuthenticationError(_("User name or password is wrong."))
    with uow.begin() as s:
        user = _by_name(s, username)
        if server_accounts.signed_in_as_login(uow.db):  # the server checks the password
            if user is None or not user.active:
                raise failure
            if not server_accounts.password_opens(uow.db, user.username, password):
                raise failure
        else:
            try:
                if user is None or not user.active or user.password_hash is None:
                    _hasher.verify(_DUMMY_HASH, password + "x")
                    raise failure
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                raise failure from None
        actor = Actor(user.id, user.username, user.roles)
        stored = None if server_accounts.signed_in_as_login(uow.db) else user.password_hash
        if stored is not None and _hasher.check_needs_rehash(stored):
            user.password_hash = hash_password(password)
        login_attempts.forget(s, name)
        audit.log(s, actor, AuditAction.LOGIN, "user", user.id)
        return actor


def _ensure_slot(uow: UnitOfWork, username: str, password: str) -> None:
    """On an encrypted file, a user without a key slot (activated again, or added before the
    file was encrypted) gets one at a login on the open database, so that they can open the
    file themselves next time. A key file that cannot be written leaves the login as it is."""
    with suppress(OSError, KeyFileError):
        encryption.ensure_slot(uow.db, username, password)


def unlock_login(uow: UnitOfWork, actor: Actor, user_id: int) -> Saved[UserView]:
    """Lift the lock (and forget the failures) of a user's logins: an administrator's action,
    audited."""
    actor.require(Permission.MANAGE_USERS)
    with uow.begin() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFoundError(_("This user does not exist."))
        login_attempts.forget(s, login_policy.account_key(user.username))
        audit.log(s, actor, AuditAction.UNLOCK_LOGIN, "user", user.id)
        view = _view(user)
    login_attempts.forget_in_file(uow.db.path, user.username, utcnow())
    return Saved(view, Changes(users=True))


def _has_failures(uow: UnitOfWork, username: str) -> bool:
    with uow.read() as s:
        return login_policy.account_key(username) in login_attempts.all_stored(s)


def list_users(
    uow: UnitOfWork, include_inactive: bool = True, now: datetime | None = None
) -> list[UserView]:
    """All users, by user name, each with the end of their login lock if locked at ``now``."""
    now = now or utcnow()
    with uow.read() as s:
        stmt = select(User).order_by(User.username)
        missing: set[str] = set()
        if server_accounts.reads_password_hashes(s):  # whether each has one (the Users tab)
            stmt = stmt.options(undefer(User.password_hash))
            missing = server_accounts.logins_without_password(s)  # a server's login has none
        if not include_inactive:
            stmt = stmt.where(User.active.is_(True))
        attempts = login_attempts.all_stored(s)
        found = []
        for u in s.scalars(stmt):
            tried = attempts.get(login_policy.account_key(u.username))
            until = login_policy.locked_until(tried, now) if tried else None
            view = replace(_view(u), locked_until=until)
            if u.username.lower() in missing:
                view = replace(view, has_password=False)
            found.append(view)
        return found


def has_users(uow: UnitOfWork) -> bool:
    """Whether anyone can log in yet (false before the first run)."""
    with uow.read() as s:
        return bool(
            s.scalar(select(func.count()).select_from(User).where(User.password_hash.is_not(None)))
        )


def _update(
    uow: UnitOfWork,
    actor: Actor,
    user_id: int,
    what: AuditAction,
    password: str | None = None,
    **values: object,
) -> Saved[UserView]:
    actor.require(Permission.MANAGE_USERS)
    with uow.begin() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFoundError(_("This user does not exist."))
        if actor.user_id == user_id:
            _check_own_change(user.roles, values)
        for k, v in values.items():
            setattr(user, k, v)
        server_accounts.save_login(s, user.username, password, user.roles, user.active)
        audit.log(s, actor, what, "user", user.id, [k for k in values if k != "password_hash"])
        return Saved(_view(user), Changes(users=True))


def set_active(uow: UnitOfWork, actor: Actor, user_id: int, active: bool) -> Saved[UserView]:
    """Activate or deactivate a user (deactivated users cannot log in; their work stays). A
    deactivated user's key slot is removed: they can no longer open an encrypted file; once
    active again, they get one at their next login on an open desk or with a new password."""
    action = AuditAction.ACTIVATE if active else AuditAction.DEACTIVATE
    if active:
        return _update(uow, actor, user_id, action, active=active)
    actor.require(Permission.MANAGE_USERS)
    with _slot(uow, _username(uow, user_id), None):
        return _update(uow, actor, user_id, action, active=active)


def _username(uow: UnitOfWork, user_id: int) -> str:
    with uow.read() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFoundError(_("This user does not exist."))
        return user.username


def _check_own_change(held: frozenset[Role], values: dict[str, object]) -> None:
    """One's own account: never deactivated, never given a role, and never without the
    administrator's role (which would lock the office out); giving up another role is fine."""
    roles = values.get("roles")
    gains = isinstance(roles, frozenset) and not roles <= held
    loses_admin = isinstance(roles, frozenset) and Role.ADMIN in held and Role.ADMIN not in roles
    if values.get("active") is False or gains or loses_admin:
        raise ValidationError(
            _(
                "You cannot deactivate yourself, give yourself a role or give up your own "
                "administrator role."
            )
        )


def set_roles(
    uow: UnitOfWork, actor: Actor, user_id: int, roles: Role | Iterable[Role]
) -> Saved[UserView]:
    """Give a user these roles (one or several) instead of the ones they hold."""
    return _update(uow, actor, user_id, AuditAction.UPDATE, roles=_roles(roles))


def set_role(uow: UnitOfWork, actor: Actor, user_id: int, role: Role) -> Saved[UserView]:
    """Give a user this one role instead of the ones they hold."""
    return set_roles(uow, actor, user_id, role)


def reset_password(uow: UnitOfWork, actor: Actor, user_id: int, password: str) -> Saved[UserView]:
    """Set a new password (an administrator's action); on an encrypted file the user's key
    slot is written anew under it (a deactivated user gets none: they cannot log in). A lock
    after failed logins is lifted with it: the new password is the administrator's answer."""
    _check_password(password)
    actor.require(Permission.MANAGE_USERS)
    new_hash = hash_password(password)
    with uow.read() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFoundError(_("This user does not exist."))
        username, active = user.username, user.active
    with _slot(uow, username, password if active else None):
        saved = _update(
            uow, actor, user_id, AuditAction.RESET_PASSWORD, password, password_hash=new_hash
        )
    if _has_failures(uow, username):
        unlock_login(uow, actor, user_id)
    return saved


def change_own_password(uow: UnitOfWork, actor: Actor, current: str, new: str) -> Saved[UserView]:
    """The logged-in user replaces their own password, proving the current one first. The
    new one follows the rules of every password and differs from the current one."""
    inactive = AuthenticationError(_("Your account is no longer active; log in again."))
    if actor.user_id is None:
        raise ValidationError(_("The command line has no password of its own to change."))
    if server_accounts.signed_in_as_login(uow.db):
        return _change_login_password(uow, actor, current, new)
    with uow.read() as s:  # argon2 takes a moment: not while holding the write lock
        user = s.get(User, actor.user_id)
        if user is None or not user.active or user.password_hash is None:
            raise inactive
        old_hash = user.password_hash
    try:
        _hasher.verify(old_hash, current)
    except (VerificationError, InvalidHashError):
        raise ValidationError(_("This is not your current password."), field="current") from None
    _check_password(new)
    if new == current:
        raise ValidationError(
            _("The new password must differ from the current one."), field="password"
        )
    new_hash = hash_password(new)
    with _slot(uow, actor.name, new), uow.begin() as s:
        user = s.get(User, actor.user_id)
        if user is None or not user.active:
            raise inactive
        if user.password_hash != old_hash:  # reset by an administrator meanwhile
            raise ValidationError(_("This is not your current password."), field="current")
        user.password_hash = new_hash
        audit.log(s, actor, AuditAction.CHANGE_PASSWORD, "user", user.id)
        return Saved(_view(user), Changes(users=True))


def _change_login_password(
    uow: UnitOfWork, actor: Actor, current: str, new: str
) -> Saved[UserView]:
    """Signed in to a team server as one's own login: the server checks the current password
    and stores the new one (ALTER ROLE); the login may not read or write the hashes."""
    assert actor.user_id is not None
    if not server_accounts.password_opens(uow.db, actor.name, current):
        raise ValidationError(_("This is not your current password."), field="current")
    _check_password(new)
    if new == current:
        raise ValidationError(
            _("The new password must differ from the current one."), field="password"
        )
    new_hash = hash_password(new)
    with uow.begin() as s:
        user = s.get(User, actor.user_id)
        if user is None or not user.active:
            raise AuthenticationError(_("Your account is no longer active; log in again."))
        server_accounts.change_own_password(s, new, new_hash)
        audit.log(s, actor, AuditAction.CHANGE_PASSWORD, "user", user.id)
        view = UserView(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            roles=user.roles,
            active=user.active,
            has_password=True,
        )
        return Saved(view, Changes(users=True))
