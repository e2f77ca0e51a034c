//! The onboarding pages: the one-device wizard (`/onboard`) and bulk onboarding
//! (`/onboard/bulk`).

pub mod bulk;
pub mod wizard;
