-- API keys (only a hash of the secret is stored) and the append-only audit trail.

CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('merchant', 'auditor')),
    partner_id   bigint REFERENCES partners (id),
    unit_id      bigint REFERENCES units (id),
    label        text NOT NULL,
    -- SHA-256 of the secret part of "uck_<id>_<secret>".
    secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    CHECK ((kind = 'merchant') = (partner_id IS NOT NULL AND unit_id IS NULL)),
    CHECK ((kind = 'auditor') = (unit_id IS NOT NULL AND partner_id IS NULL))
);

-- One row per evaluated lookup, written before the answer is sent.
CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    verification_id uuid NOT NULL UNIQUE,
    at              timestamptz NOT NULL DEFAULT now(),
    key_id          bigint NOT NULL REFERENCES api_keys (id),
    partner_id      bigint NOT NULL REFERENCES partners (id),
    code_given      text NOT NULL,
    code_type       text NOT NULL CHECK (code_type IN ('card', 'vpoint')),
    card_number     text,
    member_id       text,
    -- Where the member and the agreement stood in the union tree at lookup time, so that an
    -- auditor's scope is a prefix test on the row itself, unaffected by later re-imports.
    member_unit_path    text,
    agreement_code      text,
    agreement_unit_path text,
    outcome         text NOT NULL CHECK (outcome IN ('approved', 'denied')),
    reason          text,
    amount_vnd      bigint,
    discount_vnd    bigint,
    reference       text,
    client_addr     text NOT NULL DEFAULT '',
    -- The JSON answer as sent, so that a retry with the same reference gets it verbatim.
    response        text NOT NULL,
    CHECK ((outcome = 'approved') = (reason IS NULL))
);
CREATE INDEX audit_events_reference_idx ON audit_events (key_id, reference, at)
    WHERE reference IS NOT NULL;
CREATE INDEX audit_events_at_idx ON audit_events (at);
