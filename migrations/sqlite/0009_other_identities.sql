-- An annotation's other identities (W3C model 3.3.7), kept as its client sent them: the
-- protocol says a `canonical` IRI is maintained without change, and an `id` a client sent is
-- kept in `via`. `via` holds a JSON array of IRIs, as `tags` does.
ALTER TABLE annotations ADD COLUMN canonical TEXT;
ALTER TABLE annotations ADD COLUMN via TEXT NOT NULL DEFAULT '[]';
