"""Who may log in, as what, and for how long: the user and session store the hub checks every
command against. Qt-free. Each method opens its own transaction on the event log's database,
so the hub's writer thread and a `jingbao users` command can use it side by side.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from db.models import SessionRow, UserRow
from db.schema import writing

IDLE = timedelta(hours=8)  # a session unused this long ends: a shift, with a break
ABSOLUTE = timedelta(hours=24)  # and none outlives a day, however busy
NAME = re.compile(r"[\w.\-]{1,40}")  # \w: letters and digits of any script (Chinese too), _
SWEEP_GRACE = timedelta(minutes=1)  # an ended session's row is deleted this much later
MIN_PASSWORD = 8
MAX_INSURER = 40
MAX_WORKSTATION = 80
REFUSED = "wrong user name or password"


class Role(StrEnum):
    """What a person does at the center; ROLE_VERBS says what each may send to the hub.

    An admin manages users and nothing operational: an account that can create accounts
    should not also dispatch, or it could give itself any power unseen. A lead who also runs
    the user list logs in twice, once for each job, and the log says which hat did what.
    """

    DISPATCHER = "dispatcher"
    RADIO_OPERATOR = "radio_operator"
    SHIFT_LEAD = "shift_lead"
    ADMIN = "admin"
    INSURER_CLERK = "insurer_clerk"  # reads its own insurer's cases, sends nothing


DISPATCH_VERBS = frozenset({"triage", "override_triage", "answer_question", "refer", "close",
                            "reopen", "recall", "merge", "keep_apart", "dispatch",
                            "set_unit_status"})
RADIO_VERBS = frozenset({"page", "group_page", "poll", "map_radio", "acknowledge_emergency",
                         "push_to_talk"})
_DISPATCHER = DISPATCH_VERBS | {"page", "poll", "acknowledge_emergency"}
_RADIO_OPERATOR = RADIO_VERBS | {"acknowledge_emergency", "set_unit_status"}

# The one table the hub's role check reads: which command verbs each role may send.
ROLE_VERBS: dict[Role, frozenset[str]] = {
    Role.DISPATCHER: _DISPATCHER,
    Role.RADIO_OPERATOR: _RADIO_OPERATOR,
    Role.SHIFT_LEAD: _DISPATCHER | _RADIO_OPERATOR,
    Role.ADMIN: frozenset({"users"}),
    Role.INSURER_CLERK: frozenset(),
}


def may(role: Role | str, verb: str) -> bool:
    """Whether `role` may send `verb`. A verb nobody lists is refused to everyone, so a new
    verb is closed until someone decides whose it is."""
    return verb in ROLE_VERBS[Role(role)]


class UserError(ValueError):
    """A change, login or resume the store refused; the message is the reason, fit to show."""


class InvalidUser(UserError):
    """A name, password, role or insurer that breaks the rules."""


class UnknownUser(UserError):
    pass


class DuplicateUser(UserError):
    pass


class LastAdmin(UserError):
    """Refused because it would leave no active admin, and so nobody to manage users."""


class LoginRefused(UserError):
    """Wrong name and wrong password read the same, so a guesser learns no user names."""


class SessionExpired(UserError):
    pass


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    insurer: str | None  # the insurer an insurer clerk works for; None for everyone else
    active: bool


@dataclass(frozen=True)
class Session:
    """A login at one workstation. The token is the only copy of the secret: the database
    holds its SHA-256, and it is left out of repr so a logged session leaks nothing."""

    token: str = field(repr=False)
    user: User
    workstation: str
    expires_at: datetime


_USER = (UserRow.name, UserRow.role, UserRow.insurer, UserRow.active)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back the UTC times it was given without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normal(name: str) -> str:
    """One spelling per name, however an input method composed its characters."""
    return unicodedata.normalize("NFC", name)


def _sweep(connection: Connection) -> datetime:
    """Deletes sessions that ended a while ago, and returns the time it counted from.

    First in every transaction that reads before it writes: being a write, it makes SQLite
    take its write lock at the start, where the busy timeout waits for it (a read upgraded
    to a write later fails at once if another writer got in between). The grace keeps it off
    any row another transaction may be resuming, which on PostgreSQL could deadlock.
    """
    now = _now()
    connection.execute(delete(SessionRow).where(SessionRow.expires_at <= now - SWEEP_GRACE))
    return now


def _user(row: Row) -> User:
    return User(row.name, Role(row.role), row.insurer, row.active)


def _valid_name(name: str) -> str:
    name = _normal(name)
    if not NAME.fullmatch(name):
        raise InvalidUser(f"user name {name!r}: 1 to 40 letters, digits, '.', '_' or '-'")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidUser(f"a password needs at least {MIN_PASSWORD} characters")


def _valid_role(role: Role | str, insurer: str | None) -> tuple[Role, str | None]:
    """The role, and the insurer that goes with it: one for an insurer clerk, else none."""
    try:
        role = Role(role)
    except ValueError:
        raise InvalidUser(f"unknown role {role!r}; one of {', '.join(Role)}") from None
    insurer = (insurer or "").strip() or None
    if role is Role.INSURER_CLERK and insurer is None:
        raise InvalidUser("an insurer clerk needs the insurer they work for")
    if role is not Role.INSURER_CLERK and insurer is not None:
        raise InvalidUser(f"only an insurer clerk has an insurer, not a {role}")
    if insurer is not None and len(insurer) > MAX_INSURER:
        raise InvalidUser(f"insurer name longer than {MAX_INSURER} characters")
    return role, insurer


class UserStore:
    """Users and sessions on `engine` (migrated to 0005 or later by db.schema.upgrade).

    `idle` ends a session unused that long (each resume restarts it); `absolute` ends it that
    long after login regardless. `hasher` sets the argon2 cost; a login whose stored hash was
    made with other parameters rehashes it, so raising the cost reaches everyone in a shift.
    """

    def __init__(self, engine: Engine, *, idle: timedelta = IDLE,
                 absolute: timedelta = ABSOLUTE, hasher: PasswordHasher | None = None) -> None:
        self._engine = engine
        self._idle = idle
        self._absolute = absolute
        self._hasher = hasher or PasswordHasher()

    @cached_property
    def _decoy_hash(self) -> str:
        """Checked against for an unknown name, so it takes as long as a wrong password."""
        return self._hasher.hash(secrets.token_urlsafe(32))

    def add(self, name: str, password: str, role: Role | str,
            insurer: str | None = None) -> User:
        name = _valid_name(name)
        role, insurer = _valid_role(role, insurer)
        _check_password(password)
        digest = self._hasher.hash(password)  # slow by design: before the transaction
        now = _now()
        try:
            with writing(self._engine).begin() as connection:
                connection.execute(insert(UserRow).values(
                    name=name, password_hash=digest, role=str(role), insurer=insurer, active=True,
                    created=now, changed=now))
        except IntegrityError:
            raise DuplicateUser(f"user {name} exists already") from None
        return User(name, role, insurer, True)

    def set_password(self, name: str, password: str) -> User:
        """A new password also ends the user's sessions: it is what one does after a leak."""
        _check_password(password)
        digest = self._hasher.hash(password)
        with writing(self._engine).begin() as connection:
            user = self._change(connection, _normal(name), password_hash=digest)
            self._end_sessions(connection, user.name)
        return user

    def set_role(self, name: str, role: Role | str, insurer: str | None = None) -> User:
        """Takes effect at the user's next resume, which reads the role afresh."""
        role, insurer = _valid_role(role, insurer)
        name = _normal(name)
        with writing(self._engine).begin() as connection:
            _sweep(connection)
            if role is not Role.ADMIN:
                self._keep_an_admin(connection, name)
            return self._change(connection, name, role=str(role), insurer=insurer)

    def disable(self, name: str) -> User:
        """The user can no longer log in, and their sessions end now."""
        name = _normal(name)
        with writing(self._engine).begin() as connection:
            _sweep(connection)
            self._keep_an_admin(connection, name)
            user = self._change(connection, name, active=False)
            self._end_sessions(connection, name)
        return user

    def enable(self, name: str) -> User:
        with writing(self._engine).begin() as connection:
            return self._change(connection, _normal(name), active=True)

    def list(self) -> list[User]:
        with writing(self._engine).begin() as connection:
            rows = connection.execute(select(*_USER).order_by(UserRow.name))
            return [_user(row) for row in rows]

    def login(self, name: str, password: str, workstation: str) -> Session:
        """A new session for `name` at `workstation`; LoginRefused says why not."""
        if not 1 <= len(workstation) <= MAX_WORKSTATION:
            raise LoginRefused(f"workstation name: 1 to {MAX_WORKSTATION} characters")
        row = self._authenticate(_normal(name), password)
        stored = row.password_hash
        rehashed = (self._hasher.hash(password) if self._hasher.check_needs_rehash(stored)
                    else None)
        token = secrets.token_urlsafe(32)
        with writing(self._engine).begin() as connection:
            now = _sweep(connection)
            # Disabled or given a new password while we hashed: a lock, then a second look.
            current = connection.execute(select(UserRow.password_hash, UserRow.active)
                                         .where(UserRow.name == row.name)
                                         .with_for_update()).first()
            if current is None or current.password_hash != stored or not current.active:
                raise LoginRefused(REFUSED)
            if rehashed is not None:
                connection.execute(update(UserRow).where(UserRow.name == row.name)
                                   .values(password_hash=rehashed))
            expires_at = now + min(self._idle, self._absolute)
            connection.execute(insert(SessionRow).values(
                token_sha256=_sha256(token), user_name=row.name, workstation=workstation,
                created=now, expires_at=expires_at, absolute_expiry=now + self._absolute))
        return Session(token, _user(row), workstation, expires_at)

    def _authenticate(self, name: str, password: str) -> Row:
        """The user's row if the password is theirs. That a user is disabled is told only to
        someone who gave the right password; to anyone else all refusals read the same."""
        with writing(self._engine).begin() as connection:
            row = connection.execute(select(*_USER, UserRow.password_hash)
                                     .where(UserRow.name == name)).first()
        stored = row.password_hash if row is not None else self._decoy_hash
        if not self._verify(stored, password) or row is None:
            raise LoginRefused(REFUSED)
        if not row.active:
            raise LoginRefused(f"user {row.name} is disabled; ask an admin")
        return row

    def resume(self, token: str, workstation: str) -> Session:
        """The session behind `token`, with its idle time restarted (never past the absolute
        limit) and the user's current role. A token only works where it was issued."""
        digest = _sha256(token)
        with writing(self._engine).begin() as connection:
            now = _sweep(connection)
            row = connection.execute(
                select(*_USER, SessionRow.workstation, SessionRow.expires_at,
                       SessionRow.absolute_expiry)
                .join_from(SessionRow, UserRow, SessionRow.user_name == UserRow.name)
                .where(SessionRow.token_sha256 == digest)).first()
            if row is None or row.workstation != workstation:
                raise SessionExpired("no such session at this workstation; log in again")
            if _aware(row.expires_at) <= now:
                raise SessionExpired("session expired; log in again")
            expires_at = min(now + self._idle, _aware(row.absolute_expiry))
            connection.execute(update(SessionRow).where(SessionRow.token_sha256 == digest)
                               .values(expires_at=expires_at))
        return Session(token, _user(row), workstation, expires_at)

    def logout(self, token: str) -> None:
        """Ends the session; an unknown or already ended token is no error (a repeated
        logout after a dropped link must not fail)."""
        with writing(self._engine).begin() as connection:
            connection.execute(delete(SessionRow)
                               .where(SessionRow.token_sha256 == _sha256(token)))

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def _change(connection: Connection, name: str, **values: object) -> User:
        row = connection.execute(update(UserRow).where(UserRow.name == name)
                                 .values(changed=_now(), **values).returning(*_USER)).first()
        if row is None:
            raise UnknownUser(f"no user {name}")
        return _user(row)

    @staticmethod
    def _end_sessions(connection: Connection, name: str) -> None:
        connection.execute(delete(SessionRow).where(SessionRow.user_name == name))

    @staticmethod
    def _keep_an_admin(connection: Connection, name: str) -> None:
        """Refuses to disable or demote the last active admin. The lock makes two admins
        disabling each other at once wait in turn (SQLite runs one writer at a time anyway)."""
        admins = connection.execute(select(UserRow.name).where(
            UserRow.role == str(Role.ADMIN), UserRow.active.is_(True)).with_for_update()).scalars()
        if list(admins) == [name]:
            raise LastAdmin(f"{name} is the last active admin; add or enable another first")
