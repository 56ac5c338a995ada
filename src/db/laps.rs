//! Where a rebuild's time goes: each part's milliseconds, for a debug-level log line
//! (`rollups` and `slices` log theirs after an incremental rebuild).

/// Each part's milliseconds, in order.
pub(crate) struct Laps {
    at: std::time::Instant,
    laps: Vec<(&'static str, f64)>,
}

impl Laps {
    pub(crate) fn start() -> Laps {
        Laps { at: std::time::Instant::now(), laps: Vec::new() }
    }

    /// Ends the part called `name` now.
    pub(crate) fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, (now - self.at).as_secs_f64() * 1e3));
        self.at = now;
    }
}

impl std::fmt::Display for Laps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (name, ms)) in self.laps.iter().enumerate() {
            write!(f, "{}{name} {ms:.1}", if i == 0 { "" } else { ", " })?;
        }
        Ok(())
    }
}
