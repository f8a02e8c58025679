-- When each reader last opened their account page: replies to their notes written since are
-- unread. Stored as the annotations' times are (RFC 3339 text), which it is compared with.
ALTER TABLE users ADD COLUMN replies_seen TEXT;
