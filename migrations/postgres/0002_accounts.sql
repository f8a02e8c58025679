-- Accounts: readers and editors, browser sessions and API tokens. Tokens are stored as
-- SHA-256 hashes, so a copy of the database does not sign anyone in.
--
-- Names compare case-insensitively: the unique index on lower(username) refuses "Alice"
-- beside "alice", and every lookup compares lower() to lower(). These times are only
-- written and compared, never read back into the app, so they can be TIMESTAMPTZ.
CREATE TABLE users (
    username       TEXT PRIMARY KEY,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL DEFAULT 'reader' CHECK (role IN ('reader', 'editor')),
    created        TIMESTAMPTZ NOT NULL
);

CREATE UNIQUE INDEX users_by_lower_name ON users (lower(username));

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    expires     TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    created     TIMESTAMPTZ NOT NULL
);
