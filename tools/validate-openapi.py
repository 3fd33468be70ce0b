#!/usr/bin/env python3
"""Sends real requests to a running unioncardd and checks every answer against openapi.yaml.

For each request: the status must be one the operation documents (an unknown path must be a
404 and an undocumented method a 405 with Allow, both with the Error body), the Content-Type
one of that response's media types, the body valid against its schema (JSON Schema 2020-12,
formats checked), and every required response header present and valid. Each case also names
the status (and error code) it is meant to produce, so that every outcome is really exercised.

The data is demo/ (tools/security-test.sh loads it); keys are passed as --key NAME=SECRET for
the names merchant (COOPMART), lavong, vinmec, pharmacity, auditor and revoked, and optionally
limited (a key whose partner has a rate limit of 1 a minute).
With --outage-command, that command (which stops the database) runs last and the 503 answers
are checked too.

Prints one line per case and a final "N passed, N failed"; exits 1 on any failure.
"""

import argparse
import http.client
import json
import subprocess
import sys
import time
import urllib.parse

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:unioncard:openapi"


class Spec:
    """openapi.yaml with JSON-pointer-aware $ref resolution and schema validation."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            self.document = yaml.safe_load(handle)
        resource = Resource(contents=self.document, specification=DRAFT202012)
        self.registry = Registry().with_resource(SPEC_URI, resource)

    def resolve(self, node, pointer):
        """Follows $ref chains; returns the node and its JSON pointer in the document."""
        while isinstance(node, dict) and "$ref" in node:
            pointer = node["$ref"][1:]
            node = self.at(pointer)
        return node, pointer

    def at(self, pointer):
        node = self.document
        for part in pointer.lstrip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def validate(self, instance, pointer):
        """jsonschema errors of `instance` against the schema at `pointer` (empty when valid)."""
        schema = {"$ref": SPEC_URI + "#" + pointer}
        validator = jsonschema.Draft202012Validator(
            schema, registry=self.registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in validator.iter_errors(instance)]


def escape(segment):
    return segment.replace("~", "~0").replace("/", "~1")


class Checker:
    def __init__(self, spec, base_url):
        self.spec = spec
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.passed = 0
        self.failed = 0

    def send(self, method, target, headers=None, body=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=15)
        try:
            connection.putrequest(method, target, skip_accept_encoding=True)
            for name, value in (headers or []):
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders()
            if body:
                connection.send(body)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def problems(self, method, path, status, headers, body):
        """Everything about the answer that openapi.yaml does not allow."""
        problems = []
        if "x-request-id" not in headers:
            problems.append("no X-Request-Id")
        paths = self.spec.document["paths"]
        path_item = paths.get(path)
        if path_item is None or method.lower() not in path_item:
            expected = 404 if path_item is None else 405
            if status != expected:
                return problems + [f"status {status}, expected {expected} (path or method not in the spec)"]
            if expected == 405:
                allowed = sorted(m.upper() for m in path_item if m in ("get", "post", "put", "delete", "patch"))
                if sorted(a.strip() for a in headers.get("allow", "").split(",")) != allowed:
                    problems.append(f"Allow is {headers.get('allow')!r}, expected {', '.join(allowed)}")
            return problems + self.body_problems(headers, body, {"application/json": {}}, "/components/schemas/Error")
        operation_pointer = f"/paths/{escape(path)}/{method.lower()}"
        responses = path_item[method.lower()]["responses"]
        key = str(status) if str(status) in responses else ("default" if "default" in responses else None)
        if key is None:
            return problems + [f"status {status} is not documented for {method} {path}"]
        response, response_pointer = self.spec.resolve(responses[key], f"{operation_pointer}/responses/{key}")
        for name, header in response.get("headers", {}).items():
            header, header_pointer = self.spec.resolve(header, f"{response_pointer}/headers/{escape(name)}")
            value = headers.get(name.lower())
            if value is None:
                if header.get("required"):
                    problems.append(f"required header {name} missing")
                continue
            schema = header.get("schema", {})
            instance = value
            if schema.get("type") == "integer":
                try:
                    instance = int(value)
                except ValueError:
                    problems.append(f"header {name}: {value!r} is not an integer")
                    continue
            problems += [f"header {name}: {e}" for e in self.spec.validate(instance, f"{header_pointer}/schema")]
        content = response.get("content")
        if not content:
            return problems + ([] if not body else ["a body where the spec has none"])
        return problems + self.body_problems(headers, body, content, None, f"{response_pointer}/content")

    def body_problems(self, headers, body, content, schema_pointer, content_pointer=None):
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in content:
            return [f"Content-Type {headers.get('content-type')!r} is not one of {sorted(content)}"]
        pointer = schema_pointer or f"{content_pointer}/{escape(media)}/schema"
        if media == "application/json":
            try:
                instance = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                return [f"body is not JSON: {error}"]
        else:
            try:
                instance = body.decode("utf-8")
            except UnicodeDecodeError as error:
                return [f"body is not UTF-8: {error}"]
        return self.spec.validate(instance, pointer)

    def case(self, name, method, target, expect, error=None, headers=None, body=None, then=None):
        """One request: its answer must satisfy the spec and have the intended status/error."""
        path = urllib.parse.urlsplit(target).path
        try:
            status, answer_headers, answer_body = self.send(method, target, headers, body)
        except OSError as failure:
            self.report(name, [f"request failed: {failure}"])
            return None
        problems = self.problems(method, path, status, answer_headers, answer_body)
        if status != expect:
            problems.append(f"status {status}, this case expects {expect}: {answer_body[:200]!r}")
        parsed = None
        if answer_headers.get("content-type", "").startswith("application/json"):
            try:
                parsed = json.loads(answer_body)
            except ValueError:
                parsed = None
        if error is not None and (not isinstance(parsed, dict) or parsed.get("error") != error):
            problems.append(f"error code {parsed.get('error') if isinstance(parsed, dict) else None!r}, expected {error!r}")
        if then is not None and not problems:
            problems += then(parsed, answer_headers, answer_body) or []
        self.report(name, problems)
        return parsed

    def report(self, name, problems):
        if problems:
            self.failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print(f"     {problem}")
        else:
            self.passed += 1
            print(f"ok   {name}")


def lookup(code, amount=None, reference=None, **extra):
    query = {"code": code}
    if amount is not None:
        query["amount"] = amount
    if reference is not None:
        query["reference"] = reference
    query.update(extra)
    return "/v1/lookup?" + urllib.parse.urlencode(query)


def expect_fields(**expected):
    def check(body, _headers, _raw):
        problems = []
        for key, value in expected.items():
            actual = body
            for part in key.split("__"):
                actual = actual.get(part) if isinstance(actual, dict) else None
            if actual != value:
                problems.append(f"{key.replace('__', '.')} is {actual!r}, expected {value!r}")
        return problems
    return check


def run(checker, keys, outage_command, outage_only):
    def auth(name):
        return [("Authorization", f"Bearer {keys[name]}")]

    merchant = auth("merchant")
    json_type = [("Content-Type", "application/json")]
    if outage_only:
        return outage(checker, merchant, outage_command)
    spec_rejects_wrong_answers(checker)

    # Evaluated lookups: every outcome, both code types, with and without an amount.
    checker.case("eligible barcode with amount", "GET", lookup("241220839498", 250000), 200, headers=merchant,
                 then=expect_fields(eligible=True, reason=None, discount__amount_vnd=25000, member__display_name="N. V. An"))
    checker.case("eligible Vpoint code without amount", "GET", lookup("vpdm-km7r"), 200, headers=merchant,
                 then=expect_fields(eligible=True, code_type="vpoint", discount__amount_vnd=None))
    checker.case("eligible, grouped with spaces, capped", "GET", lookup("2412 2083 9498", 2000000), 200, headers=merchant,
                 then=expect_fields(discount__amount_vnd=100000))
    for code, reason in [
        ("123456789012", "unknown_code"), ("243989556414", "card_replaced"), ("284637794017", "card_lost"),
        ("817131909578", "card_revoked"), ("863073542808", "member_suspended"), ("786319713268", "member_ceased"),
    ]:
        checker.case(f"denied: {reason}", "GET", lookup(code, 250000), 200, headers=merchant,
                     then=expect_fields(eligible=False, reason=reason, discount=None))
    for key, code, amount, reason in [
        ("vinmec", "241220839498", 250000, "no_agreement"),
        ("lavong", "875176604389", 500000, "out_of_scope"),
        ("pharmacity", "875176604389", 200000, "card_kind_not_covered"),
        ("lavong", "241220839498", 200000, "below_min_purchase"),
    ]:
        checker.case(f"denied: {reason}", "GET", lookup(code, amount), 200, headers=auth(key),
                     then=expect_fields(eligible=False, reason=reason))

    # POST, idempotent references.
    reference = "VALIDATE-" + keys["merchant"][-8:]
    first = checker.case("POST with a reference", "POST", "/v1/lookup", 200, headers=merchant + json_type,
                         body=json.dumps({"code": "241220839498", "amount": 250000, "reference": reference}).encode())
    if first:
        checker.case("POST retry replays the answer", "POST", "/v1/lookup", 200, headers=merchant + json_type,
                     body=json.dumps({"code": "241220839498", "amount": 250000, "reference": reference}).encode(),
                     then=expect_fields(verification_id=first.get("verification_id")))
    checker.case("422 reference reused with another amount", "POST", "/v1/lookup", 422, "reference_conflict",
                 headers=merchant + json_type,
                 body=json.dumps({"code": "241220839498", "amount": 1, "reference": reference}).encode())

    # Malformed input: 400 with each code, never sent to the database.
    for name, target, error in [
        ("invalid_code", lookup("12-34"), "invalid_code"),
        ("missing_code", "/v1/lookup?amount=5", "missing_code"),
        ("invalid_amount", lookup("241220839498", "12.5"), "invalid_amount"),
        ("invalid_reference", lookup("241220839498", reference="has space"), "invalid_reference"),
        ("unknown_field", lookup("241220839498", ammount="5"), "unknown_field"),
        ("duplicate code", "/v1/lookup?code=241220839498&code=241220839498", "invalid_code"),
    ]:
        checker.case(f"400 {name}", "GET", target, 400, error, headers=merchant)
    for name, body, error in [
        ("invalid_json", b'{"code": ', "invalid_json"),
        ("not an object", b"[]", "invalid_json"),
        ("amount as a string", b'{"code": "241220839498", "amount": "100"}', "invalid_amount"),
        ("unknown member", b'{"code": "241220839498", "x": 1}', "unknown_field"),
    ]:
        checker.case(f"400 POST {name}", "POST", "/v1/lookup", 400, error, headers=merchant + json_type, body=body)

    # Keys.
    checker.case("401 without a key", "GET", lookup("241220839498"), 401, "unauthorized")
    checker.case("401 with a malformed key", "GET", lookup("241220839498"), 401, "unauthorized",
                 headers=[("Authorization", "Bearer nope")])
    checker.case("401 with a wrong secret", "GET", lookup("241220839498"), 401, "unauthorized",
                 headers=[("Authorization", "Bearer " + keys["merchant"][:-4] + "0000")])
    checker.case("401 with a revoked key", "GET", lookup("241220839498"), 401, "unauthorized", headers=auth("revoked"))
    checker.case("403 auditor key asking for a lookup", "GET", lookup("241220839498"), 403, "forbidden",
                 headers=auth("auditor"))

    # Protocol errors.
    checker.case("404 unknown path", "GET", "/v1/nope", 404, "not_found", headers=merchant)
    checker.case("405 DELETE /v1/lookup (with Allow)", "DELETE", "/v1/lookup", 405, "method_not_allowed", headers=merchant)
    checker.case("405 POST /healthz", "POST", "/healthz", 405, "method_not_allowed", body=b"")
    checker.case("413 body over 16 KiB", "POST", "/v1/lookup", 413, "payload_too_large",
                 headers=merchant + json_type, body=b'{"code": "' + b"1" * 17000 + b'"}')
    checker.case("415 POST without application/json", "POST", "/v1/lookup", 415, "unsupported_media_type",
                 headers=merchant + [("Content-Type", "text/plain")], body=b'{"code": "241220839498"}')

    # Rate limit: the "limited" key's partner may make 1 lookup a minute after its burst.
    if "limited" in keys:
        for _ in range(60):
            if checker.send("GET", lookup("241220839498"), auth("limited"))[0] == 429:
                break
        checker.case("429 rate_limited (Retry-After)", "GET", lookup("241220839498"), 429, "rate_limited",
                     headers=auth("limited"))
    else:
        print("skip 429 rate_limited: no --key limited")

    # Operations.
    checker.case("healthz", "GET", "/healthz", 200)
    checker.case("readyz", "GET", "/readyz", 200)

    # Endpoints built on other branches: checked when this build has them.
    status, _, _ = checker.send("GET", "/v1/events", merchant)
    if status == 404:
        print("skip GET /v1/events, /v1/events/summary: not in this build (404)")
    else:
        events(checker, merchant, auth)
    status, _, _ = checker.send("GET", "/metrics")
    if status == 404:
        print("skip GET /metrics: not in this build (404)")
    else:
        checker.case("metrics", "GET", "/metrics", 200)

    if outage_command:
        outage(checker, merchant, outage_command)


CSV_HEAD = ("\ufeffverification_id,seq,at,partner,partner_name,code,code_type,card_number,agreement,"
            "agreement_title,outcome,reason,amount_vnd,discount_vnd,reference,hash\r\n").encode()


def events(checker, merchant, auth):
    """GET /v1/events and /v1/events/summary: every outcome, answers checked beyond the schema."""
    auditor = auth("auditor")

    def all_partner(code):
        def check(body, _headers, _raw):
            return [f"event of partner {e.get('partner')!r}" for e in body["events"] if e.get("partner") != code]
        return check

    def csv_head(_body, headers, raw):
        problems = [] if raw.startswith(CSV_HEAD) else [f"CSV does not start with BOM + header + CRLF: {raw[:60]!r}"]
        if headers.get("content-disposition") != 'attachment; filename="events.csv"':
            problems.append(f"Content-Disposition {headers.get('content-disposition')!r}")
        return problems

    # Sealed rows carry seq and hash: wait (the sealer runs about every 0.3 s) until the
    # lookups made above are sealed, so that both forms of an event are checked.
    sealed = False
    for _ in range(50):
        _, _, raw = checker.send("GET", "/v1/events?limit=1", merchant)
        page = json.loads(raw)
        if page["events"] and page["events"][0]["seq"] is not None:
            sealed = True
            break
        time.sleep(0.2)
    if not sealed:
        checker.report("events: the first event is sealed within 10 s", ["seq still null"])
    checker.case("events, JSON, merchant sees its own partner only", "GET", "/v1/events?limit=1000", 200,
                 headers=merchant, then=all_partner("COOPMART"))
    checker.case("events, merchant asking for another partner: empty", "GET", "/v1/events?partner=LAVONG", 200,
                 headers=merchant, then=expect_fields(events=[], next=None))
    first = checker.case("events, first page of 1 has a cursor", "GET", "/v1/events?limit=1", 200, headers=merchant,
                         then=lambda body, _h, _r: [] if body["next"] else ["no next although more events match"])
    if first and first.get("next"):
        checker.case("events, next page follows the cursor", "GET", f"/v1/events?limit=1&after={first['next']}", 200,
                     headers=merchant,
                     then=lambda body, _h, _r: [] if body["events"] and body["events"][0]["verification_id"]
                     != first["events"][0]["verification_id"] else ["the second page repeats the first"])
    checker.case("events, past the end: empty, next null", "GET", "/v1/events?after=9223372036854775807", 200,
                 headers=merchant, then=expect_fields(events=[], next=None))
    checker.case("events, filters", "GET",
                 "/v1/events?" + urllib.parse.urlencode({"from": "2020-01-01", "to": "2999-12-31T00:00:00+07:00",
                                                         "outcome": "denied", "reason": "card_lost",
                                                         "code": "2846-3779-4017", "limit": "1000", "format": ""}),
                 200, headers=merchant,
                 then=lambda body, _h, _r: [] if body["events"] and all(e["reason"] == "card_lost" for e in body["events"])
                 else ["expected card_lost denials only"])
    checker.case("events, CSV by format", "GET", "/v1/events?limit=5&format=csv", 200, headers=merchant, then=csv_head)
    checker.case("events, CSV by Accept", "GET", "/v1/events?limit=5", 200, headers=merchant + [("Accept", "text/csv")],
                 then=csv_head)
    checker.case("events, CSV streamed without limit", "GET", "/v1/events?format=csv", 200, headers=auditor,
                 then=csv_head)
    checker.case("events, auditor key", "GET", "/v1/events?limit=5", 200, headers=auditor)
    checker.case("events, 401 without a key", "GET", "/v1/events", 401, "unauthorized")
    checker.case("events, 401 with a revoked key", "GET", "/v1/events", 401, "unauthorized", headers=auth("revoked"))
    for query, parameter in [
        ("from=01/02/2026", "from"), ("to=2026-02-30", "to"), ("from=2026-02-01&to=2026-01-31", "from"),
        ("from=0001-01-01", "from"), ("to=2026-01-01T10:00Z", "to"), ("limit=0", "limit"), ("limit=1001", "limit"),
        ("limit=%2B5", "limit"), ("after=x", "after"), ("after=9223372036854775808", "after"), ("outcome=ok", "outcome"),
        ("reason=late", "reason"), ("code=12-34", "code"), ("format=pdf", "format"), ("partner=" + "P" * 65, "partner"),
        ("partner=A%01", "partner"), ("colour=red", "colour"), ("limit=5&limit=6", "limit"), ("group=day", "group"),
    ]:
        checker.case(f"events, 400 {query[:40]}", "GET", f"/v1/events?{query}", 400, "invalid_parameter",
                     headers=merchant, then=expect_fields(parameter=parameter))

    def summary_sums(body, _headers, _raw):
        problems = []
        for name in ("approved", "denied", "amount_vnd", "denied_amount_vnd", "discount_vnd"):
            if sum(g[name] for g in body["groups"]) != body["total"][name]:
                problems.append(f"groups' {name} do not add up to the total")
        return problems

    for group in ("partner", "agreement", "union", "day"):
        checker.case(f"events summary, group={group}", "GET", f"/v1/events/summary?group={group}", 200,
                     headers=auditor, then=summary_sums)
    checker.case("events summary, merchant, default group", "GET", "/v1/events/summary?from=2020-01-01", 200,
                 headers=merchant,
                 then=lambda body, _h, _r: [] if body["group"] == "partner" and body["from"]
                 and [g["key"] for g in body["groups"]] == ["COOPMART"] else ["expected one COOPMART group"])
    checker.case("events summary, 401 without a key", "GET", "/v1/events/summary", 401, "unauthorized")
    for query, parameter in [("group=week", "group"), ("from=2026-13-01", "from"), ("limit=5", "limit")]:
        checker.case(f"events summary, 400 {query}", "GET", f"/v1/events/summary?{query}", 400,
                     "invalid_parameter", headers=merchant, then=expect_fields(parameter=parameter))


def spec_rejects_wrong_answers(checker):
    """The events schemas must refuse wrong answers, or the live checks above prove nothing."""
    event = {"verification_id": "6f1c2a9e-3b1d-4c7e-9a52-0d8e4f6b2c11", "seq": None, "at": "2026-01-05T03:12:44.120513Z",
             "partner": "COOPMART", "partner_name": "Saigon Co.op", "code": "2412-2083-9498", "code_type": "card",
             "card_number": "241220839498", "agreement": "A-QT-001", "agreement_title": "…", "outcome": "approved",
             "reason": None, "amount_vnd": 250000, "discount_vnd": 25000, "reference": None, "hash": None}
    sealed = dict(event, seq=7, hash="ab" * 32)
    page = "/components/schemas/EventPage"
    good = [({"events": [event, sealed], "next": "18342"}, page), ({"events": [], "next": None}, page)]
    wrong = {
        "seq without hash": {"events": [dict(event, seq=7)], "next": None},
        "hash without seq": {"events": [dict(event, hash="ab" * 32)], "next": None},
        "seq as text": {"events": [dict(sealed, seq="7")], "next": None},
        "short hash": {"events": [dict(sealed, hash="ab" * 31)], "next": None},
        "approved with a reason": {"events": [dict(event, reason="card_lost")], "next": None},
        "denied without a reason": {"events": [dict(event, outcome="denied", agreement=None, discount_vnd=None)],
                                    "next": None},
        "at without microseconds": {"events": [dict(event, at="2026-01-05T03:12:44Z")], "next": None},
        "a field missing": {"events": [{k: v for k, v in event.items() if k != "hash"}], "next": None},
        "an extra field": {"events": [dict(event, member_id="M1")], "next": None},
        "no next": {"events": []},
        "numeric next": {"events": [], "next": 18342},
    }
    problems = [f"a right page refused: {e}" for instance, pointer in good for e in checker.spec.validate(instance, pointer)]
    problems += [f"accepts an event page with {name}" for name, instance in wrong.items()
                 if not checker.spec.validate(instance, page)]
    figures = {"approved": 1, "denied": 1, "denials": {"card_lost": 1}, "amount_vnd": 5, "denied_amount_vnd": 0,
               "discount_vnd": 1}
    summary = {"group": "partner", "from": None, "to": None, "groups": [dict(figures, key="X", name=None)],
               "total": figures}
    problems += [f"a right summary refused: {e}" for e in checker.spec.validate(summary, "/components/schemas/Summary")]
    for name, instance in {
        "a group without denials": dict(summary, groups=[{k: v for k, v in summary["groups"][0].items() if k != "denials"}]),
        "an unknown denial reason": dict(summary, total=dict(figures, denials={"late": 1})),
        "no total": {k: v for k, v in summary.items() if k != "total"},
    }.items():
        if not checker.spec.validate(instance, "/components/schemas/Summary"):
            problems.append(f"accepts a summary with {name}")
    bad = "/components/schemas/ParameterError"
    if not checker.spec.validate({"error": "invalid_parameter", "message": "m"}, bad):
        problems.append("accepts a 400 invalid_parameter without parameter")
    if not checker.spec.validate("verification_id,seq\r\n", "/components/schemas/EventCSV"):
        problems.append("accepts CSV without the byte order mark and the full header")
    checker.report("the events schemas refuse wrong answers", problems)


def outage(checker, merchant, outage_command):
    """Stops the database with `outage_command`, then checks the answers that need it."""
    if outage_command:
        subprocess.run(outage_command, shell=True, check=True)
        checker.case("503 lookup while the database is down (Retry-After)", "GET", lookup("241220839498", 1000), 503,
                     "unavailable", headers=merchant)
        checker.case("503 readyz while the database is down", "GET", "/readyz", 503, "unavailable")
        checker.case("healthz while the database is down", "GET", "/healthz", 200)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", default="openapi.yaml")
    parser.add_argument("--url", required=True, help="e.g. http://127.0.0.1:8080")
    parser.add_argument("--key", action="append", default=[], metavar="NAME=SECRET")
    parser.add_argument("--outage-command", help="a shell command that stops the database, run last")
    parser.add_argument("--outage-only", action="store_true", help="only the --outage-command checks")
    arguments = parser.parse_args()
    keys = dict(item.split("=", 1) for item in arguments.key)
    missing = {"merchant", "lavong", "vinmec", "pharmacity", "auditor", "revoked"} - keys.keys()
    if missing:
        parser.error(f"missing --key for {', '.join(sorted(missing))}")
    checker = Checker(Spec(arguments.spec), arguments.url)
    run(checker, keys, arguments.outage_command, arguments.outage_only)
    print(f"openapi-validation: {checker.passed} passed, {checker.failed} failed")
    sys.exit(1 if checker.failed else 0)


if __name__ == "__main__":
    main()
