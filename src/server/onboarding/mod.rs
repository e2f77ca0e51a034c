//! Onboarding: one device created step by step with live status (`provisioning`), and bulk
//! jobs of up to 10,000 devices kept in DynamoDB (`bulk`), both bound by the onboarding
//! profiles admins define (`profiles`).

pub mod bulk;
pub mod profiles;
pub mod provisioning;
