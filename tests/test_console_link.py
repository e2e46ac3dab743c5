"""Consoles following one hub over the real console link (websockets on 127.0.0.1).

Two consoles see each other's work, the same guide sent twice wins once, a command based on an
old version of an incident is refused, a console that joins while events pour in ends with
exactly the hub's state, a cut line resumes without a miss or a double, roles are enforced by
the hub, garbage is answered and costs nobody else anything, and a hub killed with SIGKILL is
followed again once it is back.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from console.hub_client import CommandRefused, Credentials, HubClient
from db.schema import make_engine
from db.store import EventStore, verify_chain
from dispatch import events as ev
from dispatch.commands import Actor
from dispatch.events import Event
from dispatch.state import CenterState
from hub.engine import Engine
from hub.users import Role, UserStore
from resources import scenario as scenarios
from tests.center_process import Center
from tests.recorder import Recorder
from tests.test_faults import send, slip


class Replica:
    """A console's picture, folded from what the client hands on, as the window folds it."""

    def __init__(self) -> None:
        self.state: CenterState | None = None
        self.seen: list[int] = []
        self.snapshots = 0
        self.links: dict[str, str] = {}
        self.role: str | None = None
        self.lock = threading.Lock()

    def session_opened(self, user: str, role: str, verbs: list[str]) -> None:
        self.role = role

    def snapshot_received(self, state: CenterState) -> None:
        with self.lock:
            self.state, self.snapshots = state, self.snapshots + 1

    def events_appended(self, events: list[Event]) -> None:
        with self.lock:
            for event in events:
                assert event.id == self.state.last_event_id + 1, (event.id, self.state)
                self.state.apply(event)
                self.seen.append(event.id)

    def radio_logged(self, entry) -> None:
        pass

    def link_changed(self, link: str, status: str, detail: str) -> None:
        self.links[link] = status


class Listening(Replica):
    """A replica that also keeps the radio log lines the hub sends."""

    def __init__(self) -> None:
        super().__init__()
        self.radio: list = []

    def radio_logged(self, entry) -> None:
        self.radio.append(entry)


def picture(state: CenterState) -> dict:
    return {"last": state.last_event_id,
            "incidents": {c: (str(i.status), i.unit_id, i.version)
                          for c, i in state.incidents.items()},
            "units": {u.unit_id: (str(u.status), u.lon, u.incident)
                      for u in state.units.values()}}


def wait(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def hub(db_url):
    demo = scenarios.load()
    engine = Engine(EventStore.open(db_url, demo.roster), demo, Recorder(), workstation="hub",
                    users=UserStore(make_engine(db_url)))
    engine.start()
    yield engine
    engine.stop()


def console(engine: Engine, name: str, workstation: str, **credentials) -> tuple[HubClient,
                                                                                  Replica]:
    replica = Replica()
    if not credentials:
        credentials = {"token": engine.console_link.local_session(name, workstation)}
    client = HubClient(engine.url, scenarios.load().roster, replica,
                       Credentials(**credentials), workstation=workstation)
    client.start()
    if "password" not in credentials or credentials["password"]:
        client.connected.wait(10)
    return client, replica


def hub_state(engine: Engine) -> CenterState:
    return engine.submit(lambda: engine.store.state).result(5)


def test_two_consoles_see_each_other_and_one_guide_is_sent_once(hub) -> None:
    feed = f"{hub.url}/feed"
    a, seen_a = console(hub, "dispatcher:a", "ws-a")
    b, seen_b = console(hub, "dispatcher:b", "ws-b")
    try:
        asyncio.run(send(feed, [slip(1), slip(2)]))
        wait(lambda: len(seen_b.state.incidents) == 2 and len(seen_a.state.incidents) == 2)
        for case in ("1001", "1002"):
            a.submit("override_triage", case, "test").result(5)
        a.submit("dispatch", "1001", "G01").result(5)
        wait(lambda: seen_b.state.incidents["1001"].unit_id == "G01")
        dispatched = [e for e in hub.snapshot() if e.type == ev.UNIT_DISPATCHED]
        assert dispatched[0].actor == "dispatcher:a" and dispatched[0].workstation == "ws-a"
        with pytest.raises(CommandRefused, match="not available") as refused:
            b.submit("dispatch", "1002", "G01").result(5)  # the same guide: A won
        # with the core's code and values, so B's console can say it in its own language
        assert (refused.value.refusal, refused.value.values) == (
            "unit_not_available", {"unit": "G01", "status": "dispatched"})
        assert seen_b.state.units["G01"].incident == "1001"
    finally:
        a.stop()
        b.stop()


def test_a_recalled_guide_is_told_by_radio_and_the_case_goes_to_another(hub) -> None:
    a, seen = console(hub, "dispatcher:a", "ws-a")
    try:
        asyncio.run(send(f"{hub.url}/feed", [slip(1)]))
        wait(lambda: "1001" in seen.state.incidents)
        a.submit("override_triage", "1001", "test").result(5)
        a.submit("dispatch", "1001", "G01").result(5)
        with pytest.raises(CommandRefused, match="at most 160"):
            a.submit("page", "G01", "很" * 5_000).result(5)  # a pasted essay is not a page
        a.submit("recall", "1001", "G02 更近").result(5)
        wait(lambda: seen.state.incidents["1001"].status == "triaged")
        assert seen.state.units["G01"].status == "available"
        def told() -> list[tuple[str, str]]:  # pages are facts: written just after
            return [(e.payload["unit"], e.payload["text"]) for e in hub.snapshot()
                    if e.type == ev.PAGE_SENT]

        wait(lambda: ("G01", "警保联动1001任务取消:G02 更近") in told())
        withdrawn = [e.payload for e in hub.snapshot() if e.type == ev.PAGE_WITHDRAWN]
        assert [(p["unit"], p["case"]) for p in withdrawn] == [("G01", "1001")]
        a.submit("dispatch", "1001", "G02").result(5)
        wait(lambda: seen.state.incidents["1001"].unit_id == "G02")
        recalled = [e for e in hub.snapshot() if e.type == ev.UNIT_RECALLED]
        assert [(e.actor, e.payload["reason"]) for e in recalled] == [("dispatcher:a",
                                                                      "G02 更近")]
    finally:
        a.stop()


def test_a_command_on_an_old_version_is_refused_as_a_conflict(hub) -> None:
    a, seen_a = console(hub, "dispatcher:a", "ws-a")
    b, seen_b = console(hub, "dispatcher:b", "ws-b")
    try:
        asyncio.run(send(f"{hub.url}/feed", [slip(1)]))
        wait(lambda: "1001" in seen_b.state.incidents)
        version = seen_b.state.incidents["1001"].version
        a.submit("refer", "1001", "referred_police", based_on=version).result(5)
        with pytest.raises(CommandRefused) as refused:
            b.submit("triage", "1001", based_on=version).result(5)
        assert refused.value.code == "conflict" and "changed" in str(refused.value)
        wait(lambda: seen_b.state.incidents["1001"].status == "referred_police")
    finally:
        a.stop()
        b.stop()


def test_consoles_joining_while_events_pour_in_hold_exactly_the_hubs_state(hub) -> None:
    actor = Actor("radio:test", "hub")
    stop = threading.Event()

    def pour() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            fix = actor.event(ev.UNIT_POSITION, {"unit": f"G0{n % 9 + 1}", "lon": 122.1 + n / 1e5,
                                                 "lat": 30.0, "speed_kmh": 10.0})
            hub.submit(hub._record, [fix]).result(5)
            if n % 20 == 0:
                asyncio.run(send(f"{hub.url}/feed", [slip(n)]))

    pourer = threading.Thread(target=pour)
    pourer.start()
    consoles = []
    try:
        for k in range(6):  # each joins at another moment of the stream
            consoles.append(console(hub, f"dispatcher:{k}", f"ws-{k}"))
            time.sleep(0.2)
    finally:
        stop.set()
        pourer.join()
    try:
        wait(lambda: not hub._facts)  # every fix handed to the hub is written
        final = picture(hub_state(hub))
        for _client, replica in consoles:
            wait(lambda r=replica: r.state.last_event_id == final["last"])
            assert picture(replica.state) == final
            assert len(set(replica.seen)) == len(replica.seen)  # nothing twice
    finally:
        for client, _replica in consoles:
            client.stop()


def test_a_cut_line_resumes_from_the_last_number_without_a_miss_or_a_double(hub) -> None:
    client, replica = console(hub, "dispatcher:a", "ws-a")
    try:
        asyncio.run(send(f"{hub.url}/feed", [slip(1)]))
        wait(lambda: "1001" in replica.state.incidents)
        for session in list(hub.console_link.sessions):  # the hub drops the line
            hub.submit(hub.console_link._queue, session, [("cut", None)]).result(5)
        wait(lambda: replica.links.get("hub") == "disconnected")
        asyncio.run(send(f"{hub.url}/feed", [slip(2), slip(3)]))  # while it is away
        wait(lambda: replica.links.get("hub") == "connected")
        wait(lambda: len(replica.state.incidents) == 3)
        assert replica.snapshots == 1  # resumed, not started over
        assert replica.seen == sorted(set(replica.seen))
        assert picture(replica.state) == picture(hub_state(hub))
    finally:
        client.stop()


def test_roles_are_enforced_by_the_hub(hub, db_url) -> None:
    users = UserStore(make_engine(db_url))
    users.add("radio1", "radio-password", Role.RADIO_OPERATOR)
    users.add("clerk1", "clerk-password", Role.INSURER_CLERK, insurer="人保财险")
    radio, _ = console(hub, "", "ws-radio", user="radio1", password="radio-password")
    clerk, _ = console(hub, "", "ws-clerk", user="clerk1", password="clerk-password")
    wrong, wrong_replica = console(hub, "", "ws-x", user="radio1", password="not-it")
    try:
        asyncio.run(send(f"{hub.url}/feed", [slip(1)]))
        with pytest.raises(CommandRefused) as refused:
            radio.submit("dispatch", "1001", "G01").result(5)
        assert refused.value.code == "forbidden"
        with pytest.raises(CommandRefused) as refused:
            clerk.submit("triage", "1001").result(5)
        assert refused.value.code == "forbidden"
        assert radio.submit("set_unit_status", "G03", "busy").result(5)["actor"] == "radio1"
        wait(lambda: "login refused" in wrong.links.get("hub", ("", ""))[1])
        assert wrong_replica.state is None  # nothing without a valid session
    finally:
        for client in (radio, clerk, wrong):
            client.stop()


def test_garbage_and_floods_are_answered_and_cost_the_others_nothing(hub) -> None:
    client, replica = console(hub, "dispatcher:a", "ws-a")
    token = hub.console_link.local_session("dispatcher:rude", "ws-rude")

    async def rude() -> list[dict]:
        async with connect(f"{hub.url}/console") as ws:
            await ws.send(json.dumps({"type": "login", "token": token, "workstation": "r"}))
            await ws.recv()
            replies = []
            for junk in ("{not json", "[1, 2]", json.dumps({"type": "launch"}),
                         "x" * 100_000, json.dumps({"type": "command", "id": 1,
                                                    "verb": "rm -rf", "args": []}),
                         json.dumps({"type": "command", "id": 2, "verb": "close",
                                     "args": ["'; DROP TABLE events; --", "settled"]})):
                await ws.send(junk)
                replies.append(json.loads(await ws.recv()))
            return replies

    async def unauthenticated() -> dict:
        async with connect(f"{hub.url}/console") as ws:
            await ws.send(json.dumps({"type": "subscribe"}))
            return json.loads(await ws.recv())

    try:
        replies = asyncio.run(rude())
        assert [r["ok"] if r["type"] == "result" else r["type"] for r in replies] == [
            "error", "error", "error", "error", False, False]
        assert "DROP TABLE" in replies[-1]["reason"]  # came back as text, nothing ran
        assert asyncio.run(unauthenticated())["code"] == "login"
        asyncio.run(send(f"{hub.url}/feed", [slip(1)]))
        wait(lambda: "1001" in replica.state.incidents)
        assert [e.type for e in hub.snapshot()] == [ev.ALERT_RECEIVED]
    finally:
        client.stop()


def test_a_console_flooding_commands_is_hung_up_on_and_the_others_carry_on(hub) -> None:
    """A burst within the limit is answered in full; a flood far past it is cut off with
    1008 after at most the burst's worth of replies, and another console still commands."""
    from hub.console_link import MESSAGE_BURST

    client, replica = console(hub, "dispatcher:a", "ws-a")
    token = hub.console_link.local_session("dispatcher:flood", "ws-flood")

    async def flood(count: int) -> tuple[int, int | None]:
        replies = 0
        async with connect(f"{hub.url}/console") as ws:
            await ws.send(json.dumps({"type": "login", "token": token, "workstation": "f"}))
            await ws.recv()
            try:
                for n in range(count):
                    await ws.send(json.dumps({"type": "command", "id": n, "verb": "poll",
                                              "args": ["nobody"]}))
                while replies < count:
                    await asyncio.wait_for(ws.recv(), 10)
                    replies += 1
            except ConnectionClosed:
                pass
        return replies, ws.close_code

    try:
        assert asyncio.run(flood(30)) == (30, 1000)  # a human burst: all answered, line kept
        replies, code = asyncio.run(flood(2_000))
        assert code == 1008
        assert replies <= MESSAGE_BURST
        asyncio.run(send(f"{hub.url}/feed", [slip(1)]))
        wait(lambda: "1001" in replica.state.incidents)
        client.submit("override_triage", "1001", "test").result(5)  # the other console acts
    finally:
        client.stop()


def test_after_a_restart_a_console_opens_on_the_recent_radio_log_once(db_url,
                                                                      monkeypatch) -> None:
    """The radio log's lines come back from the event log when the hub restarts: a console
    opened then shows the page and the emergency's acknowledgement; a resync (a second
    snapshot) does not show them twice."""
    demo = scenarios.load()

    def start() -> Engine:
        engine = Engine(EventStore.open(db_url, demo.roster), demo, Recorder(),
                        workstation="hub", users=UserStore(make_engine(db_url)))
        engine.start()
        return engine

    first = start()
    try:
        first.submit(first.page, "G01", "回中队", Actor("radio:op", "ws")).result(5)
        wait(lambda: any(e.type == ev.PAGE_SENT for e in first.snapshot()))
    finally:
        first.stop()
    second = start()
    replica = Listening()
    client = HubClient(second.url, demo.roster, replica, Credentials(
        token=second.console_link.local_session("radio:b", "ws-b")), workstation="ws-b")
    client.start()
    try:
        client.connected.wait(10)
        wait(lambda: [(e.unit, e.direction, e.text) for e in replica.radio] == [
            ("G01", "out", "回中队")])
        monkeypatch.setattr("hub.console_link.RESUME_LIMIT", -1)  # no resume: a new snapshot
        client.connected.clear()
        asyncio.run_coroutine_threadsafe(client._ws.close(), client.loop)
        wait(lambda: replica.snapshots == 2)
        second.submit(second.page, "G02", "回中队", Actor("radio:op", "ws")).result(5)
        wait(lambda: len(replica.radio) == 2)
        assert [(e.unit, e.text) for e in replica.radio] == [("G01", "回中队"), ("G02", "回中队")]
    finally:
        client.stop()
        second.stop()


def test_a_hub_killed_mid_stream_is_followed_again_once_it_is_back(tmp_path) -> None:
    center = Center(tmp_path)
    center.start()
    replica = Replica()
    client = HubClient(f"ws://127.0.0.1:{center.port}", scenarios.load().roster, replica,
                       Credentials(user="lead", password="lead-password"), workstation="ws-l")
    client.start()
    try:
        client.connected.wait(10)
        feed = f"ws://127.0.0.1:{center.port}/feed?token={center.token}"
        acked = [r for r in asyncio.run(send(feed, [slip(n) for n in range(5)]))
                 if r["type"] == "ack"]
        wait(lambda: len(replica.state.incidents) == 5)
        center.kill()
        wait(lambda: replica.links.get("hub") == "disconnected")
        center.start()
        acked += asyncio.run(send(feed, [slip(n) for n in range(5, 8)]))
        wait(lambda: replica.links.get("hub") == "connected")
        wait(lambda: len(replica.state.incidents) == 8)
        assert replica.seen == sorted(set(replica.seen)) and len(acked) == 8
        assert replica.snapshots == 1  # the restarted hub resumed the console's stream
        moved = client.submit("set_unit_status", "G02", "busy").result(5)
        assert moved["actor"] == "lead" and moved["workstation"] == "ws-l"
    finally:
        client.stop()
        center.stop()


class Seen:
    """What a read-only console was handed, as it was handed."""

    def __init__(self) -> None:
        self.state: CenterState | None = None
        self.events: list[Event] = []
        self.radio: list = []

    def session_opened(self, user: str, role: str, verbs: list[str]) -> None:
        pass

    def snapshot_received(self, state: CenterState) -> None:
        self.state = state

    def events_appended(self, events: list[Event]) -> None:
        self.events += events

    def radio_logged(self, entry) -> None:
        self.radio.append(entry)

    def link_changed(self, link: str, status: str, detail: str) -> None:
        pass


def test_an_insurer_clerk_sees_only_its_insurers_cases(hub, db_url) -> None:
    users = UserStore(make_engine(db_url))
    users.add("picc1", "clerk-password", Role.INSURER_CLERK, insurer="人保财险")
    feed = f"{hub.url}/feed"
    ours = json.loads(slip(1))
    ours["structured"] = {**ours["structured"], "insurers": ["人保财险", "平安产险"]}
    theirs = json.loads(slip(2))
    theirs["structured"] = {**theirs["structured"], "insurers": ["平安产险"]}
    asyncio.run(send(feed, [json.dumps(ours)]))
    seen = Seen()
    clerk = HubClient(hub.url, scenarios.load().roster, seen,
                      Credentials(user="picc1", password="clerk-password"), workstation="picc")
    clerk.start()
    lead, lead_view = console(hub, "lead", "ws-lead")
    try:
        clerk.connected.wait(10)
        asyncio.run(send(feed, [json.dumps(theirs)]))
        wait(lambda: "1002" in lead_view.state.incidents)
        lead.submit("override_triage", "1002", "test").result(5)
        lead.submit("page", "G01", "测试").result(5)
        lead.submit("override_triage", "1001", "test").result(5)
        wait(lambda: clerk.last_seq == hub_state(hub).last_event_id)
        assert set(seen.state.incidents) == {"1001"}
        assert [e.payload.get("case") for e in seen.events if e.type == ev.INCIDENT_TRIAGED] \
            == ["1001"]
        assert not any(e.type == ev.ALERT_RECEIVED for e in seen.events)  # 1002 stayed hidden
        assert seen.radio == []  # pages carry the case's text: not for clerks
    finally:
        clerk.stop()
        lead.stop()


def test_a_shift_lead_is_shown_the_head_of_the_hash_chain(hub) -> None:
    lead, _view = console(hub, "lead", "ws-lead")  # a local session is a shift lead's
    dispatcher, _ = console(hub, "", "ws-d", token=hub.console_link.local_session(
        "dispatcher:d", "ws-d", Role.DISPATCHER))
    try:
        asyncio.run(send(f"{hub.url}/feed", [slip(1), slip(2)]))
        verdict = verify_chain(hub.store.engine)
        wait(lambda: lead.chain_head == (verdict.head_id, verdict.head_hash), timeout=12)
        assert dispatcher.chain_head is None
    finally:
        lead.stop()
        dispatcher.stop()


def test_a_console_that_stops_reading_is_cut_off_and_the_others_carry_on(hub, monkeypatch):
    import hub.console_link as console_link

    monkeypatch.setattr(console_link, "SEND_TIMEOUT_S", 1.0)
    monkeypatch.setattr(console_link, "SEND_QUEUE", 100_000)  # the timeout alone must act
    token = hub.console_link.local_session("dispatcher:stuck", "ws-stuck")
    other, view = console(hub, "dispatcher:ok", "ws-ok")
    actor = Actor("radio:test", "hub")

    async def stuck() -> bool:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", hub.feed_port))
        async with connect(f"{hub.url}/console", sock=sock, max_queue=1) as ws:  # reads
            await ws.send(json.dumps({"type": "login", "token": token, "workstation": "s"}))
            await ws.recv()
            await ws.send(json.dumps({"type": "subscribe", "after": None}))  # then nothing
            for burst in range(30):  # ~6 MB: more than the sockets' buffers can hold
                fixes = [actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1 + n / 1e6,
                                                        "lat": 30.0 + burst / 1e4})
                         for n in range(1000)]
                await asyncio.to_thread(lambda f=fixes: hub.submit(hub._record, f).result(5))
            deadline = time.monotonic() + 60  # a loaded machine writes 30,000 fixes slowly
            while any(x.workstation == "s" for x in hub.console_link.sessions):
                assert time.monotonic() < deadline, "the stuck console was never hung up on"
                await asyncio.sleep(0.2)  # not reading a byte meanwhile
            with pytest.raises(ConnectionClosed):
                while True:  # what was buffered, then the end: the hub hung up
                    await asyncio.wait_for(ws.recv(), 15)
            return True

    try:
        assert asyncio.run(stuck())
        wait(lambda: not hub._facts)
        wait(lambda: view.state.last_event_id == hub_state(hub).last_event_id, timeout=30)
        assert picture(view.state) == picture(hub_state(hub))
    finally:
        other.stop()


def test_hostile_but_well_formed_arguments_are_refused_before_the_engine(hub) -> None:
    """Well-formed JSON whose text arguments cannot be logged or put on the air — a lone
    surrogate (UTF-8 cannot carry it: the database write failed deep inside), a control
    character, an object where text belongs, an unknown referral target — is refused as a
    protocol error naming the argument; nothing is written and the hub goes on."""
    client, replica = console(hub, "dispatcher:a", "ws-a")
    token = hub.console_link.local_session("dispatcher:odd", "ws-odd")
    asyncio.run(send(f"{hub.url}/feed", [slip(1)]))
    wait(lambda: "1001" in replica.state.incidents)

    async def odd() -> list[dict]:
        async with connect(f"{hub.url}/console") as ws:
            await ws.send(json.dumps({"type": "login", "token": token, "workstation": "o"}))
            await ws.recv()
            replies = []
            for n, (verb, args) in enumerate((
                    ("recall", ["1001", "走错\ud800路"]), ("override_triage", ["1001", "a\x00b"]),
                    ("page", ["G01", {"text": "hi"}]), ("refer", ["1001", "fire_brigade"]))):
                await ws.send(json.dumps({"type": "command", "id": n, "verb": verb,
                                          "args": args}))
                replies.append(json.loads(await ws.recv()))
            return replies

    try:
        replies = asyncio.run(odd())
        assert [(r["ok"], r["code"]) for r in replies] == [(False, "protocol")] * 4
        assert "lone surrogate" in replies[0]["reason"]
        assert "U+0000" in replies[1]["reason"] and "not text" in replies[2]["reason"]
        assert [e.type for e in hub.snapshot()] == [ev.ALERT_RECEIVED]  # nothing written
        asyncio.run(send(f"{hub.url}/feed", [slip(2)]))
        wait(lambda: "1002" in replica.state.incidents)
    finally:
        client.stop()
