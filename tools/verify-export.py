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
import json
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


def parse_csv(text):
    """RFC 4180, keeping NULL (unquoted empty field) apart from "" (quoted empty field)."""
    rows, row, field, quoted, i, n = [], [], [], False, 0, len(text)
    at_field_start = True
    while i < n:
        c = text[i]
        if at_field_start and c == '"':
            quoted, at_field_start = True, False
            i += 1
            while True:
                if i >= n:
                    raise ValueError("unterminated quoted field")
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        field.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                field.append(text[i])
                i += 1
            continue
        if c == ",":
            row.append("".join(field) if (field or quoted) else None)
            field, quoted, at_field_start = [], False, True
            i += 1
        elif c == "\r" or c == "\n":
            row.append("".join(field) if (field or quoted) else None)
            rows.append(row)
            row, field, quoted, at_field_start = [], [], False, True
            i += 2 if (c == "\r" and i + 1 < n and text[i + 1] == "\n") else 1
        else:
            if quoted:
                raise ValueError("text after a closing quote")
            field.append(c)
            at_field_start = False
            i += 1
    if field or quoted or row:
        row.append("".join(field) if (field or quoted) else None)
        rows.append(row)
    return rows


def read_rows(data, fmt):
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    if fmt is None:
        fmt = "jsonl" if text.lstrip().startswith("{") else "csv"
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    table = parse_csv(text)
    if not table:
        return []
    header = table[0]
    missing = [name for name in FIELDS + ["prev_hash", "hash"] if name not in header]
    if missing:
        raise ValueError("missing columns: " + ", ".join(missing))
    return [dict(zip(header, values)) for values in table[1:] if values != [None]]


def verify(rows, expect_head=None):
    """Returns (count, head_seq, head_hash_hex) or raises Bad(seq, message)."""
    previous_hash, previous_seq, previous_event = None, None, 0
    for row in rows:
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
    return len(rows), previous_seq or 0, (previous_hash or GENESIS).hex()


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
        data = sys.stdin.buffer.read() if paths[0] == "-" else open(paths[0], "rb").read()
        rows = read_rows(data, fmt)
    except (OSError, ValueError, KeyError) as error:
        print(f"verify-export: cannot read {paths[0]}: {error}", file=sys.stderr)
        return 2
    try:
        count, head_seq, head_hash = verify(rows, expect_head)
    except Bad as bad:
        print(f"verify-export: FAILED at {bad}", file=sys.stderr)
        print(f"bad seq {bad.seq}")
        return 1
    except (KeyError, ValueError) as error:
        print(f"verify-export: malformed row: {error}", file=sys.stderr)
        return 2
    print(f"ok {count} rows; head {head_seq}:{head_hash}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
