//! Onboarding: one device created step by step with live status (`provisioning`), and bulk
//! jobs of up to 10,000 devices kept in DynamoDB (`bulk`).

pub mod bulk;
pub mod provisioning;
