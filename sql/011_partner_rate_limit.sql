-- A partner whose terminals legitimately scan more (a hypermarket's checkout lines) gets its own
-- per-key rate; NULL keeps the daemon's default (`rate_limit_per_minute`), 0 means no limit.
ALTER TABLE partners ADD COLUMN rate_limit_per_minute integer CHECK (rate_limit_per_minute >= 0);
