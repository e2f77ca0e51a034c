//! Everything that only runs on the server (feature `ssr`).

pub mod auth;
pub mod aws;
pub mod budget;
pub mod certificates;
pub mod config;
pub mod http;
pub mod inventory;
pub mod logging;
pub mod onboarding;
pub mod pages;
pub mod paging;
pub mod policies;
pub mod run;
pub mod runs;
pub mod security;
pub mod service_error;
pub mod state;
