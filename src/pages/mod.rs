//! One file per page: resources and components only; data comes from [`crate::api`].

pub mod bulk_onboard;
pub mod certificates_page;
pub mod device_page;
pub mod devices_page;
pub mod home_page;
pub mod lifecycle_run;
pub mod not_found_page;
pub mod onboard;
pub mod policies_page;
pub mod policy_editor_page;
pub mod policy_page;
pub mod simulator_page;
pub mod thing_groups_page;
pub mod thing_types_page;
