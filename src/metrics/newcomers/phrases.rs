//! Comment text as clauses of plain words, and the small phrase-pattern matcher that
//! [`super::claims`] and [`super::mentors`] write their tables in.
//!
//! There is no regex crate, and a table of word patterns over normalised text reads better than
//! regexes would anyway. Normalising a comment ([`clauses`]):
//! - lines quoting someone else (`> …`) and fenced code blocks (```` ``` ```` or `~~~`) are
//!   dropped, and so is inline `code`: they are not the commenter's own words;
//! - text is lowercased, typographic apostrophes become `'`, contractions are expanded
//!   (`I'd` → `i would`, `can't` → `can not`, `wanna` → `want to`) so one pattern covers both spellings;
//! - `@mentions` are dropped (`@maintainer can I take this?` reads as `can i take this`);
//! - a word that starts a line or follows a space with `/` keeps it, so bot commands such as
//!   `/assign` stay distinguishable from the word `assign`;
//! - `.`, `!`, `?`, `;`, `:`, `,`, brackets and line ends split clauses; patterns never span two
//!   clauses, so "Is this available? I would love to work on it" is two clauses, the second a claim.
//!
//! Pattern syntax ([`matches`]): space-separated slots, each matching one token unless noted.
//! - `work` matches that word; `this|it` either; `a_stab` is a two-word phrase;
//! - a trailing `?` makes the slot optional: `really|also?`;
//! - `!project|repo` is a look-ahead: the next token must not be one of these (the clause may end);
//! - `^` and `$` anchor the pattern to the start and end of the clause.
//!
//! A pattern matches a clause when it matches a contiguous run of its tokens.

/// One clause of a comment: its words, and whether it ended with a question mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    pub words: Vec<String>,
    pub question: bool,
}

/// Characters that end a clause.
const CLAUSE_BREAKS: &[char] = &['.', '!', '?', ';', ':', ',', '(', ')', '[', ']', '\n'];

/// The commenter's own prose: quotes, fenced blocks and inline code removed, one string per line.
pub(crate) fn prose_lines(body: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for line in body.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || trimmed.starts_with('>') {
            continue;
        }
        // Segments at odd positions between backticks are inline code.
        lines.push(trimmed.split('`').step_by(2).collect::<Vec<_>>().join(" "));
    }
    lines
}

/// The clauses of a comment body, normalised as the module doc describes.
pub(crate) fn clauses(body: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    for line in prose_lines(body) {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut after_space = true;
        for c in line.chars().flat_map(char::to_lowercase) {
            let c = if matches!(c, '’' | '‘' | 'ʼ') { '\'' } else { c };
            let sigil_start = word.is_empty() && after_space && matches!(c, '/' | '@');
            let sigil_inner = matches!(c, '-' | '_' | '/') && (word.starts_with('@') || word.starts_with('/'));
            if c.is_alphanumeric() || c == '\'' || sigil_start || sigil_inner {
                word.push(c);
            } else {
                push_word(&mut words, &mut word);
                if CLAUSE_BREAKS.contains(&c) {
                    push_clause(&mut out, &mut words, c == '?');
                }
            }
            after_space = c.is_whitespace();
        }
        push_word(&mut words, &mut word);
        push_clause(&mut out, &mut words, false);
    }
    out
}

fn push_clause(out: &mut Vec<Clause>, words: &mut Vec<String>, question: bool) {
    if !words.is_empty() {
        out.push(Clause { words: std::mem::take(words), question });
    }
}

fn push_word(words: &mut Vec<String>, word: &mut String) {
    let w = std::mem::take(word);
    let w = w.trim_matches('\'');
    if w.is_empty() || w.starts_with('@') {
        return;
    }
    words.extend(expand_contraction(w).into_iter().filter(|t| !t.is_empty()));
}

/// `i'd` → `i would`, `can't` → `can not`, `it's` → `it is`, `alice's` → `alice`.
fn expand_contraction(w: &str) -> Vec<String> {
    let whole: &[&str] = match w {
        "im" => &["i", "am"],
        "wanna" => &["want", "to"],
        "gonna" => &["going", "to"],
        "lemme" => &["let", "me"],
        "cannot" | "can't" => &["can", "not"],
        "won't" => &["will", "not"],
        "shan't" => &["shall", "not"],
        "ain't" => &["is", "not"],
        _ => &[],
    };
    if !whole.is_empty() {
        return whole.iter().map(|s| (*s).to_owned()).collect();
    }
    const SUFFIXES: &[(&str, &str)] =
        &[("n't", "not"), ("'d", "would"), ("'ll", "will"), ("'m", "am"), ("'ve", "have"), ("'re", "are")];
    for (suffix, expansion) in SUFFIXES {
        if let Some(stem) = w.strip_suffix(suffix) {
            return vec![stem.replace('\'', ""), (*expansion).to_owned()];
        }
    }
    if let Some(stem) = w.strip_suffix("'s") {
        let is = matches!(stem, "it" | "that" | "what" | "who" | "there" | "here" | "he" | "she" | "where");
        let mut v = vec![stem.replace('\'', "")];
        if is {
            v.push("is".to_owned());
        }
        return v;
    }
    vec![w.replace('\'', "")]
}

/// A pattern split into its slots once: the claim and offer tables are matched against every
/// clause of every comment, so they are not re-split for each. It also keeps, per slot that must
/// match a token, the words one of which the clause must contain, so most patterns are ruled out
/// by a few set lookups before any matching.
pub(crate) struct Pattern {
    slots: Vec<&'static str>,
    required: Vec<Vec<&'static str>>,
}

impl Pattern {
    /// The concatenation of `parts`, each in the pattern syntax.
    pub(crate) fn new(parts: &[&'static str]) -> Pattern {
        let slots: Vec<&'static str> = parts.iter().flat_map(|p| p.split_whitespace()).collect();
        let required = slots
            .iter()
            .filter(|s| !matches!(**s, "^" | "$") && !s.starts_with('!') && !s.ends_with('?'))
            .map(|s| s.split('|').filter_map(|alt| alt.split('_').next()).collect())
            .collect();
        Pattern { slots, required }
    }

    /// Whether the pattern matches `clause`, whose words are also in `words`.
    pub(crate) fn matches(&self, clause: &[String], words: &WordSet<'_>) -> bool {
        self.required.iter().all(|alts| alts.iter().any(|w| words.0.contains(w))) && match_slots(&self.slots, clause)
    }
}

/// The words of one clause, for [`Pattern::matches`].
pub(crate) struct WordSet<'a>(std::collections::HashSet<&'a str>);

impl<'a> WordSet<'a> {
    pub(crate) fn of(clause: &'a [String]) -> WordSet<'a> {
        WordSet(clause.iter().map(String::as_str).collect())
    }
}

/// Whether the slots (the concatenation of `parts`, each in the pattern syntax) match `clause`.
#[cfg(test)]
pub(crate) fn matches(parts: &[&str], clause: &[String]) -> bool {
    let slots: Vec<&str> = parts.iter().flat_map(|p| p.split_whitespace()).collect();
    match_slots(&slots, clause)
}

fn match_slots(slots: &[&str], clause: &[String]) -> bool {
    match slots.split_first() {
        Some((&"^", rest)) => match_at(rest, clause, 0),
        _ => (0..=clause.len()).any(|pos| match_at(slots, clause, pos)),
    }
}

/// Whether `slots` match `tokens` starting exactly at `pos`.
fn match_at(slots: &[&str], tokens: &[String], pos: usize) -> bool {
    let Some((slot, rest)) = slots.split_first() else {
        return true;
    };
    if *slot == "$" {
        return pos == tokens.len() && match_at(rest, tokens, pos);
    }
    if let Some(banned) = slot.strip_prefix('!') {
        let next = tokens.get(pos).map(String::as_str);
        return !next.is_some_and(|t| banned.split('|').any(|b| b == t)) && match_at(rest, tokens, pos);
    }
    let (alternatives, optional) = match slot.strip_suffix('?') {
        Some(alts) => (alts, true),
        None => (*slot, false),
    };
    let matched = alternatives.split('|').any(|alt| {
        let mut end = pos;
        for word in alt.split('_') {
            if tokens.get(end).is_none_or(|t| t != word) {
                return false;
            }
            end += 1;
        }
        match_at(rest, tokens, end)
    });
    matched || (optional && match_at(rest, tokens, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(body: &str) -> Vec<Vec<String>> {
        clauses(body).into_iter().map(|c| c.words).collect()
    }

    fn tokens(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn contractions_expand_and_punctuation_splits_clauses() {
        assert_eq!(words("Hi! I’d love to pick this up"), [tokens("hi"), tokens("i would love to pick this up")]);
        assert_eq!(words("I can't, it's Alice's"), [tokens("i can not"), tokens("it is alice")]);
        assert_eq!(words("im gonna try"), [tokens("i am going to try")]);
    }

    #[test]
    fn quotes_code_and_mentions_are_not_the_commenters_words() {
        let body = "> I'd like to work on this\n```\nI will take this\n```\nthanks `take` @alice-b for it";
        assert_eq!(words(body), [tokens("thanks for it")]);
    }

    #[test]
    fn a_slash_command_keeps_its_slash_only_at_the_start_of_a_word() {
        assert_eq!(words("/assign @me"), [tokens("/assign")]);
        assert_eq!(words("and/or"), [tokens("and or")]);
    }

    #[test]
    fn a_question_mark_marks_its_clause_as_a_question() {
        let c = clauses("Any news? Thanks.");
        assert_eq!((c[0].question, c[1].question), (true, false));
    }

    #[test]
    fn patterns_support_alternatives_options_phrases_anchors_and_look_ahead() {
        let t = tokens("i would really like to take a stab at it");
        assert!(matches(&["i would really|also? like to", "take a_stab|a_crack"], &t));
        assert!(matches(&["i would like|love"], &tokens("i would like")));
        assert!(!matches(&["^ would"], &t));
        assert!(matches(&["^ working on it $"], &tokens("working on it")));
        assert!(!matches(&["^ working on it $"], &tokens("working on it now")));
        assert!(matches(&["on this !project"], &tokens("on this")));
        assert!(!matches(&["on this !project"], &tokens("on this project")));
        assert!(!matches(&["anything"], &[]));
    }

    #[test]
    fn a_compiled_pattern_matches_exactly_what_the_slots_match() {
        let patterns: [&[&'static str]; 6] = [
            &["i would really|also? like to", "take a_stab|a_crack"],
            &["^ working on it $"],
            &["on this !project"],
            &["i_am? on it|this $"],
            &["can|could|may i do it|this|that $"],
            &["assign this|it|that? issue|one|task|ticket? to me"],
        ];
        let clauses = [
            "i would really like to take a stab at it",
            "i would like to take a crack",
            "working on it",
            "on this",
            "on this project",
            "i am on it",
            "on it",
            "may i do this",
            "assign issue to me",
            "assign this to me",
            "",
        ];
        for parts in patterns {
            let compiled = Pattern::new(parts);
            for c in clauses {
                let t = tokens(c);
                assert_eq!(compiled.matches(&t, &WordSet::of(&t)), matches(parts, &t), "{parts:?} on {c:?}");
            }
        }
    }
}
