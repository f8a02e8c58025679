-- Annotations in the shape of the W3C Web Annotation model: a target in an essay (quote and
-- position selectors) or another annotation (a reply), and an optional Markdown body.
--
-- created and modified stay RFC 3339 text, as in SQLite: they carry nanoseconds, which
-- TIMESTAMPTZ (microseconds) would drop, and modified is the version that ETags and guarded
-- writes compare exactly. COLLATE "C" makes them (and ids) sort bytewise, as SQLite does,
-- whatever the database's locale.
CREATE TABLE annotations (
    id          TEXT COLLATE "C" PRIMARY KEY,
    article     TEXT NOT NULL,
    creator     TEXT NOT NULL,
    editorial   BOOLEAN NOT NULL DEFAULT false,
    motivation  TEXT NOT NULL,
    body        TEXT,
    entity      TEXT,
    tags        JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
    visibility  TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
    reply_to    TEXT REFERENCES annotations (id) ON DELETE CASCADE,
    exact       TEXT,
    prefix      TEXT,
    suffix      TEXT,
    pos_start   BIGINT,
    pos_end     BIGINT,
    created     TEXT COLLATE "C" NOT NULL,
    modified    TEXT COLLATE "C" NOT NULL,
    CHECK ((reply_to IS NULL) = (exact IS NOT NULL))
);

CREATE INDEX annotations_by_article ON annotations (article, pos_start);
CREATE INDEX annotations_by_reply ON annotations (reply_to);
-- Serves the tag filter (tags @> '["tag"]').
CREATE INDEX annotations_by_tag ON annotations USING GIN (tags);

-- One counter per essay, bumped by every write to its annotations, so rendered pages can be
-- cached and shared between instances.
CREATE TABLE article_revisions (
    article   TEXT PRIMARY KEY,
    revision  BIGINT NOT NULL
);
