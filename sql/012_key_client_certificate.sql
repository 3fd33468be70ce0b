-- A merchant key may be bound to its terminal's TLS client certificate (mutual TLS): the
-- SHA-256 of the certificate's DER, lower-case hex. A key bound this way is accepted only on a
-- connection that presented that very certificate.
ALTER TABLE api_keys ADD COLUMN client_cert_sha256 text CHECK (client_cert_sha256 ~ '^[0-9a-f]{64}$');
