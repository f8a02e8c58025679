-- Accounts: readers and editors, browser sessions and API tokens. Tokens are stored as
-- SHA-256 hashes, so a copy of the database does not sign anyone in.
CREATE TABLE users (
    username       TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL DEFAULT 'reader' CHECK (role IN ('reader', 'editor')),
    created        TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    username    TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    expires     TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    username    TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    created     TEXT NOT NULL
);
