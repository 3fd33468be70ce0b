"""Building blocks of the fault tests: a throwaway PostgreSQL cluster, the daemon as a child
process we can kill, small HTTP helpers, and the audit-table checks.

Python 3 standard library only. Every wait has a deadline: a test that cannot make progress
fails with a message instead of hanging CI.
"""

import glob
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "tests" / "fault" / "results"
IS_ROOT = os.geteuid() == 0


class HarnessError(Exception):
    """The harness itself could not do what a test needs (not a finding about the daemon)."""


def log(message):
    """Progress for the person watching `make fault-test`, with a wall-clock stamp."""
    print(time.strftime("%H:%M:%S ") + message, flush=True)


def free_port():
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command, *, timeout=120, env=None, check=True, input_text=None):
    """Runs a command to completion within `timeout` seconds; output captured as text."""
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, input=input_text
    )
    if check and done.returncode != 0:
        raise HarnessError(
            f"{' '.join(map(str, command))} exited {done.returncode}: {done.stderr.strip()[-2000:]}"
        )
    return done


def bin_path():
    """Where `swift build` (debug) put unioncardd and unioncardctl."""
    done = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    path = Path(done.stdout.strip())
    for program in ("unioncardd", "unioncardctl"):
        if not (path / program).is_file():
            raise HarnessError(f"{path / program} is missing: run `swift build` first")
    return path


def empty_config():
    """An empty config file: the daemon then takes its settings from flags and environment."""
    path = RESULTS / "logs" / "empty.conf"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# fault tests: every setting comes from flags and UNIONCARD_* variables\n")
    return path


class Cluster:
    """A private PostgreSQL cluster through tools/dev-cluster.sh (which runs it as `postgres`
    when we are root), on a free port, in a directory under /tmp that `destroy` removes."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="unioncard-fault."))
        self.port = free_port()
        self.env = dict(os.environ, UNIONCARD_DEV_PGPORT=str(self.port))
        versions = sorted(
            glob.glob("/usr/lib/postgresql/*/bin"),
            key=lambda p: [int(x) for x in re.findall(r"\d+", p)],
        )
        self.bindir = os.environ.get("PG_BINDIR") or (versions[-1] if versions else "")
        if not self.bindir:
            raise HarnessError("no PostgreSQL under /usr/lib/postgresql (tools/ensure-deps.sh)")
        self.conninfo = None

    def _script(self, action, timeout=120):
        return run(
            [str(REPO / "tools" / "dev-cluster.sh"), action, str(self.directory)],
            env=self.env,
            timeout=timeout,
        )

    def start(self):
        """Creates (first time) and starts the server; returns when it accepts connections."""
        self._script("start")
        if self.conninfo is None:
            self.conninfo = self._script("conninfo").stdout.strip()

    @property
    def data(self):
        # dev-cluster.sh may have made pgdata a symlink to /var/tmp (postgres cannot enter /tmp/X).
        return os.path.realpath(self.directory / "pgdata")

    @property
    def owner(self):
        return self.conninfo + " user=postgres"

    @property
    def app(self):
        return self.conninfo + " user=unioncard_app"

    def _as_owner(self, command):
        return (["runuser", "-u", "postgres", "--"] if IS_ROOT else []) + command

    def stop_immediate(self):
        """`pg_ctl stop -m immediate`: every backend dies at once, no checkpoint (a crash)."""
        run(
            self._as_owner([f"{self.bindir}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"]),
            timeout=60,
        )

    def psql(self, sql, timeout=60):
        """Runs SQL as the owner; returns the rows as lists of strings (tab-separated output)."""
        done = run(
            [f"{self.bindir}/psql", "-X", "-q", "-tA", "-F", "\t", "-v", "ON_ERROR_STOP=1",
             "-d", self.owner, "-c", sql],
            timeout=timeout,
        )
        return [line.split("\t") for line in done.stdout.splitlines() if line]

    def session(self):
        """A long-lived psql session as the owner (stdin open), for holding locks."""
        return subprocess.Popen(
            [f"{self.bindir}/psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", self.owner],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def destroy(self):
        try:
            self._script("stop", timeout=60)
        except Exception as error:  # noqa: BLE001 — cleanup goes on regardless
            log(f"warning: stopping the cluster: {error}")
        data = self.data
        shutil.rmtree(self.directory, ignore_errors=True)
        if data.startswith("/var/tmp/unioncard-run."):
            shutil.rmtree(data, ignore_errors=True)


class Daemon:
    """One `unioncardd` child process after another on the same address.

    Either it binds `127.0.0.1:port` itself, or (`listen_fd` given) it gets an already listening
    socket the way systemd passes it: as fd 3, with LISTEN_FDS=1 and LISTEN_PID=its own pid.
    Each process logs to its own file under results/logs/.
    """

    def __init__(self, binaries, database, name, *, port=None, listen_fd=None, env=None):
        self.binary = str(binaries / "unioncardd")
        self.database = database
        self.name = name
        self.port = port if port is not None else free_port()
        self.listen_fd = listen_fd
        # One load client here stands for hundreds of terminals on one key: without these, the
        # per-key rate limit and the unknown-code lockout (abuse protection, tested in
        # Tests/EndToEndTests) would answer 429. A daemon without those settings ignores them.
        self.extra_env = {"UNIONCARD_RATE_LIMIT_PER_MINUTE": "0", "UNIONCARD_LOCKOUT_THRESHOLD": "0",
                          **(env or {})}
        self.process = None
        self.generation = 0
        self.log_path = None
        self.log_dir = RESULTS / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)

    def _command(self):
        command = [self.binary, "--listen", f"127.0.0.1:{self.port}", "--database", self.database]
        if self.listen_fd is None:
            return command
        # bash (not sh: dash only knows fds 0–9) moves the socket to fd 3 and sets LISTEN_PID to
        # its own pid, which `exec` hands on to the daemon — what systemd does for a socket unit.
        fd = self.listen_fd
        move = f"exec 3<&{fd} {fd}<&-; " if fd != 3 else ""
        return ["bash", "-c", move + 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$@"',
                "unioncardd-socket"] + command

    def spawn(self):
        """Starts a new process without waiting for it to serve."""
        self.generation += 1
        self.log_path = self.log_dir / f"{self.name}-{self.generation:02d}.log"
        env = dict(os.environ, **self.extra_env)
        # A config file on this machine (/etc/unioncard/unioncardd.conf) must not leak in.
        env.setdefault("UNIONCARD_CONFIG", str(empty_config()))
        with open(self.log_path, "wb") as sink:
            self.process = subprocess.Popen(
                self._command(),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
                pass_fds=(self.listen_fd,) if self.listen_fd is not None else (),
            )
        return self.process

    def start(self, timeout=20):
        """Starts a process and waits until it answers GET /healthz (retrying while the port is
        still held by a killed predecessor)."""
        deadline = time.monotonic() + timeout
        while True:
            self.spawn()
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                if http_status(self.port, "/healthz", timeout=1) == 200:
                    return self.process.pid
                time.sleep(0.02)
            if time.monotonic() >= deadline:
                self.kill()
                raise HarnessError(f"{self.name}: no answer on port {self.port} within {timeout} s;"
                                   f" log {self.log_path}: {self.log_tail()}")
            # Exited early. Right after a kill -9 the address may still be taken for a moment:
            # try again; any other reason is a failure.
            if "cannot listen" not in self.log_tail():
                raise HarnessError(f"{self.name}: exited {self.process.returncode} at start: "
                                   f"{self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self, lines=5):
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """kill -9 and reap (bounded)."""
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired as error:
                raise HarnessError(f"{self.name}: pid {self.pid} survived SIGKILL for 10 s") from error

    def terminate(self, timeout):
        """SIGTERM; returns (exit status or None if still running after `timeout`, seconds)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            status = None
        return status, time.monotonic() - started

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise HarnessError("no VmRSS")

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def grep_log(self, pattern):
        """Lines of every log this daemon wrote that match a regular expression."""
        found = []
        for path in sorted(self.log_dir.glob(f"{self.name}-*.log")):
            for line in path.read_text(errors="replace").splitlines():
                if re.search(pattern, line):
                    found.append(f"{path.name}: {line}")
        return found


def http_request(port, method, path, *, headers=None, body=None, timeout=5):
    """One request on a fresh connection: (status, headers dict lower-cased, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def http_status(port, path, timeout=2):
    """The status of a GET, or None when no answer came."""
    try:
        return http_request(port, "GET", path, timeout=timeout)[0]
    except (OSError, http.client.HTTPException):
        return None


class Registry:
    """The database every test uses: migrated, demo/ loaded, plus one agreement of ours.

    The extra agreement (COOPMART, national, 5 %, valid 2020–2099) keeps approvals in the load
    after the demo agreements expire at the end of 2027: the tests are about approvals.
    """

    EXTRA_AGREEMENT = (
        "code,partner_code,unit_code,title,percent,max_discount_vnd,min_purchase_vnd,card_kinds,"
        "valid_from,valid_to\n"
        "F-FAULT-01,COOPMART,TLD,Fault-test agreement,5,,,any,2020-01-01,2099-12-31\n"
    )

    def __init__(self, cluster, binaries):
        self.cluster = cluster
        self.ctl_path = str(binaries / "unioncardctl")

    def ctl(self, *arguments, check=True, timeout=120):
        return run([self.ctl_path, "--database", self.cluster.owner, *arguments],
                   check=check, timeout=timeout)

    def load(self):
        self.ctl("migrate")
        for kind in ("units", "partners", "members", "agreements"):
            self.ctl("import", kind, str(REPO / "demo" / f"{kind}.csv"))
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as extra:
            extra.write(self.EXTRA_AGREEMENT)
        try:
            os.chmod(extra.name, 0o644)
            self.ctl("import", "agreements", extra.name)
        finally:
            os.unlink(extra.name)

    def issue_key(self, label):
        """A COOPMART merchant key: (secret, key id)."""
        secret = self.ctl("key", "issue", "--partner", "COOPMART", "--label", label).stdout.strip()
        match = re.fullmatch(r"uck_(\d+)_\S+", secret)
        if not match:
            raise HarnessError(f"unexpected key format from unioncardctl: {secret[:12]}…")
        return secret, int(match.group(1))

    def audit_verify(self):
        """`unioncardctl audit verify` when it exists: ('PASS'|'FAIL'|'SKIPPED', note)."""
        done = self.ctl("audit", "verify", check=False, timeout=300)
        output = (done.stdout + done.stderr).strip()
        if done.returncode == 2 and "unknown command" in output:
            return "SKIPPED", "unioncardctl has no `audit verify` on this branch yet"
        if done.returncode == 0:
            return "PASS", output.splitlines()[-1] if output else ""
        return "FAIL", f"exit {done.returncode}: {output[-500:]}"


def check_audit(cluster, key_id, answers):
    """The audit-table properties for one key.

    `answers`: reference → (verification_id, eligible) as the client received them (200s only).
    Returns (failures, figures): every received answer has exactly one row with its
    verification_id, that row carries the same reference and outcome, and no reference of this
    key has two rows.
    """
    rows = cluster.psql(
        f"SELECT verification_id, coalesce(reference, ''), outcome FROM audit_events "
        f"WHERE key_id = {int(key_id)}"
    )
    by_id = {}
    per_reference = {}
    for verification_id, reference, outcome in rows:
        by_id[verification_id] = (reference, outcome)
        per_reference[reference] = per_reference.get(reference, 0) + 1
    failures = []
    duplicated = {r: n for r, n in per_reference.items() if r and n > 1}
    if duplicated:
        sample = ", ".join(f"{r}×{n}" for r, n in list(duplicated.items())[:5])
        failures.append(f"{len(duplicated)} references have more than one audit row ({sample})")
    missing, mismatched = [], []
    approvals = 0
    for reference, (verification_id, eligible) in answers.items():
        approvals += bool(eligible)
        row = by_id.get(verification_id)
        if row is None:
            missing.append(f"{reference} → {verification_id}")
        elif row != (reference, "approved" if eligible else "denied"):
            mismatched.append(f"{reference}: answered {verification_id} eligible={eligible}, row {row}")
    if missing:
        failures.append(f"{len(missing)} received answers have no audit row: {missing[:5]}")
    if mismatched:
        failures.append(f"{len(mismatched)} answers disagree with their audit row: {mismatched[:5]}")
    figures = {
        "audit_rows": len(rows),
        "answers_checked": len(answers),
        "approvals_checked": approvals,
    }
    return failures, figures


def write_results(results, started):
    """results/fault-<time>.json (every figure) and results/summary.txt (the table)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
    path = RESULTS / f"fault-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, sort_keys=True, default=str) + "\n")
    return path
