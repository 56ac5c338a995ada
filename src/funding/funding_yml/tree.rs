//! FUNDING.yml's text as a small tree: yaml-rust2's event parser driven one event at a time,
//! containers below [`MAX_DEPTH`] skipped but counted, each node with its position, only the
//! first document. What `funding_yml.rs` checks against GitHub's format.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{ScanError, TScalarStyle};
use yaml_rust2::{Yaml, parser::Tag};

/// Containers nested deeper than this (a mapping inside a list inside the top level) are only
/// recorded as "a list" or "a mapping": the format never needs their contents.
pub const MAX_DEPTH: usize = 2;

/// A node of the document with where it starts (line and column from 1).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub(super) value: Value,
    pub(super) line: usize,
    pub(super) column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// A scalar as resolved by YAML's core schema, with its text.
    Scalar(Kind, String),
    /// A sequence; empty when deeper than [`MAX_DEPTH`].
    List(Vec<Node>),
    /// A mapping's entries in order; empty when deeper than [`MAX_DEPTH`].
    Map(Vec<(Node, Node)>),
    /// `*name`, not followed.
    Alias,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Null,
    Text,
    Number,
    Bool,
}

impl Value {
    /// `a list`, `a number`…, for messages.
    pub(super) fn what(&self) -> &'static str {
        match self {
            Value::Scalar(Kind::Null, _) => "empty",
            Value::Scalar(Kind::Text, _) => "a single value",
            Value::Scalar(Kind::Number, _) => "a number",
            Value::Scalar(Kind::Bool, _) => "true or false",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
            Value::Alias => "an alias",
        }
    }
}

/// A scalar's kind: a tag decides, else quoted and block scalars are text and plain ones are
/// resolved as YAML 1.2's core schema does.
fn scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    let kind = match (tag.map(|t| t.suffix.as_str()), style) {
        (Some("null"), _) => Kind::Null,
        (Some("bool"), _) => Kind::Bool,
        (Some("int" | "float"), _) => Kind::Number,
        (Some(_), _) => Kind::Text,
        (None, TScalarStyle::Plain) => match Yaml::from_str(&text) {
            Yaml::Null => Kind::Null,
            Yaml::Boolean(_) => Kind::Bool,
            Yaml::Integer(_) | Yaml::Real(_) => Kind::Number,
            _ => Kind::Text,
        },
        (None, _) => Kind::Text,
    };
    Value::Scalar(kind, text)
}

/// An open container while parsing: its node, and for a mapping the key awaiting its value.
pub(super) struct Open {
    pub(super) node: Node,
    pub(super) key: Option<Node>,
}

/// The first document of `text` as a tree, `None` for an empty stream. Iterative: one event at a
/// time, a stack of open containers, and containers below [`MAX_DEPTH`] skipped but counted.
pub(super) fn parse(text: &str) -> Result<Option<Node>, ScanError> {
    let mut parser = Parser::new_from_str(text);
    let mut open: Vec<Open> = Vec::new();
    let mut root = None;
    // Nesting inside a container too deep to keep.
    let mut skipping = 0usize;
    loop {
        let (event, mark) = parser.next_token()?;
        let at = |value| Node { value, line: mark.line(), column: mark.col() + 1 };
        if skipping > 0 {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => skipping += 1,
                Event::SequenceEnd | Event::MappingEnd => skipping -= 1,
                _ => {}
            }
            continue;
        }
        let done = match event {
            Event::StreamEnd | Event::DocumentEnd => return Ok(root),
            Event::Nothing | Event::StreamStart | Event::DocumentStart => continue,
            Event::Alias(_) => at(Value::Alias),
            Event::Scalar(text, style, _, tag) => at(scalar(text, style, tag.as_ref())),
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let value =
                    if matches!(event, Event::SequenceStart(..)) { Value::List(vec![]) } else { Value::Map(vec![]) };
                if open.len() < MAX_DEPTH {
                    open.push(Open { node: at(value), key: None });
                    continue;
                }
                skipping = 1;
                at(value)
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(container) => container.node,
                None => continue,
            },
        };
        attach(&mut open, &mut root, done);
    }
}

/// Adds a finished node to the innermost open container, or makes it the root.
fn attach(open: &mut [Open], root: &mut Option<Node>, node: Node) {
    let Some(parent) = open.last_mut() else {
        *root = Some(node);
        return;
    };
    match &mut parent.node.value {
        Value::List(items) => items.push(node),
        Value::Map(entries) => match parent.key.take() {
            Some(key) => entries.push((key, node)),
            None => {
                // A block mapping is reported at its first key's `:`; it starts at the key.
                if entries.is_empty() && (node.line, node.column) < (parent.node.line, parent.node.column) {
                    (parent.node.line, parent.node.column) = (node.line, node.column);
                }
                parent.key = Some(node);
            }
        },
        _ => {}
    }
}
