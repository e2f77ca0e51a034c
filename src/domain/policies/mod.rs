//! Policies: the AWS IoT policy engine (`engine`: parse, validate, lint, decide, preview a
//! draft's impact), and around it the policy pages' own pure parts: `catalog` (what the
//! policy pages show), `editor` (the editor's diagnostics at their lines), `simulation`
//! (device contexts and MQTT requests), `summary` (what a device's policies let it do, for the
//! onboarding wizard and its bundle) and `text_diff` (line diffs between versions).

pub mod catalog;
pub mod editor;
pub mod engine;
pub mod simulation;
pub mod summary;
pub mod text_diff;
