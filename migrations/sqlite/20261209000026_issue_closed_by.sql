-- Who closed an issue (issue #15: grant pages name the people who closed their work). GitHub's
-- issue listing does not say; the single-issue GET does (`closed_by`, null for some old issues),
-- so the collector asks it only for the closed issues a configured grant references
-- (`github::sync::closers`). `closed_by_at` is the `closed_at` of the closure that closer made:
-- a closer is shown only while the issue is closed at that same time, so a reopened (or
-- reopened and closed again) issue never shows an old closer. `closed_by_checked` is the
-- issue's `updated_at` when it was last asked and `closed_by_etag` that answer's ETag: an
-- unchanged issue is not asked again, a changed one is asked with its ETag. None of these
-- columns is one the rollups read, so the dirty trigger ignores them.
ALTER TABLE issues ADD COLUMN closed_by_id INTEGER;
ALTER TABLE issues ADD COLUMN closed_by_at INTEGER;
ALTER TABLE issues ADD COLUMN closed_by_checked INTEGER;
ALTER TABLE issues ADD COLUMN closed_by_etag TEXT;
