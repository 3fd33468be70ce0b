-- The registry: union hierarchy, members and their cards, partners and their agreements.

-- Union units form a tree (confederation → provincial → upper → grassroots). `path` is the
-- materialized path of ids from the root ("/1/7/42/"), so "unit X lies in the subtree of Y" is
-- one indexed prefix test: X.path LIKE Y.path || '%'.
CREATE TABLE units (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    level       text NOT NULL CHECK (level IN ('confederation', 'provincial', 'upper', 'grassroots')),
    parent_id   bigint REFERENCES units (id),
    -- '' until the importer computes it; only a confederation has no parent (checked on import).
    path        text NOT NULL DEFAULT '' CHECK (path = '' OR path ~ '^(/[0-9]+)+/$')
);
CREATE INDEX units_path_idx ON units (path text_pattern_ops);
CREATE INDEX units_parent_idx ON units (parent_id);

CREATE TABLE members (
    member_id   text PRIMARY KEY,
    full_name   text NOT NULL,
    unit_id     bigint NOT NULL REFERENCES units (id),
    status      text NOT NULL CHECK (status IN ('active', 'suspended', 'ceased'))
);
CREATE INDEX members_unit_idx ON members (unit_id);

CREATE TABLE cards (
    card_number text PRIMARY KEY CHECK (card_number ~ '^[0-9]{12}$'),
    vpoint_code text UNIQUE CHECK (vpoint_code ~ '^[A-Z0-9]{6,32}$'),
    member_id   text NOT NULL REFERENCES members (member_id),
    kind        text NOT NULL CHECK (kind IN ('regular', 'linked')),
    status      text NOT NULL CHECK (status IN ('active', 'replaced', 'lost', 'revoked')),
    issued_on   date
);
-- At most one active card per member (also the index for "this member's active card").
CREATE UNIQUE INDEX cards_one_active_per_member ON cards (member_id) WHERE status = 'active';

CREATE TABLE partners (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    tax_code    text NOT NULL DEFAULT ''
);

CREATE TABLE agreements (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE,
    partner_id       bigint NOT NULL REFERENCES partners (id),
    unit_id          bigint NOT NULL REFERENCES units (id),
    title            text NOT NULL,
    basis_points     integer NOT NULL CHECK (basis_points BETWEEN 0 AND 10000),
    max_discount_vnd bigint CHECK (max_discount_vnd >= 0),
    min_purchase_vnd bigint NOT NULL DEFAULT 0 CHECK (min_purchase_vnd >= 0),
    card_kinds       text NOT NULL CHECK (card_kinds IN ('any', 'regular', 'linked')),
    valid_from       date NOT NULL,
    valid_to         date NOT NULL,
    CHECK (valid_from <= valid_to)
);
CREATE INDEX agreements_partner_idx ON agreements (partner_id, valid_to);
