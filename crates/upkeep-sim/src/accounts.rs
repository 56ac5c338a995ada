//! The simulated organisation's accounts: its name and the users it knows, a leaf that both
//! `people.rs` (which generates them) and `world.rs` (which holds them) import.

use super::util::Ts;

pub const ORG: &str = "upkeep-sim";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    User,
    Bot,
    Organization,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub login: Box<str>,
    pub id: u64,
    pub kind: UserKind,
    pub created: Ts,
}
