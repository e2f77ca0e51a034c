//! The certificate pages: the lifecycle list, and the rotation and removal run pages.

pub mod certificates_page;
pub mod lifecycle_run;
