"""Load clients.

`LookupLoad`: threads that behave like POS terminals. Each lookup carries a unique `reference`;
a lookup that got no answer (connection refused or dropped, timeout) or a 503 is retried with
the same reference, code and amount until it is answered — the retry is safe because the daemon
replays the first answer of a reference. Every attempt is recorded with its times, so a test can
ask what happened in a given window.

`soak`: asyncio, many keep-alive connections each sending at a slow steady pace.
"""

import asyncio
import http.client
import json
import random
import threading
import time
import urllib.parse

# COOPMART's view of demo/ (demo/README.md): mostly approvals, some of each kind of denial.
CODES = [
    ("241220839498", 250000),  # eligible, A-QT-001
    ("241220839498", 2000000),  # eligible, capped
    ("VPDMKM7R", 250000),  # eligible, by Vpoint code
    ("456019258193", 500000),  # eligible, A-HCM-001
    ("583509505952", 250000),  # eligible
    ("158571012352", None),  # eligible, no amount
    ("243989556414", 250000),  # card_replaced
    ("863073542808", 100000),  # member_suspended
    ("123456789012", None),  # unknown_code
]

CONNECTION_ERRORS = (OSError, http.client.HTTPException)


def lookup_path(code, amount, reference):
    query = {"code": code, "reference": reference}
    if amount is not None:
        query["amount"] = str(amount)
    return "/v1/lookup?" + urllib.parse.urlencode(query)


class Attempt:
    """One HTTP attempt: when it was sent and done, and the status or the error's class."""

    __slots__ = ("reference", "sent", "done", "status", "error")

    def __init__(self, reference, sent, done, status, error):
        self.reference, self.sent, self.done, self.status, self.error = (
            reference, sent, done, status, error)


class LookupLoad:
    """`threads` terminals sending lookups to `port()` (a callable: the port may change)."""

    def __init__(self, port, key, prefix, *, threads=16, rate_per_thread=25.0,
                 request_timeout=12.0, keep_alive=True, retry_pause=0.05):
        self.port = port
        self.key = key
        self.prefix = prefix
        self.threads = threads
        self.interval = 1.0 / rate_per_thread
        self.request_timeout = request_timeout
        self.keep_alive = keep_alive
        self.retry_pause = retry_pause
        self.lock = threading.Lock()
        self.attempts = []  # every Attempt, in completion order
        self.requests = {}  # reference → (code, amount)
        self.answers = {}  # reference → (verification_id, eligible), 200s only
        self.unexpected = []  # (reference, status, body) for anything but 200/503
        self.unanswered = []  # references given up at the deadline
        self._new_work = threading.Event()
        self._new_work.set()
        self._deadline = None
        self._workers = []

    def start(self):
        for index in range(self.threads):
            worker = threading.Thread(target=self._run, args=(index,), daemon=True,
                                      name=f"load-{self.prefix}-{index}")
            worker.start()
            self._workers.append(worker)

    def finish(self, timeout):
        """Stops issuing new lookups; lets the unanswered ones retry for up to `timeout` s."""
        self._deadline = time.monotonic() + timeout
        self._new_work.clear()
        for worker in self._workers:
            worker.join(max(0.0, self._deadline - time.monotonic()) + 5)
        stuck = [w.name for w in self._workers if w.is_alive()]
        if stuck:
            raise RuntimeError(f"load threads did not finish: {stuck}")

    def window(self, start, end):
        """Attempts sent at or after `start` and done at or before `end`."""
        with self.lock:
            return [a for a in self.attempts if a.sent >= start and a.done <= end]

    def first_success_after(self, moment):
        """Completion time of the first 200 sent after `moment`, or None."""
        with self.lock:
            times = [a.done for a in self.attempts if a.status == 200 and a.sent >= moment]
        return min(times) if times else None

    def _run(self, index):
        rng = random.Random(f"{self.prefix}-{index}")
        connection = None
        serial = 0
        next_send = time.monotonic() + rng.random() * self.interval
        while self._new_work.is_set():
            serial += 1
            reference = f"{self.prefix}-{index}-{serial}"
            code, amount = rng.choice(CODES)
            with self.lock:
                self.requests[reference] = (code, amount)
            connection = self._until_answered(connection, reference, code, amount)
            next_send += self.interval
            pause = next_send - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                next_send = time.monotonic()
        if connection is not None:
            connection.close()

    def _until_answered(self, connection, reference, code, amount):
        """Retries one lookup until a final answer or the finishing deadline."""
        path = lookup_path(code, amount, reference)
        headers = {"Authorization": f"Bearer {self.key}"}
        if not self.keep_alive:
            headers["Connection"] = "close"
        while True:
            if self._deadline is not None and time.monotonic() > self._deadline:
                with self.lock:
                    self.unanswered.append(reference)
                return connection
            sent = time.monotonic()
            status, body, error = None, b"", None
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", self.port(), timeout=self.request_timeout)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                status, body = response.status, response.read()
                if response.will_close or not self.keep_alive:
                    connection.close()
                    connection = None
            except CONNECTION_ERRORS as failure:
                error = type(failure).__name__
                if connection is not None:
                    connection.close()
                connection = None
            done = time.monotonic()
            with self.lock:
                self.attempts.append(Attempt(reference, sent, done, status, error))
            if status == 200:
                answer = json.loads(body)
                with self.lock:
                    self.answers[reference] = (answer["verification_id"], answer["eligible"])
                return connection
            if status is not None and status != 503:
                with self.lock:
                    self.unexpected.append((reference, status, body[:300].decode(errors="replace")))
                return connection
            time.sleep(self.retry_pause)

    def figures(self):
        with self.lock:
            attempts = list(self.attempts)
        by_status = {}
        for attempt in attempts:
            label = str(attempt.status) if attempt.status is not None else attempt.error
            by_status[label] = by_status.get(label, 0) + 1
        latencies = sorted(a.done - a.sent for a in attempts)
        return {
            "references": len(self.answers) + len(self.unanswered) + len(self.unexpected),
            "answered_200": len(self.answers),
            "approvals": sum(1 for _, eligible in self.answers.values() if eligible),
            "attempts": len(attempts),
            "attempts_by_result": by_status,
            "unanswered": len(self.unanswered),
            "unexpected": len(self.unexpected),
            "max_attempt_seconds": round(latencies[-1], 3) if latencies else None,
            "p99_attempt_seconds": round(latencies[int(len(latencies) * 0.99)], 3) if latencies else None,
        }


# --- soak: many keep-alive connections at a slow, steady pace -------------------------------


async def _read_response(reader):
    """Reads one HTTP/1.1 response with a Content-Length body: (status, headers, body)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed by the server")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


class SoakStats:
    def __init__(self):
        self.requests = 0
        self.ok = 0
        self.errors = []  # (connection, description)
        self.answers = {}  # reference → (verification_id, eligible)
        self.connected = 0
        self.latencies = []
        self.window_max = 0.0  # slowest answer since the last sample (then reset by the sampler)


async def _soak_connection(index, port, key, start, stop, interval, stats, timeout):
    rng = random.Random(f"soak-{index}")
    # Connections open spread over the first seconds: 1000 SYNs at once are a test of the
    # listen backlog, not of the daemon.
    await asyncio.sleep(rng.random() * min(5.0, interval))
    loop = asyncio.get_running_loop()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    except (OSError, asyncio.TimeoutError) as failure:
        stats.errors.append((index, f"connect: {type(failure).__name__} {failure}"))
        return
    stats.connected += 1
    next_send = max(loop.time(), start) + rng.random() * interval
    serial = 0
    try:
        while True:
            await asyncio.sleep(max(0.0, next_send - loop.time()))
            if loop.time() >= stop:
                break
            serial += 1
            reference = f"SOAK-{index}-{serial}"
            code, amount = rng.choice(CODES)
            request = (
                f"GET {lookup_path(code, amount, reference)} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n\r\n"
            ).encode()
            sent = loop.time()
            stats.requests += 1
            try:
                writer.write(request)
                await writer.drain()
                status, headers, body = await asyncio.wait_for(_read_response(reader), timeout)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError,
                    ValueError, IndexError) as failure:
                stats.errors.append((index, f"request {reference}: {type(failure).__name__} {failure}"))
                return
            stats.latencies.append(loop.time() - sent)
            stats.window_max = max(stats.window_max, loop.time() - sent)
            if status != 200:
                stats.errors.append((index, f"{reference}: HTTP {status} {body[:200]!r}"))
            else:
                stats.ok += 1
                answer = json.loads(body)
                stats.answers[reference] = (answer["verification_id"], answer["eligible"])
            if headers.get("connection", "").lower() == "close":
                # Keep-alive is the point of the soak: a server-side close is an error.
                stats.errors.append((index, f"{reference}: server closed the keep-alive connection"))
                return
            next_send += interval
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 5)
        except (OSError, asyncio.TimeoutError):
            pass


async def soak(port, key, *, connections, seconds, rate, sample, sample_every=5.0, timeout=12.0):
    """Runs the soak; `sample()` is called every `sample_every` s (RSS, fds). Returns SoakStats."""
    loop = asyncio.get_running_loop()
    stats = SoakStats()
    start = loop.time()
    stop = start + seconds
    interval = connections / rate  # each connection's pause between its requests
    tasks = [
        asyncio.create_task(
            _soak_connection(i, port, key, start, stop, interval, stats, timeout))
        for i in range(connections)
    ]

    async def sampler():
        while loop.time() < stop:
            sample(loop.time() - start, stats)
            await asyncio.sleep(sample_every)

    sampling = asyncio.create_task(sampler())
    # Every connection ends by itself at `stop` (+ one request's timeout); bound it anyway.
    done, pending = await asyncio.wait(tasks, timeout=seconds + timeout + 30)
    for task in pending:
        task.cancel()
        stats.errors.append((-1, "a connection task did not finish in time"))
    sampling.cancel()
    for task in done:
        if task.exception() is not None:
            stats.errors.append((-1, f"task failed: {task.exception()!r}"))
    return stats
