//! Pure domain logic: no AWS, no Leptos, no tokio. Builds for wasm32 and tests in milliseconds.
//! One folder per feature area, with the same names as in `server/`, `api/` and `pages/`.

pub mod aws_names;
pub mod bounded;
pub mod certificates;
pub mod csv_cells;
pub mod inventory;
pub mod onboarding;
pub mod policies;
pub mod roles;
pub mod runs;
