//! Profiles' `company` (upkeep issue #15: an undated hint of a person's organisation), the same
//! in `GET /users/{u}` (`render_repo.rs`) and in the `UpkeepProfiles` GraphQL operation here:
//! `u0: user(login: $l0) { login company }` … `u49`, one alias per variable `l0`…`l49`.
//!
//! A person's company is their profile's (`text::profile`: about one in six is blank, which
//! GitHub sends as `null`; one is `@upkeep-sim`, as people write an organisation's handle), except
//! for orbit's lead maintainer, whose company is [`HOSTILE_COMPANY`], markup that every page must
//! escape. Bots and organisations have none; a login that is no user (unknown, an organisation)
//! is `null` with a `NOT_FOUND` error, as GitHub answers.

use serde_json::{Value, json};

use super::accounts::{User, UserKind};
use super::answer::Answer;
use super::graphql_envelope::{RateLimitJson, Viewer, error};
use super::render::Ctx;
use super::world::World;

/// orbit's lead maintainer's company.
pub const HOSTILE_COMPANY: &str = r#"<script>alert("company")</script> & "Evil" <b>Inc</b>"#;

/// Most aliases one query may hold (the collector sends 50).
const MAX_ALIASES: usize = 100;

/// The profile's company of `user`, `None` when blank or not a person.
pub fn company(world: &World, user: &User) -> Option<String> {
    if user.kind != UserKind::User {
        return None;
    }
    let orbit = world.repos.iter().find(|r| r.spec.name == "orbit");
    if orbit.and_then(|r| r.maintainers.first()).is_some_and(|m| world.user(m.0).login == user.login) {
        return Some(HOSTILE_COMPANY.to_owned());
    }
    Some(super::text::profile(&user.login, user.id).1).filter(|c| !c.is_empty())
}

/// `UpkeepProfiles($l0, …)`: each variable `lN`'s user as alias `uN`.
pub fn profiles(ctx: &Ctx, variables: &Value, rate: RateLimitJson, _: Viewer) -> Answer {
    let Some(vars) = variables.as_object() else {
        return error("INVALID_VARIABLES", "Variables must be an object");
    };
    if vars.len() > MAX_ALIASES {
        return error("MAX_NODE_LIMIT_EXCEEDED", "This query requests too many users at once");
    }
    let world = ctx.world;
    let mut data = json!({ "rateLimit": rate });
    let mut errors = Vec::new();
    for (name, login) in vars {
        let (Some(n), Some(login)) = (name.strip_prefix('l'), login.as_str()) else {
            return error("INVALID_VARIABLES", &format!("Variable ${name} of type String! was provided invalid value"));
        };
        let alias = format!("u{n}");
        let user = world.user_by_login(login).map(|u| world.user(u)).filter(|u| u.kind == UserKind::User);
        match user {
            Some(u) => data[&alias] = json!({ "login": &*u.login, "company": company(world, u) }),
            None => {
                data[&alias] = Value::Null;
                errors.push(json!({
                    "type": "NOT_FOUND",
                    "path": [alias],
                    "message": format!("Could not resolve to a User with the login of '{login}'."),
                }));
            }
        }
    }
    match errors.is_empty() {
        true => Answer::ok(&json!({ "data": data })),
        false => Answer::ok(&json!({ "data": data, "errors": errors })),
    }
}
