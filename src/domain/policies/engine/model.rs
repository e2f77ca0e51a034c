//! The parsed form of an AWS IoT policy document and the shapes of an evaluation.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A policy document after parsing and validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDocument {
    /// `Version`, when the document has one (`2012-10-17` or `2008-10-17`).
    pub version: Option<String>,
    /// The statements in document order (a single-object `Statement` becomes one entry).
    pub statements: Vec<Statement>,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` (positive list) or `NotAction` (everything except the list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionBlock {
    Action(Vec<String>),
    NotAction(Vec<String>),
}

/// `Resource` (positive list) or `NotResource` (everything except the list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResourceBlock {
    Resource(Vec<String>),
    NotResource(Vec<String>),
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: ActionBlock,
    pub resource: ResourceBlock,
    /// One entry per operator of the `Condition` block, in document order.
    pub conditions: Vec<Condition>,
}

/// One operator of a `Condition` block with its keys, e.g. `"Bool": {"k": "true"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// The operator as written, e.g. `StringEqualsIfExists` or `ForAnyValue:StringLike`.
    pub operator: String,
    /// Key → the policy's values for it, in document order.
    pub keys: Vec<(String, Vec<String>)>,
}

/// A request to decide: the action, the resource ARN and the context.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// e.g. `iot:Publish`.
    pub action: String,
    /// e.g. `arn:aws:iot:us-east-1:123456789012:topic/a/b`.
    pub resource: String,
    /// Condition keys and policy variables, named exactly like AWS names them
    /// (`iot:ClientId`, `iot:Connection.Thing.Attributes[location]`); absent means unavailable.
    #[serde(default)]
    pub context: Context,
}

/// Context values: one or many strings per key.
pub type Context = BTreeMap<String, Vec<String>>;

/// The outcome, in AWS's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    /// AWS's word for it, as serialized: `ALLOWED`, `EXPLICIT_DENY`, `IMPLICIT_DENY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "ALLOWED",
            Decision::ExplicitDeny => "EXPLICIT_DENY",
            Decision::ImplicitDeny => "IMPLICIT_DENY",
        }
    }
}

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementRef {
    pub policy: String,
    /// Zero-based position in the policy's `Statement` list.
    pub index: usize,
    pub sid: Option<String>,
}

/// Something the evaluator wants a human to know about one statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalNote {
    pub statement: StatementRef,
    pub message: String,
}

/// Decision, the statements that made it, and notes (unsupported operators,
/// context values a statement needed but did not get).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// For `EXPLICIT_DENY` the matching Deny statements; for `ALLOWED` the matching Allow
    /// statements; empty for `IMPLICIT_DENY`.
    pub statements: Vec<StatementRef>,
    pub notes: Vec<EvalNote>,
}
