//! What one piece of work spent with a client, while other work uses the same client at the same
//! time: [`GitHubClient::tallied`] runs a future with its own [`Tally`], and every request, `304`
//! and kept GraphQL problem the client meets while that future is polled lands in it.
//!
//! A run syncs several repositories at once over one client, so "the client's counters after a
//! step minus before it" would count the other repositories' requests too. The tally is a tokio
//! task-local, set only while its own future is polled: two steps polled side by side in one task
//! (workers joined together) each see their own. Tallies nest: a request counts in every enclosing
//! tally of the same client (a step inside a run), and a kept problem goes to the innermost one
//! (the step that records it). A tally belongs to one client (its counters' address), so a second
//! client used inside a step (Open Collective's host) is not counted in GitHub's numbers. Outside
//! any tally, the client's own counters still count everything, and problems wait in the client
//! for [`GitHubClient::take_problems`].

use std::sync::{Arc, Mutex, atomic::Ordering};

use super::types::{CounterSnapshot, GitHubClient};

/// The requests, `304`s and kept GraphQL problems of one piece of work with one client.
#[derive(Debug)]
pub struct Tally {
    /// The client counted: the address of its counters.
    client: usize,
    counts: Mutex<CounterSnapshot>,
    problems: Mutex<Vec<String>>,
    /// The tally this one runs inside, if any.
    outer: Option<Arc<Tally>>,
}

tokio::task_local! {
    static TALLY: Arc<Tally>;
}

impl Tally {
    /// Requests sent and `304`s received so far.
    pub fn counts(&self) -> CounterSnapshot {
        *self.counts.lock().expect("tally lock")
    }

    /// The permanent GraphQL errors kept with data since the last call.
    pub fn take_problems(&self) -> Vec<String> {
        std::mem::take(&mut *self.problems.lock().expect("tally lock"))
    }

    /// This tally and the ones it runs inside, innermost first.
    fn chain(self: &Arc<Self>) -> impl Iterator<Item = &Arc<Tally>> {
        std::iter::successors(Some(self), |t| t.outer.as_ref())
    }
}

impl GitHubClient {
    /// Runs `work`, counting what this client does for it, and only for it, in the returned
    /// tally (see the module doc).
    pub async fn tallied<F: Future>(&self, work: F) -> (F::Output, Arc<Tally>) {
        let tally = Arc::new(Tally {
            client: self.id(),
            counts: Mutex::default(),
            problems: Mutex::default(),
            outer: TALLY.try_with(Arc::clone).ok(),
        });
        let out = TALLY.scope(tally.clone(), work).await;
        (out, tally)
    }

    /// Counts `add` in the client's counters and in every tally of this client around the caller.
    pub(super) fn count(&self, add: CounterSnapshot) {
        self.counters.requests.fetch_add(add.requests, Ordering::Relaxed);
        self.counters.not_modified.fetch_add(add.not_modified, Ordering::Relaxed);
        let _ = TALLY.try_with(|tally| {
            for t in tally.chain().filter(|t| t.client == self.id()) {
                let mut counts = t.counts.lock().expect("tally lock");
                counts.requests += add.requests;
                counts.not_modified += add.not_modified;
            }
        });
    }

    /// Keeps GraphQL problems for the innermost tally of this client, else in the client.
    pub(super) fn keep_problems(&self, problems: Vec<String>) {
        let mut problems = Some(problems);
        let _ = TALLY.try_with(|tally| {
            if let Some(t) = tally.chain().find(|t| t.client == self.id()) {
                t.problems.lock().expect("tally lock").extend(problems.take().unwrap_or_default());
            }
        });
        if let Some(rest) = problems {
            self.problems.lock().expect("problems lock").extend(rest);
        }
    }

    /// Permanent GraphQL errors that came back with data (the data was kept) since the last call,
    /// in the innermost tally of this client around the caller, else in the client.
    pub fn take_problems(&self) -> Vec<String> {
        let taken = TALLY.try_with(|tally| tally.chain().find(|t| t.client == self.id()).map(|t| t.take_problems()));
        match taken {
            Ok(Some(problems)) => problems,
            _ => std::mem::take(&mut *self.problems.lock().expect("problems lock")),
        }
    }

    /// This client's identity in a tally: the address of its counters.
    fn id(&self) -> usize {
        Arc::as_ptr(&self.counters) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::ClientSettings;

    fn client() -> GitHubClient {
        let settings = ClientSettings {
            api_url: "http://127.0.0.1:9".to_owned(),
            graphql_url: "http://127.0.0.1:9/graphql".to_owned(),
            user_agent: "upkeep-test".to_owned(),
            timeout: std::time::Duration::from_secs(1),
            reserve: 0,
            max_retries: 0,
            backoff_base: std::time::Duration::ZERO,
            backoff_max: std::time::Duration::ZERO,
            max_response_bytes: 1024,
        };
        GitHubClient::new(settings, None).expect("client")
    }

    const ONE: CounterSnapshot = CounterSnapshot { requests: 1, not_modified: 0 };
    const UNCHANGED: CounterSnapshot = CounterSnapshot { requests: 1, not_modified: 1 };

    #[tokio::test]
    async fn work_polled_side_by_side_counts_only_its_own_requests() {
        let c = client();
        let work = |n: u64, answer: CounterSnapshot| {
            let c = &c;
            async move {
                for _ in 0..n {
                    c.count(answer);
                    tokio::task::yield_now().await;
                }
            }
        };
        let ((_, a), (_, b)) = tokio::join!(c.tallied(work(3, ONE)), c.tallied(work(5, UNCHANGED)));
        assert_eq!(a.counts(), CounterSnapshot { requests: 3, not_modified: 0 });
        assert_eq!(b.counts(), CounterSnapshot { requests: 5, not_modified: 5 });
        assert_eq!(c.counters(), CounterSnapshot { requests: 8, not_modified: 5 }, "the client counts all");
    }

    #[tokio::test]
    async fn tallies_nest_and_another_clients_requests_stay_out() {
        let (c, foreign) = (client(), client());
        let ((_, inner), outer) = c
            .tallied(async {
                c.count(ONE);
                c.tallied(async {
                    c.count(ONE);
                    foreign.count(ONE);
                })
                .await
            })
            .await;
        assert_eq!(inner.counts().requests, 1, "the foreign client's request is not GitHub's");
        assert_eq!(outer.counts().requests, 2, "the step's request counts in the run too");
        assert_eq!(foreign.counters().requests, 1);
    }

    #[tokio::test]
    async fn problems_go_to_the_innermost_tally_of_their_client_else_wait_in_the_client() {
        let c = client();
        let (taken, tally) = c
            .tallied(async {
                c.keep_problems(vec!["NOT_FOUND at a: gone".to_owned()]);
                c.take_problems()
            })
            .await;
        assert_eq!(taken, ["NOT_FOUND at a: gone"]);
        assert!(tally.take_problems().is_empty(), "taken once");
        c.keep_problems(vec!["outside".to_owned()]);
        let ((), tally) = c.tallied(async {}).await;
        assert!(tally.take_problems().is_empty());
        assert_eq!(c.take_problems(), ["outside"]);
    }
}
