#!/usr/bin/env python3
"""Re-check an audit export of unioncard independently of unioncard (Python standard library only).

usage: tools/verify-export.py [--expect-head SEQ:HASH] [--format csv|jsonl] FILE   (FILE may be -)

FILE is the output of `unioncardctl audit export --format csv|jsonl` (the format is guessed from
the first byte when --format is not given). Each row's hash is recomputed from its fields as the
README's "For auditors" section describes:

    hash(seq n) = SHA-256(hash(seq n-1) || encode(row n)),  32 zero bytes before seq 1
    encode(row) = the field "unioncard-audit-v1", then the 20 fields below, in this order;
                  NULL -> the byte 0x00; a value -> 0x01, its UTF-8 length as 4 bytes big-endian,
                  its UTF-8 bytes.

The rows must be consecutive (seq n, n+1, ...); the first row's prev_hash anchors the export
(32 zero bytes when it starts at seq 1). In CSV an unquoted empty field is NULL and "" is the
empty text.

Exit status: 0 when every row checks (prints the row count and the head SEQ:HASH), 1 naming the
first bad sequence number, 2 when the file cannot be read.
"""

import hashlib
import itertools
import json
import re
import sys

FORMAT_TAG = "unioncard-audit-v1"
FIELDS = [
    "seq", "event_id", "verification_id", "at", "key_id", "partner_id", "code_given", "code_type",
    "card_number", "member_id", "member_unit_path", "agreement_code", "agreement_unit_path", "outcome",
    "reason", "amount_vnd", "discount_vnd", "reference", "client_addr", "response_sha256",
]
GENESIS = bytes(32)


def encode_field(value):
    if value is None:
        return b"\x00"
    data = value.encode("utf-8")
    return b"\x01" + len(data).to_bytes(4, "big") + data


def encode_row(row):
    out = [encode_field(FORMAT_TAG)]
    for name in FIELDS:
        value = row.get(name)
        if isinstance(value, bool):
            raise ValueError(f"{name} must not be a boolean")
        if isinstance(value, int):
            value = str(value)
        out.append(encode_field(value))
    return b"".join(out)


# One CSV field: quoted (group 1, quotes doubled inside) or bare (group 2; empty bare = NULL).
FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,"\r\n]*)')


def parse_record(text):
    """One CSV record (without its line end) -> fields; None for NULL, "" for a quoted empty field."""
    fields, pos, n = [], 0, len(text)
    while True:
        match = FIELD.match(text, pos)
        if match.group(1) is not None:
            fields.append(match.group(1).replace('""', '"'))
        else:
            fields.append(match.group(2) or None)
        pos = match.end()
        if pos == n:
            return fields
        if text[pos] != ",":
            raise ValueError("text after a closing quote")
        pos += 1
        if pos == n:
            fields.append(None)
            return fields


def csv_records(lines):
    """RFC 4180 records from lines (a record may span lines inside quotes), streamed."""
    pending = ""
    for line in lines:
        pending += line
        if pending.count('"') % 2:
            continue  # inside a quoted field: the line break belongs to the field
        record = pending[:-2] if pending.endswith("\r\n") else pending.rstrip("\n")
        pending = ""
        if record:
            yield parse_record(record)
    if pending:
        raise ValueError("unterminated quoted field")


def read_rows(stream, fmt):
    """The export's rows as dicts, one at a time (constant memory for any export size)."""
    first = stream.readline()
    if first.startswith("\ufeff"):
        first = first[1:]
    if fmt is None:
        fmt = "jsonl" if first.lstrip().startswith("{") else "csv"
    if fmt == "jsonl":
        for line in itertools.chain([first], stream):
            if line.strip():
                yield json.loads(line)
        return
    records = csv_records(itertools.chain([first], stream))
    header = next(records, None)
    if header is None:
        return
    missing = [name for name in FIELDS + ["prev_hash", "hash"] if name not in header]
    if missing:
        raise ValueError("missing columns: " + ", ".join(missing))
    for values in records:
        if len(values) != len(header):
            raise ValueError(f"a row has {len(values)} fields, the header {len(header)}")
        yield dict(zip(header, values))


def verify(rows, expect_head=None):
    """Returns (count, head_seq, head_hash_hex) or raises Bad(seq, message)."""
    previous_hash, previous_seq, previous_event, count = None, None, 0, 0
    for row in rows:
        count += 1
        seq = int(row["seq"])
        if previous_seq is None:
            anchor = bytes.fromhex(row["prev_hash"])
            if seq == 1 and anchor != GENESIS:
                raise Bad(seq, "prev_hash of seq 1 must be 32 zero bytes")
            previous_hash = anchor
        else:
            if seq != previous_seq + 1:
                raise Bad(previous_seq + 1, f"missing_row: the export jumps from seq {previous_seq} to seq {seq}")
            if bytes.fromhex(row["prev_hash"]) != previous_hash:
                raise Bad(seq, "prev_hash differs from the previous row's hash")
        event_id = int(row["event_id"])
        if event_id <= previous_event:
            raise Bad(seq, f"out_of_order: event id {event_id} does not follow {previous_event}")
        computed = hashlib.sha256(previous_hash + encode_row(row)).digest()
        if computed.hex() != row["hash"].lower():
            raise Bad(seq, "hash_mismatch: the stored hash does not match the row")
        if expect_head and expect_head[0] == seq and expect_head[1] != computed.hex():
            raise Bad(seq, "head_mismatch: the published head is not a prefix of this export")
        previous_hash, previous_seq, previous_event = computed, seq, event_id
    if expect_head and (previous_seq is None or expect_head[0] > previous_seq):
        raise Bad((previous_seq or 0) + 1, "head_missing: the published head is beyond the export's end")
    return count, previous_seq or 0, (previous_hash or GENESIS).hex()


class Bad(Exception):
    def __init__(self, seq, message):
        super().__init__(f"seq {seq}: {message}")
        self.seq = seq


def main(argv):
    fmt, expect_head, paths = None, None, []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--format" and args:
            fmt = args.pop(0)
        elif arg == "--expect-head" and args:
            seq, _, digest = args.pop(0).partition(":")
            expect_head = (int(seq), digest.lower())
        elif arg in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            paths.append(arg)
    if len(paths) != 1 or fmt not in (None, "csv", "jsonl"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        stream = (
            open(sys.stdin.fileno(), encoding="utf-8", newline="", closefd=False)
            if paths[0] == "-"
            else open(paths[0], encoding="utf-8", newline="")
        )
    except OSError as error:
        print(f"verify-export: cannot read {paths[0]}: {error}", file=sys.stderr)
        return 2
    with stream:
        try:
            count, head_seq, head_hash = verify(read_rows(stream, fmt), expect_head)
        except Bad as bad:
            print(f"verify-export: FAILED at {bad}", file=sys.stderr)
            print(f"bad seq {bad.seq}")
            return 1
        except (KeyError, ValueError, UnicodeDecodeError) as error:
            print(f"verify-export: cannot read {paths[0]}: {error}", file=sys.stderr)
            return 2
    print(f"ok {count} rows; head {head_seq}:{head_hash}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
