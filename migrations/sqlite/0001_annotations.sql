-- Annotations in the shape of the W3C Web Annotation model: a target in an essay (quote and
-- position selectors) or another annotation (a reply), and an optional Markdown body.
CREATE TABLE annotations (
    id          TEXT PRIMARY KEY NOT NULL,
    article     TEXT NOT NULL,
    creator     TEXT NOT NULL,
    editorial   INTEGER NOT NULL DEFAULT 0,
    motivation  TEXT NOT NULL,
    body        TEXT,
    entity      TEXT,
    tags        TEXT NOT NULL DEFAULT '[]',
    visibility  TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
    reply_to    TEXT REFERENCES annotations (id) ON DELETE CASCADE,
    exact       TEXT,
    prefix      TEXT,
    suffix      TEXT,
    pos_start   INTEGER,
    pos_end     INTEGER,
    created     TEXT NOT NULL,
    modified    TEXT NOT NULL,
    CHECK ((reply_to IS NULL) = (exact IS NOT NULL))
);

CREATE INDEX annotations_by_article ON annotations (article, pos_start);
CREATE INDEX annotations_by_reply ON annotations (reply_to);

-- One counter per essay, bumped by every write to its annotations, so rendered pages can be
-- cached and shared between instances.
CREATE TABLE article_revisions (
    article   TEXT PRIMARY KEY NOT NULL,
    revision  INTEGER NOT NULL
);
