//! Tests of `claims`: hand-computed cases.

use super::*;

#[test]
fn real_world_claims_are_recognised() {
    let claims = [
        "I'd like to work on this",
        "I would like to work on this issue",
        "Can I take this?",
        "can i work on this",
        "I'll take this one",
        "I will work on this",
        "Could you assign this to me?",
        "please assign me",
        "assign me please",
        "/assign",
        "/take",
        "Is this still available? I would love to work on it",
        "I want to work on this",
        "May I work on this issue?",
        "I am interested in working on this",
        "Hi! I'd love to pick this up",
        "Working on it",
        "I'm working on this",
        "I’M WORKING ON THIS!!!",
        "Hey @maintainer, can I work on this?",
        "/assign @me",
        "take",
        "@rustbot claim",
        "Claiming this!",
        "I'd be happy to work on this",
        "I would really like to take a stab at this.",
        "Is it ok if I work on this?",
        "Can I be assigned to this issue?",
        "I wanna work on this",
        "I'll try to fix this over the weekend",
        "I'll open a PR shortly",
        "I would like to contribute to this issue",
        "Let me take this",
        "I can take it if nobody else wants to",
        "Mind if I give it a shot?",
        "I'm on it",
        "I've got this one",
        "Please assign this issue to me.",
        "Still working on this, PR coming soon",
        "Hello, I am a first-time contributor. I'd like to pick up this issue.",
        "I would be interested in tackling this",
        "I'll do it",
    ];
    for body in claims {
        assert!(is_claim_comment(body), "should be a claim: {body:?}");
    }
}

#[test]
fn questions_thanks_requests_and_reports_are_not_claims() {
    let not_claims = [
        "Can someone take a look at this?",
        "I would like this feature too",
        "Who is working on this?",
        "Is anyone working on this?",
        "Thanks for working on this!",
        "I assigned it to myself by mistake",
        "I can take a look tomorrow",
        "Would anyone like to work on this?",
        "Anyone want to take this?",
        "Feel free to work on this",
        "I worked on this last year",
        "I'm not working on this anymore",
        "I can't work on this right now",
        "Please assign someone to this",
        "Could you assign this to @alice?",
        "I'm working on this project at my company and hit the same bug",
        "Is this still available?",
        "/unassign",
        "I'd like to see this fixed",
        "Working on this would be a great first contribution",
        "I can reproduce this on Linux",
        "I'm happy to help",
        "I'd be glad to review a PR",
        "+1, same here",
        "This was assigned to me by mistake",
        "Unassigning since there has been no activity for a while; anyone is welcome to pick this up.",
        "Freeing this up again as it seems stalled. Thanks for the interest!",
        "Thanks! Assigned to you, have fun 🎉",
        "Is there a test I can run locally to check a fix?",
        "",
    ];
    for body in not_claims {
        assert!(!is_claim_comment(body), "should not be a claim: {body:?}");
    }
}

#[test]
fn quoted_and_fenced_claims_are_someone_elses_words() {
    assert!(!is_claim_comment("> I'd like to work on this\n\nDid they ever open a PR?"));
    assert!(!is_claim_comment("Steps:\n```\n/assign\nI will work on this\n```"));
    assert!(!is_claim_comment("The bot command is `/take`, see docs."));
    assert!(is_claim_comment("> Is this available?\nYes! I'd like to work on this"));
}

const NOW: i64 = 1_000 * DAY;

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn comments(v: &[(&str, i64)]) -> Vec<(String, i64)> {
    v.iter().map(|(l, at)| ((*l).to_owned(), *at)).collect()
}

fn inputs<'a>(
    assignees: &'a [String],
    prs: &'a [i64],
    claims: &'a [(String, i64)],
    people: &'a [String],
) -> ClaimInputs<'a> {
    // `people` doubles as mentors and maintainers: "mentor" and "maint".
    ClaimInputs { assignees, mentors: &people[..1], linked_open_prs: prs, claim_comments: claims, maintainers: people }
}

#[test]
fn an_assignee_claims_the_issue_unless_they_are_the_mentor() {
    let people = owned(&["Mentor", "maint"]);
    let a = owned(&["mentor", "newbie"]);
    let s = claim_status(&inputs(&a, &[], &[], &people), NOW, 14);
    assert_eq!(s, ClaimStatus::Claimed(ClaimReason::Assigned { login: "newbie".into() }));
    let only_mentor = owned(&["MENTOR"]);
    assert_eq!(claim_status(&inputs(&only_mentor, &[], &[], &people), NOW, 14), ClaimStatus::Unclaimed);
}

#[test]
fn a_linked_open_pull_request_claims_the_issue() {
    let people = owned(&["mentor", "maint"]);
    let s = claim_status(&inputs(&[], &[42, 43], &[], &people), NOW, 14);
    assert_eq!(s, ClaimStatus::Claimed(ClaimReason::LinkedPullRequest { number: 42 }));
}

#[test]
fn assignment_wins_over_a_pull_request_which_wins_over_a_comment() {
    let people = owned(&["mentor", "maint"]);
    let (a, c) = (owned(&["bob"]), comments(&[("carol", NOW - DAY)]));
    let both = claim_status(&inputs(&a, &[7], &c, &people), NOW, 14);
    assert_eq!(both, ClaimStatus::Claimed(ClaimReason::Assigned { login: "bob".into() }));
    let pr = claim_status(&inputs(&[], &[7], &c, &people), NOW, 14);
    assert_eq!(pr, ClaimStatus::Claimed(ClaimReason::LinkedPullRequest { number: 7 }));
}

#[test]
fn a_claim_comment_exactly_claim_days_old_still_counts_and_one_second_older_does_not() {
    let people = owned(&["mentor", "maint"]);
    let edge = comments(&[("dave", NOW - 14 * DAY)]);
    let s = claim_status(&inputs(&[], &[], &edge, &people), NOW, 14);
    assert_eq!(s, ClaimStatus::Claimed(ClaimReason::ClaimComment { login: "dave".into(), at: NOW - 14 * DAY }));
    let older = comments(&[("dave", NOW - 14 * DAY - 1)]);
    assert_eq!(claim_status(&inputs(&[], &[], &older, &people), NOW, 14), ClaimStatus::Unclaimed);
}

#[test]
fn the_earliest_recent_claim_wins_and_maintainers_and_future_comments_do_not_claim() {
    let people = owned(&["mentor", "maint"]);
    let c = comments(&[("Maint", NOW - 9 * DAY), ("erin", NOW - 3 * DAY), ("frank", NOW - 5 * DAY), ("gus", NOW + 1)]);
    let s = claim_status(&inputs(&[], &[], &c, &people), NOW, 14);
    assert_eq!(s, ClaimStatus::Claimed(ClaimReason::ClaimComment { login: "frank".into(), at: NOW - 5 * DAY }));
    let only_maint = comments(&[("maint", NOW - DAY), ("gus", NOW + 1)]);
    assert_eq!(claim_status(&inputs(&[], &[], &only_maint, &people), NOW, 14), ClaimStatus::Unclaimed);
}

#[test]
fn an_old_claim_is_abandoned_and_listed_with_its_age() {
    let people = owned(&["mentor", "maint"]);
    let c = comments(&[
        ("hana", NOW - 50 * DAY),
        ("hana", NOW - 45 * DAY - 3600),
        ("ivan", NOW - 2 * DAY),
        ("maint", NOW - 90 * DAY),
    ]);
    let i = inputs(&[], &[], &c, &people);
    assert!(claim_status(&i, NOW, 14).is_claimed()); // ivan's recent claim
    let stale = stale_claims(&i, NOW, 14);
    assert_eq!(stale, [StaleClaim { login: "hana".into(), at: NOW - 45 * DAY - 3600, age_days: 45 }]);
    let only_old = comments(&[("hana", NOW - 45 * DAY)]);
    let i = inputs(&[], &[], &only_old, &people);
    assert_eq!(claim_status(&i, NOW, 14), ClaimStatus::Unclaimed);
    assert_eq!(stale_claims(&i, NOW, 14).len(), 1);
}

#[test]
fn someone_who_claimed_again_recently_or_got_assigned_is_not_stale() {
    let people = owned(&["mentor", "maint"]);
    let c = comments(&[("jo", NOW - 40 * DAY), ("JO", NOW - DAY), ("kim", NOW - 40 * DAY)]);
    let stale = stale_claims(&inputs(&[], &[], &c, &people), NOW, 14);
    assert_eq!(stale.iter().map(|s| s.login.as_str()).collect::<Vec<_>>(), ["kim"]);
    let kim = owned(&["kim"]);
    assert!(stale_claims(&inputs(&kim, &[], &c, &people), NOW, 14).is_empty());
}

#[test]
fn no_inputs_means_unclaimed_and_no_stale_claims() {
    let i = ClaimInputs { assignees: &[], mentors: &[], linked_open_prs: &[], claim_comments: &[], maintainers: &[] };
    assert_eq!(claim_status(&i, NOW, 14), ClaimStatus::Unclaimed);
    assert!(stale_claims(&i, NOW, 14).is_empty());
}

#[test]
fn a_status_serializes_with_its_reason() {
    let s = ClaimStatus::Claimed(ClaimReason::ClaimComment { login: "lee".into(), at: 5 });
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json, serde_json::json!({"status": "claimed", "reason": "claim_comment", "login": "lee", "at": 5}));
    assert_eq!(serde_json::to_value(ClaimStatus::Unclaimed).unwrap(), serde_json::json!({"status": "unclaimed"}));
    let e = ClaimStatus::Claimed(ClaimReason::LinkedPullRequest { number: 9 }).explain();
    assert_eq!(e.inputs, [("status", "claimed: pull request #9 is open".to_owned())]);
}
