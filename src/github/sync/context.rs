//! What every per-repository sync step is handed: the run's [`Target`] and the repository as
//! GitHub knows it ([`RepoHandle`]). Defined below the steps and the metadata step that makes
//! them (`repo.rs`), so the steps never import the module that calls them.

/// A repository the run will sync.
#[derive(Debug, Clone)]
pub struct Target {
    /// `owner/name` as configured or listed.
    pub name: String,
    /// `config`, `org:LOGIN` or `cli`.
    pub source: String,
}

/// The repository as GitHub now knows it.
pub struct RepoHandle {
    pub repo_id: i64,
    /// Canonical `owner/name` for API paths (differs from the target after a rename).
    pub api_name: String,
}
