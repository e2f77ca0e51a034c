//! One folder per area, one file per page: resources and components only; data comes from
//! [`crate::api`].

pub mod certificates;
pub mod home_page;
pub mod inventory;
pub mod not_found_page;
pub mod onboarding;
pub mod policies;
