"""Loaded by tools/security-test.sh through SCHEMATHESIS_HOOKS before schemathesis runs.

`text/csv` answers (GET /v1/events?format=csv) are read as UTF-8 text, so that schemathesis
checks them against the `EventCSV` schema (byte order mark and header row) instead of skipping.

CPython before 3.11.9 / 3.12.3 tracks the AST constructor's recursion depth in state shared by
all threads (gh-106905): two threads in `ast.parse` at once fail with "SystemError: AST
constructor recursion depth mismatch". With --workers 2 that happens when both workers make
Hypothesis describe a lambda (it parses the lambda's source file) at the same moment, and the
operation is reported as a Runtime Error that has nothing to do with the daemon or the spec.
One lock around `ast.parse` removes the race; parses are rare (their results are cached).
"""

import ast
import sys
import threading

import schemathesis


@schemathesis.deserializer("text/csv")
def _csv_as_text(_ctx, response):
    return response.content.decode("utf-8")


if sys.version_info < (3, 12, 3) and not ((3, 11, 9) <= sys.version_info < (3, 12)):
    _lock = threading.Lock()
    _parse = ast.parse

    def _serialised_parse(*args, **kwargs):
        with _lock:
            return _parse(*args, **kwargs)

    ast.parse = _serialised_parse
