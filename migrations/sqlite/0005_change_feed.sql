-- A change feed per essay, so a reader holding its annotations as of one revision can fetch
-- only what was written or deleted since, instead of every annotation again.
--
-- Each row keeps the revision of the write that last touched it. Rows written before the feed
-- existed take their essay's current revision, so a reader starting from 0 still gets them.
ALTER TABLE annotations ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

UPDATE annotations SET revision = r.revision
FROM article_revisions AS r
WHERE r.article = annotations.article;

CREATE INDEX annotations_by_revision ON annotations (article, revision);

-- A deleted row leaves nothing behind to say when it went, so a tombstone does. One per essay
-- and id, at its latest deletion, keeps the table as small as the ids ever deleted. Replies
-- deleted with their parent get none: a reader drops them with the parent.
CREATE TABLE annotation_deletions (
    article   TEXT NOT NULL,
    id        TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    PRIMARY KEY (article, id)
);

CREATE INDEX annotation_deletions_by_revision ON annotation_deletions (article, revision);
