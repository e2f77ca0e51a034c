//! The onboarding pages: the one-device wizard (`/onboard`), bulk onboarding
//! (`/onboard/bulk`) and the onboarding profiles both work within (`/onboard/profiles`).

pub mod bulk;
pub mod profile_choice;
pub mod profiles_page;
pub mod wizard;
