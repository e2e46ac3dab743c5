"""Users and sessions (hub/users.py) on SQLite and PostgreSQL: logins refuse without telling
who exists, tokens live only as hashes, sessions expire idle and absolutely, roles say which
verbs pass, and `jingbao users` manages it all from a shell."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select, update

from db.models import SessionRow, UserRow
from db.schema import make_engine, upgrade
from hub.users import (
    DISPATCH_VERBS,
    RADIO_VERBS,
    ROLE_VERBS,
    DuplicateUser,
    InvalidUser,
    LastAdmin,
    LoginRefused,
    Role,
    SessionExpired,
    UnknownUser,
    User,
    UserStore,
    may,
)

JINGBAO = str(Path(sys.executable).with_name("jingbao"))
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # fast tests, same code
PASSWORD = "correct horse"
WS = "ws-01"

MakeStore = Callable[..., UserStore]


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def make_store(engine) -> MakeStore:
    def make(**options) -> UserStore:
        return UserStore(engine, **{"hasher": CHEAP, **options})

    return make


@pytest.fixture
def store(make_store) -> UserStore:
    return make_store()


def wait_past(moment: datetime, limit: float = 10) -> None:
    """Until the clock has passed `moment`, in small steps."""
    deadline = time.monotonic() + limit
    while datetime.now(UTC) <= moment:
        assert time.monotonic() < deadline, f"clock never passed {moment}"
        time.sleep(0.01)


def refusal(store: UserStore, name: str, password: str) -> str:
    with pytest.raises(LoginRefused) as refused:
        store.login(name, password, WS)
    return str(refused.value)


# --- roles ---

def test_every_verb_belongs_to_someone() -> None:
    assert set().union(*ROLE_VERBS.values()) == DISPATCH_VERBS | RADIO_VERBS | {"users"}
    assert set(ROLE_VERBS) == set(Role)


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.DISPATCHER, DISPATCH_VERBS | {"page", "poll", "acknowledge_emergency"}),
    (Role.RADIO_OPERATOR, RADIO_VERBS | {"set_unit_status"}),
    (Role.SHIFT_LEAD, DISPATCH_VERBS | RADIO_VERBS),
    (Role.ADMIN, {"users"}),
    (Role.INSURER_CLERK, set()),
])
def test_may_send_exactly_its_verbs(role: Role, allowed: set[str]) -> None:
    for verb in DISPATCH_VERBS | RADIO_VERBS | {"users", "no_such_verb"}:
        assert may(role, verb) is (verb in allowed), (role, verb)
    assert may(str(role), "users") is (role is Role.ADMIN)


def test_a_dispatcher_may_not_work_the_radio_alone() -> None:
    assert not may(Role.DISPATCHER, "group_page")
    assert not may(Role.DISPATCHER, "push_to_talk")
    assert not may(Role.RADIO_OPERATOR, "dispatch")


# --- logins and sessions ---

def test_add_login_resume_logout(store) -> None:
    added = store.add("王芳", PASSWORD, Role.DISPATCHER)
    assert added == User("王芳", Role.DISPATCHER, None, True)
    session = store.login("王芳", PASSWORD, WS)
    assert session.user == added and session.workstation == WS
    assert session.expires_at > datetime.now(UTC)
    assert session.token not in repr(session)
    assert store.resume(session.token, WS).user == added
    store.logout(session.token)
    store.logout(session.token)  # twice is no error
    with pytest.raises(SessionExpired):
        store.resume(session.token, WS)


def test_wrong_password_and_unknown_user_read_the_same(store) -> None:
    store.add("li.wei", PASSWORD, Role.RADIO_OPERATOR)
    wrong = refusal(store, "li.wei", "not the password")
    assert wrong == refusal(store, "nobody", PASSWORD) == refusal(store, "nobody", "")
    assert "li.wei" not in wrong and "nobody" not in wrong


def test_disabled_user_is_refused_and_loses_sessions(store) -> None:
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    session = store.login("zhao", PASSWORD, WS)
    assert store.disable("zhao").active is False
    with pytest.raises(SessionExpired):
        store.resume(session.token, WS)
    assert "disabled" in refusal(store, "zhao", PASSWORD)
    assert "disabled" not in refusal(store, "zhao", "not the password")  # told only the owner
    store.enable("zhao")
    assert store.login("zhao", PASSWORD, WS).user.active


def test_a_token_works_only_at_its_workstation(store) -> None:
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    session = store.login("zhao", PASSWORD, WS)
    with pytest.raises(SessionExpired):
        store.resume(session.token, "ws-02")
    with pytest.raises(SessionExpired):
        store.resume("made-up-token", WS)
    assert store.resume(session.token, WS).workstation == WS


def test_idle_session_expires(make_store) -> None:
    store = make_store(idle=timedelta(seconds=0.3))
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    session = store.login("zhao", PASSWORD, WS)
    wait_past(session.expires_at)
    with pytest.raises(SessionExpired, match="expired"):
        store.resume(session.token, WS)


def test_resume_slides_the_idle_expiry(make_store) -> None:
    idle = timedelta(seconds=1)
    store = make_store(idle=idle)
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    first = store.login("zhao", PASSWORD, WS)
    wait_past(first.expires_at - idle * 0.4)
    second = store.resume(first.token, WS)
    assert second.expires_at >= first.expires_at + idle * 0.6
    wait_past(first.expires_at)  # the login's own deadline has passed; the resume's has not
    assert store.resume(first.token, WS).expires_at > second.expires_at


def test_absolute_cap_ends_even_a_busy_session(make_store) -> None:
    idle, absolute = timedelta(seconds=1), timedelta(seconds=1.5)
    store = make_store(idle=idle, absolute=absolute)
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    session = store.login("zhao", PASSWORD, WS)
    cap = session.expires_at - idle + absolute
    wait_past(session.expires_at - idle * 0.4)
    assert store.resume(session.token, WS).expires_at == cap  # not a full idle period more
    wait_past(cap)
    with pytest.raises(SessionExpired, match="expired"):
        store.resume(session.token, WS)


def test_token_and_password_are_stored_only_hashed(store, engine) -> None:
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    session = store.login("zhao", PASSWORD, WS)
    with engine.connect() as connection:
        rows = [*connection.execute(select(SessionRow)), *connection.execute(select(UserRow))]
    cells = [str(cell) for row in rows for cell in row]
    assert not any(session.token in cell or PASSWORD in cell for cell in cells)
    assert hashlib.sha256(session.token.encode()).hexdigest() in cells


def test_sessions_ended_a_while_ago_are_swept(store, engine) -> None:
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    old = store.login("zhao", PASSWORD, WS)
    with engine.begin() as connection:  # as if it had ended two minutes ago
        connection.execute(update(SessionRow).values(
            expires_at=datetime.now(UTC) - timedelta(minutes=2)))
    new = store.login("zhao", PASSWORD, WS)
    with engine.connect() as connection:
        assert connection.execute(select(SessionRow.token_sha256)).scalars().all() == [
            hashlib.sha256(new.token.encode()).hexdigest()]
    with pytest.raises(SessionExpired):
        store.resume(old.token, WS)


def test_login_rehashes_when_the_parameters_changed(make_store, engine) -> None:
    def stored() -> str:
        with engine.connect() as connection:
            return connection.execute(select(UserRow.password_hash)).scalar_one()

    make_store().add("zhao", PASSWORD, Role.DISPATCHER)
    assert "t=1," in stored()
    stronger = make_store(hasher=PasswordHasher(time_cost=2, memory_cost=8, parallelism=1))
    stronger.login("zhao", PASSWORD, WS)
    rehashed = stored()
    assert "t=2," in rehashed
    stronger.login("zhao", PASSWORD, WS)
    assert stored() == rehashed  # current parameters: left alone


def test_threads_log_in_side_by_side(store) -> None:
    """The hub's threads and a `jingbao users` process share the database: no transaction
    may fail for another's lock (SQLite refuses a read turned write if another wrote)."""
    names = [f"ws{n}" for n in range(6)]
    for name in names:
        store.add(name, PASSWORD, Role.DISPATCHER)

    def shift(name: str) -> None:
        for _ in range(10):
            session = store.login(name, PASSWORD, name)
            store.resume(session.token, name)
            store.set_role(name, Role.SHIFT_LEAD)
            store.logout(session.token)

    with ThreadPoolExecutor(len(names)) as pool:
        for done in [pool.submit(shift, name) for name in names]:
            done.result(timeout=60)


# --- changes ---

def test_new_password_ends_sessions(store) -> None:
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    session = store.login("zhao", PASSWORD, WS)
    store.set_password("zhao", "another password")
    with pytest.raises(SessionExpired):
        store.resume(session.token, WS)
    refusal(store, "zhao", PASSWORD)
    store.login("zhao", "another password", WS)


def test_new_role_shows_at_the_next_resume(store) -> None:
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    session = store.login("zhao", PASSWORD, WS)
    store.set_role("zhao", Role.INSURER_CLERK, "人保财险")
    assert store.resume(session.token, WS).user == User("zhao", Role.INSURER_CLERK, "人保财险",
                                                        True)
    assert store.set_role("zhao", "shift_lead").insurer is None


def test_list_in_name_order(store) -> None:
    store.add("b", PASSWORD, Role.ADMIN)
    store.add("a", PASSWORD, Role.INSURER_CLERK, "平安产险")
    store.disable("a")
    assert store.list() == [User("a", Role.INSURER_CLERK, "平安产险", False),
                            User("b", Role.ADMIN, None, True)]


@pytest.mark.parametrize(("name", "password", "role", "insurer", "reason"), [
    ("", PASSWORD, "dispatcher", None, "user name"),
    ("x" * 41, PASSWORD, "dispatcher", None, "user name"),
    ("li wei", PASSWORD, "dispatcher", None, "user name"),
    ("li/wei", PASSWORD, "dispatcher", None, "user name"),
    ("zhao", "short", "dispatcher", None, "at least 8"),
    ("zhao", PASSWORD, "chief", None, "unknown role"),
    ("zhao", PASSWORD, "insurer_clerk", None, "needs the insurer"),
    ("zhao", PASSWORD, "insurer_clerk", "  ", "needs the insurer"),
    ("zhao", PASSWORD, "dispatcher", "人保财险", "only an insurer clerk"),
])
def test_invalid_users_are_refused_with_the_reason(store, name, password, role, insurer,
                                                   reason) -> None:
    with pytest.raises(InvalidUser, match=reason):
        store.add(name, password, role, insurer)
    assert store.list() == []


def test_names_of_any_script_with_dots_dashes_underscores(store) -> None:
    for name in ("王芳", "li.wei_2-b", "x" * 40):
        store.add(name, PASSWORD, Role.DISPATCHER)
    assert len(store.list()) == 3


def test_duplicates_and_unknown_names_are_refused(store) -> None:
    store.add("zhao", PASSWORD, Role.DISPATCHER)
    with pytest.raises(DuplicateUser):
        store.add("zhao", PASSWORD, Role.ADMIN)
    for change in (lambda: store.set_password("qian", PASSWORD), lambda: store.disable("qian"),
                   lambda: store.enable("qian"), lambda: store.set_role("qian", Role.ADMIN)):
        with pytest.raises(UnknownUser, match="qian"):
            change()
    with pytest.raises(InvalidUser):
        store.set_password("zhao", "short")


def test_the_last_active_admin_stays(store) -> None:
    store.add("root", PASSWORD, Role.ADMIN)
    with pytest.raises(LastAdmin):
        store.disable("root")
    with pytest.raises(LastAdmin):
        store.set_role("root", Role.SHIFT_LEAD)
    store.add("root2", PASSWORD, Role.ADMIN)
    store.disable("root")
    with pytest.raises(LastAdmin):
        store.disable("root2")


# --- the command line ---

def jingbao(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([JINGBAO, "users", *args], input=password, capture_output=True,
                          text=True, timeout=60)


def test_cli_manages_users_end_to_end(db_url) -> None:
    add = jingbao("add", "root", "--role", "admin", "--password-stdin", "--db", db_url,
                  password=PASSWORD + "\n")
    assert add.returncode == 0, add.stderr
    assert "root: admin, active" in add.stdout
    clerk = jingbao("add", "薛敏", "--role", "insurer_clerk", "--insurer", "人保财险",
                    "--password-stdin", "--db", db_url, password=PASSWORD + "\n")
    assert clerk.returncode == 0, clerk.stderr
    again = jingbao("add", "root", "--role", "admin", "--password-stdin", "--db", db_url,
                    password=PASSWORD + "\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    assert jingbao("role", "薛敏", "dispatcher", "--db", db_url).returncode == 0
    assert jingbao("disable", "薛敏", "--db", db_url).returncode == 0
    assert jingbao("passwd", "root", "--password-stdin", "--db", db_url,
                   password="new password\n").returncode == 0
    listed = jingbao("list", "--db", db_url)
    assert listed.stdout.splitlines() == ["root\tadmin\t-\tactive",
                                          "薛敏\tdispatcher\t-\tdisabled"]
    engine = make_engine(db_url)
    try:
        assert UserStore(engine).login("root", "new password", WS).user.role is Role.ADMIN
    finally:
        engine.dispose()
