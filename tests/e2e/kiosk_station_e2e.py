#!/usr/bin/env python3
"""End to end: the real wellness-kiosk under Xvfb against the real station-server on loopback.

    kiosk_station_e2e.py --kiosk BIN --station BIN --work DIR

1. A fresh station (k = 3) gets a kiosk and a coordinator token through its admin API.
2. The kiosk enrolls through a small recording proxy (every byte it sends is kept).
3. Three people use the kiosk, driven by real SDL input events (--script): breathing sessions
   run to their end, check-ins with a level and topics, QR handoffs (screenshots decoded with
   zbarimg: exactly the booking link, byte-identical for two people), the crisis lines.
   The kiosk's clock is set to the Wednesday noon of this week, so no use falls on a week's edge.
4. With both clocks moved a week on (past the week's end and the release spread):
   a. the kiosk's batch is held at the proxy while the station is stopped: a cable cut;
      the kiosk is killed -9 afterwards;
   b. with the station back, the batch reaches it, and the kiosk is killed -9 while it waits
      for the answer;
   c. a restarted kiosk sends the same batch again; the station says duplicate.
5. The station's weekly summary shows exactly the counts of step 3, once, with every cell
   below k (and its complement) hidden.
6. One person the week after (fewer than k visits): a week later still, that week is pooled,
   released as zeros, its counts carried into the next week.
7. Privacy: the kiosk's database, its log output and its traffic carry weeks only, counts only
   per (week, metric, key), no per-use row, nothing about what anyone chose in either
   program's log; a used and an unused week are the same size on the wire.
Every process started here is stopped in the end, also on failure.
"""

import argparse
import datetime
import http.client
import http.server
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

DEADLINE_SECONDS = 110  # the whole test; ctest's TIMEOUT is a little higher

WEEK_RE = re.compile(r"^\d{4}-W\d{2}$")
# A time finer than a week: a date, a clock time or a 9-13 digit epoch.
FINE_TIME_RE = re.compile(
    rb"\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}|\b\d{1,2}:\d{2}(:\d{2})?\b|\b1[5-9]\d{8}(\d{3})?\b")
# The same in raw database pages, where random bytes could look like "1:23": whole dates and
# clock times with seconds only.
RAW_TIME_RE = re.compile(rb"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# --------------------------------------------------------------------------- processes

class Processes:
    """Every process this test starts, so all of them are stopped whatever happens."""

    def __init__(self):
        self.running = []

    def start(self, name, argv, log_path, env=None, pass_fds=()):
        log = open(log_path, "ab")
        log.write(f"==== {name}: {' '.join(argv)}\n".encode())
        log.flush()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env, pass_fds=pass_fds)
        process.e2e_name = name
        process.e2e_lines = []
        process.e2e_log = log

        def pump():
            for line in process.stdout:
                process.e2e_lines.append(line.decode("utf-8", "replace"))
                log.write(line)
                log.flush()

        process.e2e_reader = threading.Thread(target=pump, daemon=True)
        process.e2e_reader.start()
        self.running.append(process)
        return process

    def stop(self, process, sig=signal.SIGTERM, timeout=15):
        if process.poll() is None:
            process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
            raise Failure(f"{process.e2e_name} did not stop within {timeout} s")
        finally:
            process.e2e_reader.join(5)
            process.e2e_log.close()
            if process in self.running:
                self.running.remove(process)
        return process.returncode

    def stop_all(self):
        for process in list(self.running):
            try:
                self.stop(process, signal.SIGTERM, 5)
            except Failure:
                pass


def wait_for(what, predicate, timeout):
    """Polls another process's visible state, at most `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise Failure(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def start_xvfb(processes, work):
    read_end, write_end = os.pipe()
    xvfb = processes.start("Xvfb", ["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                                    "1920x1080x24", "-nolisten", "tcp", "-noreset"],
                           os.path.join(work, "xvfb.log"), pass_fds=(write_end,))
    os.close(write_end)
    # Xvfb writes the number and then a newline: read both, or it dies on a closed pipe.
    answer = b""
    end = time.monotonic() + 20
    while not answer.endswith(b"\n"):
        ready, _, _ = select.select([read_end], [], [], max(0.0, end - time.monotonic()))
        chunk = os.read(read_end, 64) if ready else b""
        check(chunk, f"Xvfb did not report a display within 20 s ({answer!r})")
        answer += chunk
    os.close(read_end)
    display = answer.decode().strip()
    check(display.isdigit(), f"Xvfb reported no display number ({display!r})")
    return xvfb, ":" + display


# --------------------------------------------------------------------------- station

# Long enough on the station's clock for a released week to be sealed and published (the
# station seals a week 14 days after it ends).
SEALED_AFTER = 15 * 24 * 3600


class Station:
    def __init__(self, processes, binary, work):
        self.processes = processes
        self.binary = binary
        self.data = os.path.join(work, "station-data")
        self.work = work
        self.process = None
        self.port = None
        self.admin_password = None
        self.starts = 0

    def start(self, clock_offset):
        self.starts += 1
        config = os.path.join(self.work, f"station-{self.starts}.properties")
        with open(config, "w") as f:
            f.write("summary.k = 3\n"
                    f"clock.offset_seconds = {clock_offset}\n")
        self.process = self.processes.start(
            "station-server",
            # Plain HTTP on loopback: the cable-cut proxy here reads HTTP; the kiosk's TLS and
            # pinning against the real station are tested in tests/kiosk/sync.
            [self.binary, "serve", "--data", self.data, "--port", "0", "--bind", "127.0.0.1",
             "--config", config, "--plain-http"],
            os.path.join(self.work, "station.log"))

        def listening():
            check(self.process.poll() is None,
                  "station-server exited:\n" + "".join(self.process.e2e_lines))
            for line in self.process.e2e_lines:
                found = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
                if found:
                    return int(found.group(1))
            return None

        self.port = wait_for("the station to listen", listening, 20)
        # The first start wrote the admin's password to a file (never to its output).
        password_file = os.path.join(self.data, "first-admin-password")
        if self.admin_password is None and os.path.exists(password_file):
            with open(password_file) as f:
                self.admin_password = f.read().strip()

    def stop(self):
        code = self.processes.stop(self.process)
        check(code == 0, f"station-server stopped with exit code {code}")

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                         method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


# --------------------------------------------------------------------------- recording proxy

class RecordingProxy:
    """Stands between the kiosk and the station on loopback: keeps every request the kiosk
    makes and, for the counts POST, can cut the cable or stall the answer."""

    COUNTS_PATH = "/api/v1/kiosk/counts"

    def __init__(self):
        self.station_port = None
        self.counts_mode = "forward"  # forward | hold_then_cut | apply_then_stall
        self.requests = []  # (method, path, [(header, value)], body bytes)
        self.counts_answers = []  # (batch_id, status, answer json or None)
        self.counts_arrived = threading.Event()
        self.counts_cut = threading.Event()
        self.counts_applied = threading.Event()
        self.go_on = threading.Event()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_request(self):
                length = int(self.headers.get("Content-Length") or 0)
                check(length <= 1024 * 1024, "the kiosk sent an oversized body")
                body = self.rfile.read(length) if length else b""
                proxy.requests.append((self.command, self.path, list(self.headers.items()), body))
                counts = self.command == "POST" and self.path == proxy.COUNTS_PATH
                mode = proxy.counts_mode if counts else "forward"
                if mode == "hold_then_cut":
                    proxy.counts_arrived.set()
                    proxy.go_on.wait(30)
                try:
                    status, headers, answer = self.forward(body)
                except OSError:
                    # The station is gone: the kiosk's connection dies without an answer.
                    if counts:
                        proxy.counts_cut.set()
                    self.close_connection = True
                    return
                if counts:
                    batch_id = json.loads(body)["batch_id"]
                    try:
                        parsed = json.loads(answer)
                    except ValueError:
                        parsed = None
                    proxy.counts_answers.append((batch_id, status, parsed))
                if mode == "apply_then_stall":
                    # The station holds the batch; the kiosk waits for an answer that never comes.
                    proxy.counts_applied.set()
                    proxy.go_on.wait(30)
                    self.close_connection = True
                    return
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(answer)
                self.close_connection = True

            def forward(self, body):
                connection = http.client.HTTPConnection("127.0.0.1", proxy.station_port,
                                                        timeout=10)
                try:
                    headers = {name: value for name, value in self.headers.items()
                               if name.lower() not in ("host", "connection")}
                    connection.request(self.command, self.path, body=body or None,
                                       headers=headers)
                    response = connection.getresponse()
                    return response.status, response.getheaders(), response.read()
                finally:
                    connection.close()

            do_GET = do_POST = do_PUT = do_DELETE = handle_request

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def set_counts_mode(self, mode):
        self.counts_mode = mode
        for event in (self.counts_arrived, self.counts_cut, self.counts_applied, self.go_on):
            event.clear()

    def close(self):
        self.go_on.set()
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------- kiosk

class Kiosk:
    def __init__(self, processes, binary, work, display, station_url):
        self.processes = processes
        self.binary = binary
        self.work = work
        self.data = os.path.join(work, "kiosk-data")
        self.station_url = station_url
        self.log = os.path.join(work, "kiosk.log")
        self.env = dict(os.environ, DISPLAY=display, LIBGL_ALWAYS_SOFTWARE="1",
                        SDL_AUDIODRIVER="dummy", SDL_VIDEODRIVER="x11", HOME=work)
        self.env.pop("WAYLAND_DISPLAY", None)
        self.env.pop("STATE_DIRECTORY", None)
        self.runs = []

    def start(self, clock_offset, *extra):
        argv = [self.binary, "--windowed", "1280x720", "--data", self.data, "--station",
                self.station_url, "--clock-offset", str(clock_offset), "--sync-interval",
                "3600", *extra]
        process = self.processes.start("wellness-kiosk", argv, self.log, env=self.env)
        self.runs.append(process)
        return process

    def run_script(self, clock_offset, script):
        """Runs the kiosk with --script until the script quits; its failure is the test's."""
        process = self.start(clock_offset, "--script", script)
        try:
            code = process.wait(60)
        except subprocess.TimeoutExpired:
            raise Failure(f"{script} did not finish within 60 s")
        self.processes.stop(process)
        check(code == 0, f"{script} failed ({code}):\n" + "".join(process.e2e_lines)[-3000:])

    def db_rows(self, sql, parameters=()):
        connection = sqlite3.connect(f"file:{self.data}/kiosk.sqlite3?mode=ro", uri=True,
                                     timeout=5)
        try:
            return connection.execute(sql, parameters).fetchall()
        finally:
            connection.close()

    def output(self):
        return "".join(line for run in self.runs for line in run.e2e_lines)


def session_ms(exercise, minutes):
    """core's plan_session: a whole number of cycles nearest the chosen length, at least one."""
    cycle = sum(round(phase["seconds"] * 1000) for phase in exercise["phases"])
    return max(1, (minutes * 60000 + cycle // 2) // cycle) * cycle


def people_script(content, shots):
    box = next(e for e in content["exercises"] if e["id"] == "box")
    breathe_ms = session_ms(box, 1)

    def breathe():
        return f"""
tap home.breathe
tap breathe.exercise.box
tap breathe.length.1
tap rating.skip
expect-screen breathe_running
advance-ms {breathe_ms - 1000}
expect-screen breathe_running
advance-ms 1000
expect-screen breathe_finished
# The session passed the idle time untouched: the kiosk asks "Still there?".
tap still_there.stay
tap chrome.back
tap chrome.back
tap chrome.back
expect-screen home"""

    def checkin(level, topics):
        taps = "\n".join(f"tap checkin.topic.{topic}" for topic in topics)
        return f"""
tap home.checkin
tap checkin.level.{level}
expect-screen checkin_topics
{taps}
tap checkin.next
expect-screen checkin_suggestions
tap chrome.back
tap chrome.back
tap chrome.back
expect-screen home"""

    def talk(*providers):
        """Home -> Talk to someone -> each (provider, screenshot or None) -> back to the list."""
        steps = ["", "tap home.talk", "expect-screen talk_list"]
        for provider, screenshot in providers:
            steps += [f"tap talk.provider.{provider}", "expect-screen talk_provider"]
            if screenshot:
                steps += ["expect-widget talk.qr", f"screenshot {screenshot}"]
            steps += ["tap chrome.back", "expect-screen talk_list"]
        return "\n".join(steps)

    return "\n".join([
        "# person 1: breathes, checks in, is shown the EAP's QR, looks at the crisis lines",
        "tap attract.tap", "expect-screen home", breathe(),
        checkin("reacting", ["sleep", "workload"]),
        talk(("eap", shots[0])), "tap chrome.back", "tap home.urgent", "expect-screen urgent",
        "tap chrome.done", "expect-screen attract",
        "# Attract rests before the next person, or they would be the same visit",
        f"advance-ms {VISIT_REST_MS}",
        "# person 2: the same",
        "tap attract.tap", "expect-screen home", breathe(),
        checkin("reacting", ["sleep", "workload"]),
        talk(("eap", shots[1])), "tap chrome.back", "tap home.urgent", "expect-screen urgent",
        "tap chrome.done", "expect-screen attract",
        f"advance-ms {VISIT_REST_MS}",
        "# person 3: another level and topic, two providers, no crisis lines",
        "tap attract.tap", "expect-screen home", breathe(),
        checkin("healthy", ["sleep", "family"]),
        talk(("eap", None), ("peer-support", None)), "tap chrome.done", "expect-screen attract",
        "quit", ""])


# The kiosk counts a visit only after Attract has rested this long (kiosk/app/flow.hpp).
VISIT_REST_MS = 120000


# What the three people above add up to in their week (every other catalogue key stays 0).
PEOPLE_COUNTS = {
    ("visit", "start"): 3,
    ("breathing.started", "box"): 3,
    ("breathing.completed", "box"): 3,
    ("checkin.level", "reacting"): 2,
    ("checkin.level", "healthy"): 1,
    ("checkin.topic", "sleep"): 3,
    ("checkin.topic", "workload"): 2,
    ("checkin.topic", "family"): 1,
    ("handoff.shown", "eap"): 3,
    ("handoff.shown", "peer-support"): 1,
    ("crisis.viewed", "list"): 2,
}
# With k = 3, one week: every non-zero cell below 3 is hidden, and nothing else is (no row
# totals are published, so no cell needs a complement: eap's 3 shows); zeros stay visible.
EXPECTED_HIDDEN = {
    ("checkin.level", "reacting"), ("checkin.level", "healthy"),
    ("checkin.topic", "workload"), ("checkin.topic", "family"),
    ("handoff.shown", "peer-support"),
    ("crisis.viewed", "list"),
}


# --------------------------------------------------------------------------- privacy checks

def check_kiosk_database(kiosk, released, open_week, carried, catalogue):
    """Counts only, per (week, metric, key); no per-use row; nothing finer than a week."""
    tables = [row[0] for row in kiosk.db_rows(
        "SELECT name FROM sqlite_schema WHERE type = 'table'")]
    check(set(tables) == {"counters", "carry", "outbox", "released_weeks", "meta",
                          "kept_releases"},
          f"unexpected tables in the kiosk database: {tables}")
    for table in tables:
        columns = [row[1] for row in kiosk.db_rows("SELECT * FROM pragma_table_info(?)",
                                                   (table,))]
        for row in kiosk.db_rows(f'SELECT * FROM "{table}"'):
            for column, value in zip(columns, row):
                text = str(value).encode()
                check(not FINE_TIME_RE.search(text),
                      f"{table}.{column} holds a time finer than a week: {value!r}")
                if column == "week":
                    check(WEEK_RE.match(value), f"{table}.week holds {value!r}")
    # One row per (week, metric, key) and only catalogue keys: nothing grows with use.
    duplicates = kiosk.db_rows("SELECT week, metric, key FROM counters "
                               "GROUP BY week, metric, key HAVING count(*) > 1")
    check(not duplicates, f"counters has several rows for {duplicates}")
    counted = kiosk.db_rows("SELECT week, metric, key FROM counters")
    check({r[0] for r in counted} <= {open_week},
          f"after the releases the kiosk keeps weeks {sorted({r[0] for r in counted})}")
    check({(r[1], r[2]) for r in counted} == catalogue,
          "the open week's rows are not exactly the content's catalogue")
    check(sorted(kiosk.db_rows("SELECT week FROM released_weeks")) == [(w,) for w in released],
          "the released weeks are not remembered, each once")
    check(kiosk.db_rows("SELECT count(*) FROM outbox") == [(0,)],
          "a batch is still waiting in the outbox")
    # What the station acknowledged is kept a while, as sent, for a station restored from a
    # backup: exactly the released weeks, nothing else.
    check(sorted(kiosk.db_rows("SELECT week FROM kept_releases")) == [(w,) for w in released],
          "the kept releases are not exactly the released weeks")
    carry = {(m, k): n for m, k, n in kiosk.db_rows("SELECT metric, key, n FROM carry")}
    check(carry == carried, f"the kiosk carries {carry}, expected {carried}")
    # The raw files too (pages SQLite freed, the write-ahead log).
    for name in os.listdir(kiosk.data):
        if name.startswith("kiosk.sqlite3"):
            with open(os.path.join(kiosk.data, name), "rb") as f:
                found = RAW_TIME_RE.search(f.read())
            check(not found, f"{name} holds a time finer than a week: {found and found.group()}")


def check_quiet_log(who, output, content):
    """Technical events only: nothing a person did, no counts, no weeks."""
    ids = {e["id"] for e in content["exercises"]} | {p["id"] for p in content["providers"]}
    ids |= {level["id"] for level in content["checkin"]["levels"]}
    ids |= {topic["id"] for topic in content["checkin"]["topics"]}
    screens = {"home", "breathe", "checkin", "talk", "urgent", "attract", "suggestions"}
    metrics = {"visit", "breathing.started", "breathing.completed", "checkin.level",
               "checkin.topic", "handoff.shown", "crisis.viewed"}
    for word in sorted(ids | screens | metrics):
        found = re.search(r"(?<![\w.-])" + re.escape(word) + r"(?![\w-])", output,
                          re.IGNORECASE)
        check(not found, f"the {who}'s log names '{word}': "
                         f"...{output[max(0, found.start() - 80):found.end() + 80]}..."
              if found else "")
    check('"n"' not in output and '"counts"' not in output and not re.search(
        r"\d{4}-W\d{2}", output), f"the {who}'s log holds a counts batch or a week")


def check_traffic(proxy, expected_batches, catalogue):
    """What left the kiosk: weeks only, fixed-shape batches of one size, the same bytes when
    resent. expected_batches: week -> (times sent, counts)."""
    allowed = re.compile(
        r"^/api/v1/kiosk/(enroll|content|counts|token|assets/[A-Za-z0-9._-]+)$")
    batches = []
    for method, path, headers, body in proxy.requests:
        check(allowed.match(path), f"the kiosk asked for {method} {path}")
        for name, value in headers:
            if name.lower() == "host":
                continue  # 127.0.0.1:PORT
            check(name.lower() != "date" and not FINE_TIME_RE.search(value.encode()),
                  f"the kiosk sent header {name}: {value}")
        check(not FINE_TIME_RE.search(body), f"{method} {path} carries a time: {body[:200]}")
        if method == "GET":
            check(body == b"", f"GET {path} has a body")
        elif path.endswith("/enroll"):
            check(set(json.loads(body)) == {"enrollment_code"}, "enrollment sends more")
        elif path.endswith("/token"):
            check(json.loads(body) == {}, "a token swap sends more than {}")
        elif path.endswith("/counts"):
            batches.append(body)
    by_week = {}
    for body in batches:
        batch = json.loads(body)
        check(set(batch) == {"batch_id", "counts"}, f"batch fields {sorted(batch)}")
        weeks = {entry.get("week") for entry in batch["counts"]}
        check(len(weeks) == 1, f"a batch spans weeks {weeks}")
        by_week.setdefault(weeks.pop(), []).append(body)
    check(sorted(by_week) == sorted(expected_batches),
          f"batches were sent for weeks {sorted(by_week)}, expected {sorted(expected_batches)}")
    for week, (times, counts) in expected_batches.items():
        sent_bodies = by_week[week]
        check(len(sent_bodies) == times, f"the batch of {week} was sent {len(sent_bodies)} "
                                         f"times, expected {times}")
        check(len(set(sent_bodies)) == 1, f"a resent batch of {week} is not byte-identical")
        batch = json.loads(sent_bodies[0])
        for entry in batch["counts"]:
            check(set(entry) == {"week", "metric", "key", "n"}, f"batch entry fields {entry}")
        shape = {(e["metric"], e["key"]) for e in batch["counts"]}
        check(shape == catalogue and len(batch["counts"]) == len(catalogue),
              f"the batch of {week} does not list every metric and key of the content once")
        sent = {(e["metric"], e["key"]): e["n"] for e in batch["counts"]}
        expected = {key: counts.get(key, 0) for key in catalogue}
        check(sent == expected, f"the batch of {week} is off: " + differences(sent, expected))
    sizes = {len(bodies[0]) for bodies in by_week.values()}
    check(len(sizes) == 1, f"a used week and an unused week differ in size on the wire: {sizes}")


def differences(got, expected):
    keys = sorted(set(got) | set(expected))
    return "; ".join(f"{key}: {got.get(key)} (expected {expected.get(key)})"
                     for key in keys if got.get(key) != expected.get(key))


# --------------------------------------------------------------------------- the test

def check_summary(station, token, week, catalogue, counts, hidden):
    """The coordinator's weekly summary of one week: every catalogue cell, `hidden` ones
    suppressed, the others showing exactly `counts` (0 where absent)."""
    status, summary = station.call(
        "GET", f"/api/v1/summary?from={week}&to={week}&period=week&format=json", token=token)
    check(status == 200, f"summary: {status} {summary}")
    check(summary["k"] == 3, f"the summary uses k={summary['k']}")
    check(all(row["period"] == week for row in summary["rows"]), "rows of other weeks")
    cells = {(row["metric"], row["key"]): row for row in summary["rows"]}
    check(len(cells) == len(summary["rows"]), "the summary repeats a cell")
    check(set(cells) == catalogue, f"the summary of {week} does not list the catalogue")
    problems = []
    for key in sorted(catalogue):
        row = cells[key]
        n = counts.get(key, 0)
        if key in hidden:
            if not (row.get("suppressed") is True and row["n"] is None):
                problems.append(f"{key} (really {n}) should be hidden: {row}")
        elif row.get("suppressed") or row["n"] != n:
            problems.append(f"{key} should show {n}: {row}")
    check(not problems, f"summary cells of {week}:\n  " + "\n  ".join(problems))


def iso_week(day):
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def run(args):
    work = os.path.abspath(args.work)
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)
    started = time.monotonic()
    processes = Processes()
    proxy = RecordingProxy()
    try:
        _, display = start_xvfb(processes, work)
        station = Station(processes, args.station, work)
        station.start(clock_offset=0)
        check(station.admin_password, "the first start printed no admin password")
        status, session = station.call("POST", "/api/v1/admin/session",
                                       {"username": "admin", "password": station.admin_password})
        check(status == 200, f"admin login: {status} {session}")
        admin = session["token"]
        status, enrollment = station.call("POST", "/api/v1/admin/kiosks", {"name": "room 1"},
                                          admin)
        check(status == 201, f"creating a kiosk: {status} {enrollment}")
        status, coordinator = station.call("POST", "/api/v1/admin/coordinator-tokens",
                                           {"label": "region"}, admin)
        check(status == 201, f"creating a coordinator token: {status} {coordinator}")
        status, published = station.call("GET", "/api/v1/admin/content", token=admin)
        check(status == 200, f"reading the published content: {status}")
        content = published["document"]
        proxy.station_port = station.port

        # The kiosk's clock: Wednesday noon of this week, then a week later (past the week's
        # end and the two-day release spread).
        now = time.time()
        wednesday = datetime.date.fromtimestamp(now) + datetime.timedelta(
            days=2 - time.localtime(now).tm_wday)
        noon = time.mktime((wednesday.year, wednesday.month, wednesday.day, 12, 0, 0, 0, 0, -1))
        use_offset = int(noon - now)
        release_offset = use_offset + 7 * 24 * 3600
        pool_offset = use_offset + 14 * 24 * 3600
        week = iso_week(wednesday)
        next_week = iso_week(wednesday + datetime.timedelta(days=7))
        week_after = iso_week(wednesday + datetime.timedelta(days=14))

        kiosk = Kiosk(processes, args.kiosk, work, display, f"http://127.0.0.1:{proxy.port}")

        # Enrollment: the first contact exchanges the code and caches the station's content.
        first = kiosk.start(use_offset, "--enroll", enrollment["enrollment_code"])
        wait_for("the kiosk to enroll and cache the station's content", lambda: (
            check(first.poll() is None, "the kiosk exited:\n" + kiosk.output()) or
            os.path.exists(os.path.join(kiosk.data, "content", "current"))), 40)
        check(processes.stop(first) == 0, "the kiosk did not stop cleanly on SIGTERM")
        token_mode = os.stat(os.path.join(kiosk.data, "token")).st_mode & 0o777
        check(token_mode == 0o600, f"the token file has mode {oct(token_mode)}")
        check(kiosk.db_rows("SELECT value FROM meta WHERE name = 'station_k'") == [("3",)],
              "the kiosk did not learn the station's k")

        # Three people, driven by real SDL input events.
        shots = [os.path.join(work, "person1.png"), os.path.join(work, "person2.png")]
        script = os.path.join(work, "people.script")
        with open(script, "w") as f:
            f.write(people_script(content, shots))
        kiosk.run_script(use_offset, script)

        booking = next(p["booking_url"] for p in content["providers"] if p["id"] == "eap")
        payloads = []
        for shot in shots:
            decoded = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                                      shot], capture_output=True, timeout=30)
            check(decoded.returncode == 0, f"zbarimg found no QR code in {shot}")
            payloads.append(decoded.stdout.rstrip(b"\n"))
        check(payloads[0] == booking.encode(),
              f"the QR decodes to {payloads[0]!r}, not the booking link {booking!r}")
        check(payloads[0] == payloads[1], "the QR payload differs between two people")
        with open(shots[0], "rb") as a, open(shots[1], "rb") as b:
            check(a.read() == b.read(), "the QR screen differs between two people")

        # What the kiosk holds for the week: the people's counts and zeros, nothing else.
        held = {(m, k): n for w, m, k, n in kiosk.db_rows(
            "SELECT week, metric, key, n FROM counters")}
        check({w for (w,) in kiosk.db_rows("SELECT DISTINCT week FROM counters")} == {week},
              f"the uses were not all counted in {week}")
        catalogue = set(held)
        check(all(key in catalogue for key in PEOPLE_COUNTS), "a used key has no counter")
        expected_held = {key: PEOPLE_COUNTS.get(key, 0) for key in catalogue}
        check(held == expected_held, "the kiosk counted " + differences(held, expected_held))

        # A week later. The station is stopped while the kiosk's batch is on the wire.
        station.stop()
        station.start(clock_offset=release_offset)
        proxy.station_port = station.port
        proxy.set_counts_mode("hold_then_cut")
        cut = kiosk.start(release_offset)
        check(proxy.counts_arrived.wait(40), "the kiosk sent no batch after the week's end")
        station.stop()
        proxy.go_on.set()
        check(proxy.counts_cut.wait(10), "the proxy did not cut the kiosk's connection")
        processes.stop(cut, signal.SIGKILL)
        batch_id = json.loads(next(body for method, path, _, body in reversed(proxy.requests)
                                   if path == proxy.COUNTS_PATH))["batch_id"]
        check(kiosk.db_rows("SELECT batch_id FROM outbox") == [(batch_id,)],
              "after a cut cable the batch is not kept in the outbox")

        # The station is back; the kiosk is killed -9 while it waits for the answer.
        station.start(clock_offset=release_offset)
        proxy.station_port = station.port
        proxy.set_counts_mode("apply_then_stall")
        stalled = kiosk.start(release_offset)
        check(proxy.counts_applied.wait(40), "the restarted kiosk did not resend its batch")
        processes.stop(stalled, signal.SIGKILL)
        proxy.go_on.set()
        check(proxy.counts_answers[-1][:2] == (batch_id, 200)
              and proxy.counts_answers[-1][2] == {"status": "applied"},
              f"the station did not apply the batch: {proxy.counts_answers[-1]}")
        check(kiosk.db_rows("SELECT batch_id FROM outbox") == [(batch_id,)],
              "the kiosk dropped a batch whose answer it never got")

        # Restarted once more: the same batch again, the station knows it.
        proxy.set_counts_mode("forward")
        final = kiosk.start(release_offset)
        wait_for("the station's answer to the resent batch",
                 lambda: len(proxy.counts_answers) == 2, 40)
        check(proxy.counts_answers[-1] == (batch_id, 200, {"status": "duplicate"}),
              f"the resent batch was not a duplicate: {proxy.counts_answers[-1]}")
        wait_for("the kiosk to empty its outbox",
                 lambda: kiosk.db_rows("SELECT count(*) FROM outbox") == [(0,)], 20)
        check(processes.stop(final) == 0, "the kiosk did not stop cleanly on SIGTERM")

        # The coordinator's view of that week, once it is sealed (14 days after its end): exactly
        # the people's counts, once, suppressed.
        station.stop()
        station.start(clock_offset=release_offset + SEALED_AFTER)
        proxy.station_port = station.port
        check_summary(station, coordinator["token"], week, catalogue, PEOPLE_COUNTS,
                      EXPECTED_HIDDEN)

        # A week with one visit (fewer than k) is pooled: released as zeros, carried onwards.
        lonely_script = os.path.join(work, "lonely.script")
        with open(lonely_script, "w") as f:
            f.write("tap attract.tap\ntap home.urgent\nexpect-screen urgent\n"
                    "tap chrome.done\nexpect-screen attract\nquit\n")
        kiosk.run_script(release_offset, lonely_script)
        lonely_counts = {("visit", "start"): 1, ("crisis.viewed", "list"): 1}
        station.stop()
        station.start(clock_offset=pool_offset)
        proxy.station_port = station.port
        later = kiosk.start(pool_offset)
        wait_for("the station's answer to the pooled week", lambda: len(proxy.counts_answers) == 3,
                 40)
        check(proxy.counts_answers[-1][1:] == (200, {"status": "applied"}),
              f"the pooled week was not applied: {proxy.counts_answers[-1]}")
        wait_for("the kiosk to empty its outbox",
                 lambda: kiosk.db_rows("SELECT count(*) FROM outbox") == [(0,)], 20)
        check(processes.stop(later) == 0, "the kiosk did not stop cleanly on SIGTERM")
        station.stop()
        station.start(clock_offset=pool_offset + SEALED_AFTER)
        proxy.station_port = station.port
        check_summary(station, coordinator["token"], next_week, catalogue, {}, set())
        check_summary(station, coordinator["token"], week, catalogue, PEOPLE_COUNTS,
                      EXPECTED_HIDDEN)

        # Privacy.
        check_kiosk_database(kiosk, [week, next_week], week_after, lonely_counts, catalogue)
        check_quiet_log("kiosk", kiosk.output(), content)
        with open(os.path.join(work, "station.log"), encoding="utf-8", errors="replace") as f:
            station_output = "".join(line for line in f if not line.startswith("===="))
        check_quiet_log("station", station_output, content)
        check_traffic(proxy, {week: (3, PEOPLE_COUNTS), next_week: (1, {})}, catalogue)

        station.stop()
        print(f"e2e ok in {time.monotonic() - started:.1f} s: {week} reached the station once "
              f"through a cut cable and a kill -9, suppressed below k=3; {next_week} (one visit) "
              f"pooled as zeros; QR {booking} identical for two people; "
              f"{len(proxy.requests)} kiosk requests recorded")
        return 0
    finally:
        proxy.close()
        processes.stop_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--station", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    def out_of_time(*_):
        raise Failure(f"the test ran longer than {DEADLINE_SECONDS} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(DEADLINE_SECONDS)
    try:
        return run(args)
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        print(f"logs: {os.path.abspath(args.work)}/kiosk.log, station.log", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
