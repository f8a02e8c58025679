-- Moderation: readers flag public notes, editors hide them. A hidden note is drawn for its
-- author alone, as a private one is; its replies go with it for everyone else.
ALTER TABLE annotations ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;

-- Hidden notes are few: what every visibility check looks up stays small.
CREATE INDEX annotations_hidden ON annotations (id) WHERE hidden;

-- One flag per reader and note. Both go with the note or the reader's account.
CREATE TABLE annotation_flags (
    annotation  TEXT NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    flagger     TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    created     TEXT NOT NULL,
    PRIMARY KEY (annotation, flagger)
);

-- Every hide and unhide, who did it and when; they go with the note. The moderator's name
-- is kept as written, so the record outlives their account.
CREATE TABLE annotation_moderations (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    annotation  TEXT NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    moderator   TEXT NOT NULL,
    hidden      INTEGER NOT NULL,
    at          TEXT NOT NULL
);

CREATE INDEX annotation_moderations_by_annotation ON annotation_moderations (annotation);
