//! The client's keyring: the credentials requests go out with, one [`Slot`] each, and each
//! slot's own rate-limit state per bucket (GitHub counts `core` and `graphql` separately, per
//! token).
//!
//! How a request's token is chosen ([`Keyring::choose`]):
//! - only slots GitHub has not rejected (a 401 takes a token out of rotation for the client's
//!   life) and that are not in their reserve (the last `x-ratelimit-remaining`, less the slot's
//!   requests still in flight, is above the reserve, or its window has reset, or nothing is known
//!   yet) are candidates;
//! - among them, the one that fetched the request's ETag, so an unchanged resource stays a free
//!   `304`; otherwise the one with the most remaining (unknown counts as most), the first on a tie;
//! - when every live slot is in its reserve, the client waits for the earliest reset among them.
//!
//! ETags are tied to the credential that fetched them: GitHub's vary by `Authorization`. An ETag
//! the client hands out is prefixed with the fingerprint of its slot (`tok:<12 hex>:<etag>`;
//! [`tag_etag`]), which is what callers store, and `If-None-Match` is sent only when the request
//! goes out with that same slot ([`Keyring::etag_for`]). The fingerprint is a short SHA-256 of a
//! fixed prefix and the token, never the token; a GitHub App's installation tokens change every
//! hour but act for one installation, so its fingerprint is of the app and installation ids.
//! An ETag without a prefix (stored before tokens were tied, or by a client without a token)
//! is sent only by a client with a single credential.
//!
//! A leaf: the client's parts import it; it imports none of them.

use http::HeaderValue;
use sha2::{Digest, Sha256};

/// The last rate-limit headers seen in one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quota {
    pub(super) remaining: u64,
    pub(super) limit: Option<u64>,
    /// `x-ratelimit-reset` as sent (not necessarily a plausible epoch second).
    pub(super) reset: i64,
}

/// The last rate-limit headers seen, per bucket (`core`, `graphql`), and the requests sent in
/// each whose answer has not come yet.
#[derive(Debug, Default, Clone)]
pub(super) struct Limits {
    pub(super) core: Option<Quota>,
    pub(super) graphql: Option<Quota>,
    /// Requests in flight per bucket ([`Limits::sending`]).
    in_flight: [u64; 2],
}

impl Limits {
    pub(super) fn slot(&mut self, bucket: &str) -> &mut Option<Quota> {
        if bucket == "graphql" { &mut self.graphql } else { &mut self.core }
    }

    /// The quota `bucket` has for the next request: the last seen, less the requests in flight
    /// (each will spend one, and the last answer's `remaining` does not know them yet).
    pub(super) fn get(&self, bucket: &str) -> Option<Quota> {
        let quota = if bucket == "graphql" { self.graphql } else { self.core };
        let sending = self.in_flight[usize::from(bucket == "graphql")];
        quota.map(|q| Quota { remaining: q.remaining.saturating_sub(sending), ..q })
    }

    /// The count of requests in flight in `bucket`, to add one as a request goes out and take it
    /// back when its answer (or its failure) is in.
    pub(super) fn sending(&mut self, bucket: &str) -> &mut u64 {
        &mut self.in_flight[usize::from(bucket == "graphql")]
    }
}

/// One credential: how messages name it, its fingerprint, the `Authorization` value (`None`
/// without a token), its rate-limit state and whether GitHub rejected it.
#[derive(Debug)]
pub(super) struct Slot {
    /// `GITHUB_TOKENS entry 2`, `GITHUB_TOKEN`, `the GitHub App installation 42`; never a value.
    pub(super) label: String,
    pub(super) fingerprint: Option<String>,
    /// Marked sensitive: octocrab's and hyper's debug output hide it.
    pub(super) header: Option<HeaderValue>,
    pub(super) limits: Limits,
    pub(super) rejected: bool,
    /// Requests sent with this slot (for the log at the end of a run and the tests).
    pub(super) requests: u64,
    /// When an installation token expires, unix seconds; `None` for personal tokens.
    pub(super) expires_at: Option<i64>,
}

impl Slot {
    /// A slot for a token (`header` is `Bearer <token>`), fingerprinted by `identity`.
    pub(super) fn new(label: String, identity: Option<&str>, header: Option<HeaderValue>) -> Slot {
        Slot {
            label,
            fingerprint: identity.map(fingerprint),
            header,
            limits: Limits::default(),
            rejected: false,
            requests: 0,
            expires_at: None,
        }
    }
}

/// A GitHub App installation's key: what the installation tokens are renewed with.
pub(super) struct AppKey {
    pub(super) app_id: u64,
    pub(super) installation_id: u64,
    /// Checked at start-up by signing one JWT with it.
    pub(super) key: octocrab::EncodingKey,
    /// The variable the key came from (`UPKEEP_GITHUB_APP_KEY` or `..._FILE`).
    pub(super) key_var: &'static str,
}

/// What one attempt goes out with: its slot, `Authorization` and `If-None-Match`, and the
/// fingerprint its answer's ETag is tagged with.
#[derive(Debug, Clone)]
pub(super) struct Pass {
    pub(super) slot: usize,
    pub(super) auth: Option<HeaderValue>,
    pub(super) fingerprint: Option<String>,
    pub(super) if_none_match: Option<String>,
}

/// What [`Keyring::choose`] decided for the next request in a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Choice {
    /// Send with this slot.
    Use(usize),
    /// Every live slot is in its reserve: wait for this slot's window (the earliest reset).
    Wait(usize, Quota),
    /// Every slot was rejected.
    NoneLeft,
}

/// The client's credentials. Several requests may be in flight at once, so an answer is recorded
/// under the slot its request went out with (its [`Pass`]), never "the last one chosen".
#[derive(Debug)]
pub(super) struct Keyring {
    pub(super) slots: Vec<Slot>,
}

impl Keyring {
    pub(super) fn new(slots: Vec<Slot>) -> Keyring {
        assert!(!slots.is_empty(), "a keyring has at least the anonymous slot");
        Keyring { slots }
    }

    /// The slot for the next request in `bucket`: see the module doc. `is_spent` says whether a
    /// quota is in its reserve and its window has not reset yet; `prefer` is the fingerprint of
    /// the request's ETag.
    pub(super) fn choose(&self, bucket: &str, prefer: Option<&str>, is_spent: impl Fn(&Quota) -> bool) -> Choice {
        let quota = |s: &Slot| s.limits.get(bucket);
        let live: Vec<(usize, &Slot)> = self.slots.iter().enumerate().filter(|(_, s)| !s.rejected).collect();
        if live.is_empty() {
            return Choice::NoneLeft;
        }
        let ready: Vec<(usize, &Slot)> =
            live.iter().copied().filter(|(_, s)| !quota(s).is_some_and(|q| is_spent(&q))).collect();
        if let Some((i, _)) = ready.iter().find(|(_, s)| prefer.is_some() && s.fingerprint.as_deref() == prefer) {
            return Choice::Use(*i);
        }
        let most =
            ready.iter().max_by_key(|(i, s)| (quota(s).map_or(u64::MAX, |q| q.remaining), std::cmp::Reverse(*i)));
        if let Some((i, _)) = most {
            return Choice::Use(*i);
        }
        let earliest = live.iter().filter_map(|(i, s)| quota(s).map(|q| (*i, q))).min_by_key(|(i, q)| (q.reset, *i));
        match earliest {
            Some((i, q)) => Choice::Wait(i, q),
            None => Choice::Use(live[0].0),
        }
    }

    /// How many slots GitHub has not rejected.
    pub(super) fn live(&self) -> usize {
        self.slots.iter().filter(|s| !s.rejected).count()
    }

    /// The `If-None-Match` to send with slot `slot` for a stored (tagged) ETag: the ETag when
    /// that slot fetched it, none otherwise.
    pub(super) fn etag_for<'a>(&self, slot: usize, stored: Option<&'a str>) -> Option<&'a str> {
        let (tag, etag) = split_etag(stored?);
        match tag {
            Some(tag) => (self.slots[slot].fingerprint.as_deref() == Some(tag)).then_some(etag),
            None => (self.slots.len() == 1).then_some(etag),
        }
    }
}

/// The fingerprint of a credential: 12 hex digits of SHA-256 over a fixed prefix and `identity`.
pub(super) fn fingerprint(identity: &str) -> String {
    let digest = Sha256::digest(format!("upkeep etag owner v1\n{identity}").as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// An ETag as callers store it: `tok:<fingerprint>:<etag>`, or the ETag alone without a token.
pub(super) fn tag_etag(fingerprint: Option<&str>, etag: String) -> String {
    match fingerprint {
        Some(fp) => format!("tok:{fp}:{etag}"),
        None => etag,
    }
}

/// A stored ETag's fingerprint (if tagged) and the ETag GitHub sent.
pub(super) fn split_etag(stored: &str) -> (Option<&str>, &str) {
    let tagged = stored.strip_prefix("tok:").and_then(|rest| {
        let (fp, etag) = rest.split_at_checked(12)?;
        let etag = etag.strip_prefix(':')?;
        fp.bytes().all(|b| b.is_ascii_hexdigit()).then_some((fp, etag))
    });
    match tagged {
        Some((fp, etag)) => (Some(fp), etag),
        None => (None, stored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyring(n: usize) -> Keyring {
        let slots = (0..n).map(|i| Slot::new(format!("entry {}", i + 1), Some(&format!("t{i}")), None)).collect();
        Keyring::new(slots)
    }

    fn quota(remaining: u64, reset: i64) -> Option<Quota> {
        Some(Quota { remaining, limit: Some(100), reset })
    }

    const SPENT_AT: u64 = 10;

    fn spent(q: &Quota) -> bool {
        q.remaining <= SPENT_AT
    }

    #[test]
    fn the_token_with_the_most_remaining_goes_first_and_unknown_counts_as_most() {
        let mut keys = keyring(3);
        assert_eq!(keys.choose("core", None, spent), Choice::Use(0), "nothing known: the first");
        keys.slots[0].limits.core = quota(50, 100);
        assert_eq!(keys.choose("core", None, spent), Choice::Use(1), "unknown beats known");
        keys.slots[1].limits.core = quota(70, 100);
        keys.slots[2].limits.core = quota(60, 100);
        assert_eq!(keys.choose("core", None, spent), Choice::Use(1));
        assert_eq!(keys.choose("graphql", None, spent), Choice::Use(0), "buckets are separate");
    }

    #[test]
    fn the_etags_token_is_preferred_unless_it_is_in_its_reserve_or_rejected() {
        let mut keys = keyring(2);
        keys.slots[0].limits.core = quota(90, 100);
        keys.slots[1].limits.core = quota(20, 100);
        let fp1 = keys.slots[1].fingerprint.clone();
        assert_eq!(keys.choose("core", fp1.as_deref(), spent), Choice::Use(1));
        keys.slots[1].limits.core = quota(SPENT_AT, 100);
        assert_eq!(keys.choose("core", fp1.as_deref(), spent), Choice::Use(0));
        keys.slots[1].limits.core = quota(20, 100);
        keys.slots[1].rejected = true;
        assert_eq!(keys.choose("core", fp1.as_deref(), spent), Choice::Use(0));
    }

    #[test]
    fn every_token_in_its_reserve_waits_for_the_earliest_reset_and_none_left_says_so() {
        let mut keys = keyring(3);
        keys.slots[0].limits.core = quota(1, 300);
        keys.slots[1].limits.core = quota(0, 200);
        keys.slots[2].limits.core = quota(5, 250);
        assert_eq!(keys.choose("core", None, spent), Choice::Wait(1, quota(0, 200).unwrap()));
        keys.slots[1].rejected = true;
        assert_eq!(keys.choose("core", None, spent), Choice::Wait(2, quota(5, 250).unwrap()));
        keys.slots.iter_mut().for_each(|s| s.rejected = true);
        assert_eq!(keys.choose("core", None, spent), Choice::NoneLeft);
    }

    #[test]
    fn requests_in_flight_count_against_the_reserve_until_their_answers_are_in() {
        let mut keys = keyring(2);
        keys.slots[0].limits.core = quota(SPENT_AT + 1, 100);
        keys.slots[1].limits.core = quota(SPENT_AT + 1, 100);
        assert_eq!(keys.choose("core", None, spent), Choice::Use(0));
        *keys.slots[0].limits.sending("core") += 1;
        assert_eq!(keys.slots[0].limits.get("core").map(|q| q.remaining), Some(SPENT_AT));
        assert_eq!(
            keys.choose("core", None, spent),
            Choice::Use(1),
            "the first is at its reserve once its request lands"
        );
        *keys.slots[1].limits.sending("core") += 1;
        assert!(matches!(keys.choose("core", None, spent), Choice::Wait(..)), "both in their reserve: wait");
        assert_eq!(keys.choose("graphql", None, spent), Choice::Use(0), "other buckets are not touched");
        *keys.slots[1].limits.sending("core") -= 1;
        assert_eq!(keys.choose("core", None, spent), Choice::Use(1), "an answer in frees its place");
    }

    #[test]
    fn an_etag_is_sent_only_with_the_token_that_fetched_it() {
        let keys = keyring(2);
        let fp0 = keys.slots[0].fingerprint.clone();
        let stored = tag_etag(fp0.as_deref(), "W/\"abc\"".to_owned());
        assert!(stored.starts_with("tok:") && stored.ends_with(":W/\"abc\""), "{stored}");
        assert_eq!(split_etag(&stored), (fp0.as_deref(), "W/\"abc\""));
        assert_eq!(keys.etag_for(0, Some(&stored)), Some("W/\"abc\""));
        assert_eq!(keys.etag_for(1, Some(&stored)), None);
        assert_eq!(keys.etag_for(0, Some("W/\"old\"")), None, "untagged, several tokens: not sent");
        assert_eq!(keyring(1).etag_for(0, Some("W/\"old\"")), Some("W/\"old\""), "untagged, one credential: sent");
        assert_eq!(split_etag("tok:xyz:W/\"a\""), (None, "tok:xyz:W/\"a\""), "not a fingerprint");
    }

    #[test]
    fn fingerprints_are_short_stable_and_never_the_token() {
        let fp = fingerprint("ghp_secret_value");
        assert_eq!(fp.len(), 12);
        assert_eq!(fp, fingerprint("ghp_secret_value"));
        assert_ne!(fp, fingerprint("ghp_secret_valuf"));
        assert!(!fp.contains("secret"));
    }
}
