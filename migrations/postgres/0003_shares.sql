-- Links to a passage that anyone may make: a short code for the passage's selectors, which
-- re-anchor like an annotation's when the essay changes. created stays RFC 3339 text so it
-- reads back to the nanosecond, like an annotation's.
CREATE TABLE shares (
    code       TEXT PRIMARY KEY,
    article    TEXT NOT NULL,
    exact      TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    suffix     TEXT NOT NULL,
    pos_start  BIGINT NOT NULL,
    pos_end    BIGINT NOT NULL,
    created    TEXT NOT NULL
);
