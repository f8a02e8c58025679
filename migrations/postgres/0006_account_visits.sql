-- When each reader last opened their account page: replies to their notes written since are
-- unread. Text, as the annotations' times it is compared with are (RFC 3339, bytewise order).
ALTER TABLE users ADD COLUMN replies_seen TEXT COLLATE "C";
