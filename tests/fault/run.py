#!/usr/bin/env python3
"""`make fault-test`: the daemon under faults — kill -9 under load, PostgreSQL crashing and its
backends terminated, a soak of 1000 keep-alive connections, graceful restarts through a passed
listening socket.

Uses the debug binaries of `swift build`, a private PostgreSQL cluster under /tmp (stopped and
removed at the end), demo/ as the registry. Prints a summary of the measured figures, writes
every figure to tests/fault/results/fault-<time>.json and the daemons' logs to
tests/fault/results/logs/. Exit status 1 when any property fails.

Environment:
  FAULT_TESTS       comma-separated subset of kill9,database,graceful,soak (default: all)
  SOAK_SECONDS      soak duration (default 300; CI runs 60)
  SOAK_CONNECTIONS  keep-alive connections (default 1000)
  SOAK_RATE         lookups per second over all connections (default 200)
  FAULT_SEED        seed of the random kill/restart moments (default: from the clock, printed)
"""

import os
import resource
import shutil
import signal
import sys
import time
import traceback

import harness
import scenarios
from harness import Cluster, HarnessError, Registry, bin_path, free_port, log

TESTS = {
    "kill9": scenarios.kill9,
    "database": scenarios.database,
    "graceful": scenarios.graceful,
    "soak": scenarios.soak_test,
}


class Context:
    def __init__(self):
        self.soak_seconds = int(os.environ.get("SOAK_SECONDS", "300"))
        self.soak_connections = int(os.environ.get("SOAK_CONNECTIONS", "1000"))
        self.soak_rate = float(os.environ.get("SOAK_RATE", "200"))
        self.seed = int(os.environ.get("FAULT_SEED", str(int(time.time()))))
        self.kills = 10
        self.results = harness.RESULTS
        self.free_port = free_port
        self.binaries = None
        self.cluster = None
        self.registry = None


def raise_open_file_limit(needed):
    """The soak holds ~1000 sockets in this process and the daemon (which inherits the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = max(soft, needed)
    if hard != resource.RLIM_INFINITY and hard < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, target))  # root may raise it
            return
        except (ValueError, OSError):
            target = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def summary_lines(results):
    keys = {
        "kill9": ["kills", "restart_seconds_max", "references", "answered_200", "approvals",
                  "attempts_by_result", "unanswered", "answers_replayed_after_a_kill", "replays_checked", "replays_different",
                  "audit_rows", "audit_verify"],
        "database": ["outage_attempts", "outage_statuses", "outage_max_seconds",
                     "readyz_during_outage", "postgres_restart_seconds", "recovery_after_restart_seconds", "terminations",
                     "answered_200", "approvals", "attempts_by_result", "max_attempt_seconds",
                     "audit_rows"],
        "soak": ["connections", "seconds", "achieved_rate", "steady_rate", "requests", "ok", "errors",
                 "p99_latency_seconds", "max_latency_seconds", "slowest_after_warmup_seconds",
                 "rss_idle_kib",
                 "rss_after_warmup_kib", "rss_end_kib", "rss_growth_percent", "fds_baseline",
                 "fds_peak", "fds_after", "audit_rows"],
        "graceful": ["systemd_socket_activate", "sigterm_in_flight", "second_sigterm",
                     "stop_seconds", "answered_200", "refused_connections", "responses_5xx",
                     "attempts_by_result", "max_attempt_seconds",
                     "audit_rows"],
    }
    lines = []
    for name, outcome in results["tests"].items():
        lines.append(f"{name:9} {outcome['status']}  ({outcome.get('seconds', '?')} s)")
        for key in keys.get(name, []):
            if key in outcome["figures"]:
                lines.append(f"    {key}: {outcome['figures'][key]}")
        for note in outcome["notes"]:
            lines.append(f"    note: {note}")
        for failure in outcome["failures"]:
            lines.append(f"    FAILED: {failure}")
    return lines


def main():
    started = time.time()
    selected = [t.strip() for t in os.environ.get("FAULT_TESTS", ",".join(TESTS)).split(",") if t.strip()]
    unknown = [t for t in selected if t not in TESTS]
    if unknown:
        print(f"unknown test(s) {unknown}; known: {', '.join(TESTS)}", file=sys.stderr)
        return 2
    ctx = Context()
    raise_open_file_limit(ctx.soak_connections * 2 + 1000)
    # SIGTERM (e.g. CI's timeout) unwinds like Ctrl-C, so every `finally` stops its processes.
    signal.signal(signal.SIGTERM, interrupt)
    shutil.rmtree(harness.RESULTS / "logs", ignore_errors=True)
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
               "seed": ctx.seed, "settings": {"soak_seconds": ctx.soak_seconds,
                                              "soak_connections": ctx.soak_connections,
                                              "soak_rate": ctx.soak_rate},
               "tests": {}}
    log(f"fault tests {selected}, seed {ctx.seed}")
    ctx.binaries = bin_path()
    ctx.cluster = Cluster()
    try:
        ctx.cluster.start()
        ctx.registry = Registry(ctx.cluster, ctx.binaries)
        ctx.registry.load()
        log(f"cluster {ctx.cluster.directory} (port {ctx.cluster.port}) migrated, demo/ loaded")
        for name in selected:
            log(f"== {name}")
            test_started = time.monotonic()
            try:
                outcome = TESTS[name](ctx)
            except (HarnessError, RuntimeError, OSError) as error:
                outcome = {"status": "FAIL", "failures": [f"harness: {error}"], "figures": {},
                           "notes": [traceback.format_exc()]}
            outcome["seconds"] = round(time.monotonic() - test_started, 1)
            results["tests"][name] = outcome
            log(f"== {name}: {outcome['status']} in {outcome['seconds']} s")
            for failure in outcome["failures"]:
                log(f"   FAILED: {failure}")
    finally:
        ctx.cluster.destroy()
    results["seconds"] = round(time.time() - started, 1)
    path = harness.write_results(results, started)
    lines = summary_lines(results)
    text = "\n".join([f"unioncard fault tests — {results['started']}, {results['seconds']} s, "
                      f"seed {ctx.seed}"] + lines) + "\n"
    (harness.RESULTS / "summary.txt").write_text(text)
    print("\n" + text + f"figures: {path}\nlogs: {harness.RESULTS / 'logs'}")
    failed = [name for name, outcome in results["tests"].items() if outcome["status"] == "FAIL"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
