//! Onboarding profiles in memory, with the DynamoDB store's conditional writes, for the
//! services' unit tests.

use crate::domain::onboarding::profile::StoredProfile;
use crate::server::aws::profile_store::{ProfileStore, Saved};
use crate::server::aws::AwsError;
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct MemoryProfiles(Mutex<BTreeMap<String, StoredProfile>>);

impl MemoryProfiles {
    /// A store holding `profiles`, each at version 1.
    pub fn with(profiles: &[crate::domain::onboarding::profile::OnboardingProfile]) -> Self {
        let store = MemoryProfiles::default();
        for p in profiles {
            store.0.lock().unwrap().insert(
                p.name.clone(),
                StoredProfile {
                    profile: p.clone(),
                    version: 1,
                    updated_by: "test".into(),
                    updated_at: 0,
                },
            );
        }
        store
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, StoredProfile>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl ProfileStore for MemoryProfiles {
    async fn profiles(&self, limit: usize) -> Result<Vec<StoredProfile>, AwsError> {
        Ok(self.map().values().take(limit).cloned().collect())
    }

    async fn profile(&self, name: &str) -> Result<Option<StoredProfile>, AwsError> {
        Ok(self.map().get(name).cloned())
    }

    async fn create(&self, profile: &StoredProfile) -> Result<Saved, AwsError> {
        let mut map = self.map();
        if map.contains_key(&profile.profile.name) {
            return Ok(Saved::Conflict);
        }
        map.insert(profile.profile.name.clone(), profile.clone());
        Ok(Saved::Yes)
    }

    async fn replace(&self, profile: &StoredProfile) -> Result<Saved, AwsError> {
        let mut map = self.map();
        match map.get(&profile.profile.name) {
            Some(stored) if stored.version + 1 == profile.version => {
                map.insert(profile.profile.name.clone(), profile.clone());
                Ok(Saved::Yes)
            }
            _ => Ok(Saved::Conflict),
        }
    }

    async fn delete(&self, name: &str, version: u64) -> Result<Saved, AwsError> {
        let mut map = self.map();
        match map.get(name) {
            Some(stored) if stored.version != version => Ok(Saved::Conflict),
            _ => {
                map.remove(name);
                Ok(Saved::Yes)
            }
        }
    }
}
