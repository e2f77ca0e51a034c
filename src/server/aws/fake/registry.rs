//! Things, their types and groups, and their shadows.

use super::Fake;
use crate::server::aws::{
    AwsError, Page, ShadowReader, ThingFilter, ThingGroupRecord, ThingRecord, ThingRegistry,
    ThingTypeRecord,
};
use async_trait::async_trait;

#[async_trait]
impl ThingRegistry for Fake {
    async fn list_things(
        &self,
        filter: &ThingFilter,
        token: Option<&str>,
    ) -> Result<Page<ThingRecord>, AwsError> {
        self.read("ListThings", token.unwrap_or_default().into(), |i| {
            let matching: Vec<ThingRecord> = i
                .account
                .things
                .iter()
                .filter(|t| {
                    filter
                        .thing_type
                        .as_ref()
                        .is_none_or(|ty| t.thing_type.as_ref() == Some(ty))
                })
                .filter(|t| {
                    filter
                        .attribute
                        .as_ref()
                        .is_none_or(|(k, v)| t.attributes.get(k) == Some(v))
                })
                .map(|t| t.record())
                .collect();
            i.page(&matching, token)
        })
        .await
    }

    async fn list_things_in_group(
        &self,
        group: &str,
        token: Option<&str>,
    ) -> Result<Page<String>, AwsError> {
        self.read("ListThingsInThingGroup", group.into(), |i| {
            i.account.group(group)?;
            let groups = i.account.group_and_descendants(group);
            let mut members: Vec<String> = Vec::new();
            for (thing, g) in &i.account.memberships {
                if groups.contains(g) && !members.contains(thing) {
                    members.push(thing.clone());
                }
            }
            i.page(&members, token)
        })
        .await
    }

    async fn describe_thing(&self, name: &str) -> Result<ThingRecord, AwsError> {
        self.read("DescribeThing", name.into(), |i| {
            Ok(i.account.thing(name)?.record())
        })
        .await
    }

    async fn groups_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError> {
        self.read("ListThingGroupsForThing", name.into(), |i| {
            i.account.thing(name)?;
            Ok(i.account
                .memberships
                .iter()
                .filter(|(t, _)| t == name)
                .map(|(_, g)| g.clone())
                .collect())
        })
        .await
    }

    async fn principals_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError> {
        self.read("ListThingPrincipals", name.into(), |i| {
            i.account.thing(name)?;
            Ok(i.account
                .principals
                .iter()
                .filter(|(t, _)| t == name)
                .map(|(_, p)| p.clone())
                .collect())
        })
        .await
    }

    async fn list_thing_types(&self) -> Result<Vec<ThingTypeRecord>, AwsError> {
        self.read("ListThingTypes", String::new(), |i| {
            Ok(i.account.thing_types.clone())
        })
        .await
    }

    async fn list_thing_groups(&self, limit: usize) -> Result<Vec<ThingGroupRecord>, AwsError> {
        self.read("ListThingGroups", String::new(), |i| {
            Ok(i.account
                .groups
                .iter()
                .take(limit.saturating_add(1))
                .cloned()
                .collect())
        })
        .await
    }

    async fn thing_group_names(&self, limit: usize) -> Result<Vec<String>, AwsError> {
        self.read("ListThingGroups", String::new(), |i| {
            Ok(i.account
                .groups
                .iter()
                .take(limit.saturating_add(1))
                .map(|g| g.name.clone())
                .collect())
        })
        .await
    }
}

#[async_trait]
impl ShadowReader for Fake {
    async fn classic_shadow(&self, thing: &str) -> Result<Option<serde_json::Value>, AwsError> {
        self.read("GetThingShadow", thing.into(), |i| {
            // AWS answers a thing without a shadow, or no thing, the same way.
            Ok(i.account.shadows.get(thing).cloned())
        })
        .await
    }
}
