//! The AWS IoT policy engine: parse and validate policy documents, and decide requests
//! against them the way AWS IoT Core documents it, with the statements that decided.
//!
//! Pure Rust with no I/O, so it runs on the server, in the CLI and in the browser (WASM). It
//! refers to nothing outside this folder (std, serde, serde_json, thiserror and time only), so
//! the fuzz target (`fuzz/`) compiles this folder's source on its own.
//!
//! ```
//! use iot_warden::domain::policies::engine::{evaluate, parse_policy, Decision, NamedPolicy, Request};
//! let doc = parse_policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
//!     "Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/a/${iot:ClientId}"}}"#)
//!     .unwrap()
//!     .document;
//! let mut req = Request {
//!     action: "iot:Publish".into(),
//!     resource: "arn:aws:iot:us-east-1:123456789012:topic/a/c1".into(),
//!     ..Default::default()
//! };
//! req.context.insert("iot:ClientId".into(), vec!["c1".into()]);
//! let out = evaluate(&[NamedPolicy { name: "p", document: &doc }], &req);
//! assert_eq!(out.decision, Decision::Allowed);
//! ```

mod actions;
mod cases;
mod compiled;
mod eval;
mod impact;
mod lint;
mod locate;
mod model;
mod operators;
mod parse;
mod pattern;
mod values;
mod vars;

pub use actions::KNOWN_ACTIONS;
pub(crate) use actions::{arn_fields, resource_arn, resource_type};
pub use cases::{context_from_value, run_case, CaseResult, CaseStatement};
pub use compiled::PolicySet;
pub use eval::{evaluate, NamedPolicy};
pub use impact::{
    impact_preview, AccessChange, ImpactChange, ImpactDevice, ImpactInput, ImpactReport,
    PLACEHOLDER,
};
pub use lint::{lint, statement_of, Finding, Severity, UnknownSeverity};
pub use locate::{error_position, locate, Position};
pub use model::{
    ActionBlock, Condition, Context, Decision, Effect, EvalNote, Evaluation, PolicyDocument,
    Request, ResourceBlock, Statement, StatementRef,
};
pub use parse::{
    parse_policy, parse_value, policy_size, Parsed, PolicyError, PolicyWarning, MAX_POLICY_SIZE,
};
pub(crate) use vars::substitute_known;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
