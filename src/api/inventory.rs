//! Fleet inventory: devices, one device, thing types, thing groups.

use super::ApiError;
use crate::domain::inventory::{
    DeviceDetail, DevicePage, DeviceQuery, ThingGroupRow, ThingTypeRow,
};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_devices")]
pub async fn list_devices(#[server(default)] query: DeviceQuery) -> Result<DevicePage, ApiError> {
    use super::guard::require;
    let (state, _) = require(Permission::ViewInventory).await?;
    Ok(state.inventory.list_devices(&query).await?)
}

#[server(prefix = "/api", endpoint = "get_device")]
pub async fn get_device(#[server(default)] name: String) -> Result<DeviceDetail, ApiError> {
    use super::guard::require;
    use crate::server::inventory::Documents;
    let (state, user) = require(Permission::ViewInventory).await?;
    let documents = if user.may(Permission::ViewPolicies) {
        Documents::Included
    } else {
        Documents::Withheld
    };
    Ok(state.inventory.device_detail(&name, documents).await?)
}

#[server(prefix = "/api", endpoint = "list_thing_types")]
pub async fn list_thing_types() -> Result<Vec<ThingTypeRow>, ApiError> {
    use super::guard::require;
    let (state, _) = require(Permission::ViewInventory).await?;
    Ok(state.inventory.thing_types().await?)
}

#[server(prefix = "/api", endpoint = "list_thing_groups")]
pub async fn list_thing_groups() -> Result<crate::domain::bounded::Bounded<ThingGroupRow>, ApiError>
{
    use super::guard::require;
    let (state, _) = require(Permission::ViewInventory).await?;
    Ok(state.inventory.thing_groups().await?)
}
