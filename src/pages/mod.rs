//! One file per page: resources and components only; data comes from [`crate::api`].

pub mod device_page;
pub mod devices_page;
pub mod home_page;
pub mod not_found_page;
pub mod thing_groups_page;
pub mod thing_types_page;
