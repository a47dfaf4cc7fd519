-- Each service instance keeps every subject's exposure in memory and reads back, every few
-- seconds, only the rows written since its last read (its own flushes and other instances').
CREATE INDEX exposure_updated_at ON exposure (updated_at);
