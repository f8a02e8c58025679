-- Requests counted per client and kind in fixed windows, in the database so that every
-- instance counts against the same limit.
CREATE TABLE rate_limits (
    bucket        TEXT PRIMARY KEY NOT NULL,
    window_start  INTEGER NOT NULL,
    hits          INTEGER NOT NULL
);
