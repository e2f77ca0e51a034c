//! Everything that only runs on the server (feature `ssr`).

pub mod auth;
pub mod aws;
pub mod bulk;
pub mod certificates;
pub mod config;
pub mod http;
pub mod inventory;
pub mod lifecycle;
pub mod pages;
pub mod paging;
pub mod policies;
pub mod provisioning;
pub mod run;
pub mod security;
pub mod service_error;
pub mod state;
