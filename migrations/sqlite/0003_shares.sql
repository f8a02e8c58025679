-- Links to a passage that anyone may make: a short code for the passage's selectors, which
-- re-anchor like an annotation's when the essay changes.
CREATE TABLE shares (
    code       TEXT PRIMARY KEY NOT NULL,
    article    TEXT NOT NULL,
    exact      TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    suffix     TEXT NOT NULL,
    pos_start  INTEGER NOT NULL,
    pos_end    INTEGER NOT NULL,
    created    TEXT NOT NULL
);
