//! Who is looking at the console.

use super::ApiError;
use crate::domain::roles::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub username: String,
    pub name: Option<String>,
    /// `None`: signed in, but the IdP groups map to no role.
    pub role: Option<Role>,
}

/// The signed-in user, or `None`. Open to anyone by design: it says only who the caller is.
#[server(prefix = "/api", endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, ApiError> {
    let user = super::guard::anyone().await?;
    Ok(user.map(|u| Viewer {
        username: u.username,
        name: u.name,
        role: u.role,
    }))
}
