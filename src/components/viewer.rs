//! Who is signed in, loaded once per page by the app and shared by the layout and every page.

use crate::api::session::Viewer;
use crate::api::ApiError;
use leptos::prelude::*;

/// Who is signed in, loaded once per page and shared by the layout and every page.
#[derive(Clone, Copy)]
pub struct ViewerResource(pub Resource<Result<Option<Viewer>, ApiError>>);

pub fn use_viewer() -> Resource<Result<Option<Viewer>, ApiError>> {
    expect_context::<ViewerResource>().0
}
