-- Groups: a class or a newsroom annotating together. Whoever holds the invite code may join;
-- a note posted to a group is seen by its members alone.
CREATE TABLE groups (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    creator      TEXT NOT NULL REFERENCES users (username),
    invite       TEXT NOT NULL,
    created      TEXT NOT NULL
);

CREATE INDEX groups_by_creator ON groups (creator);

-- The creator is a member too, from the start. Times are RFC 3339 text, which sorts as time
-- does: the longest-standing member is the first by joined.
CREATE TABLE memberships (
    group_id  TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    username  TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    joined    TEXT NOT NULL,
    PRIMARY KEY (group_id, username)
);

CREATE INDEX memberships_by_user ON memberships (username);

-- The group a note was posted to; NULL for a note to everyone (or to its creator alone).
ALTER TABLE annotations ADD COLUMN group_id TEXT REFERENCES groups (id);

CREATE INDEX annotations_by_group ON annotations (group_id);
