//! The fleet inventory's pages: devices, one device, thing types, thing groups.

pub mod device_page;
pub mod devices_page;
pub mod thing_groups_page;
pub mod thing_types_page;
