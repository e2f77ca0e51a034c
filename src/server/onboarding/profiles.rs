//! Onboarding profiles: admins list, create, edit and delete them; every onboarding path
//! (the wizard, bulk jobs, the `onboard` command) asks [`OnboardingProfiles::binding`] which
//! profile binds the request, and refuses a device outside it.

use crate::domain::bounded::MAX_NAMES;
use crate::domain::onboarding::profile::{
    check_profile_name, profile_problems, DeviceShape, OnboardingProfile, OnboardingReach,
    StoredProfile, MAX_PROFILES,
};
use crate::server::aws::{PolicyStore, ProfileStore, Saved, ThingRegistry};
use crate::server::service_error::ServiceError;
use std::collections::BTreeSet;
use std::sync::Arc;

pub struct OnboardingProfiles {
    store: Arc<dyn ProfileStore>,
    registry: Arc<dyn ThingRegistry>,
    policies: Arc<dyn PolicyStore>,
    now: fn() -> i64,
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn no_such_profile(name: &str) -> ServiceError {
    ServiceError::not_found(format!("There is no onboarding profile named {name}."))
}

fn changed_since(name: &str) -> ServiceError {
    ServiceError::Invalid(format!(
        "The onboarding profile {name} was changed by someone else since you opened it; reload it and make your change again."
    ))
}

impl OnboardingProfiles {
    pub fn new(
        store: Arc<dyn ProfileStore>,
        registry: Arc<dyn ThingRegistry>,
        policies: Arc<dyn PolicyStore>,
    ) -> Self {
        OnboardingProfiles {
            store,
            registry,
            policies,
            now: unix_now,
        }
    }

    /// Every profile, in name order.
    pub async fn list(&self) -> Result<Vec<StoredProfile>, ServiceError> {
        Ok(self.store.profiles(MAX_PROFILES).await?)
    }

    pub async fn get(&self, name: &str) -> Result<StoredProfile, ServiceError> {
        check_profile_name(name).map_err(ServiceError::Invalid)?;
        self.store
            .profile(name)
            .await?
            .ok_or_else(|| no_such_profile(name))
    }

    /// The profile that binds a device `reach` lets its user onboard, when they chose
    /// `chosen`: `None` only for a user who may choose freely and chose no profile.
    pub async fn binding(
        &self,
        reach: OnboardingReach,
        chosen: Option<&str>,
    ) -> Result<Option<OnboardingProfile>, ServiceError> {
        match (chosen.filter(|c| !c.is_empty()), reach) {
            (None, OnboardingReach::Free) => Ok(None),
            (None, OnboardingReach::ProfileOnly) => Err(ServiceError::Refused(
                "Onboarding staff register devices within an onboarding profile; choose one."
                    .into(),
            )),
            (Some(name), _) => Ok(Some(self.get(name).await?.profile)),
        }
    }

    /// Refuses a device outside `profile`, with every difference in one message.
    pub fn admit(profile: &OnboardingProfile, device: DeviceShape<'_>) -> Result<(), ServiceError> {
        let differences = profile.differences(device);
        if differences.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Refused(differences.join(" ")))
        }
    }

    /// Stores a new profile, made by `by`.
    pub async fn create(
        &self,
        profile: OnboardingProfile,
        by: &str,
    ) -> Result<StoredProfile, ServiceError> {
        self.check(&profile).await?;
        let count = self.store.profiles(MAX_PROFILES).await?.len();
        if count >= MAX_PROFILES {
            return Err(ServiceError::Invalid(format!(
                "The account has {MAX_PROFILES} onboarding profiles, the most the console keeps; delete one first."
            )));
        }
        let stored = self.stamped(profile, 1, by);
        match self.store.create(&stored).await? {
            Saved::Yes => Ok(stored),
            Saved::Conflict => Err(ServiceError::Invalid(format!(
                "An onboarding profile named {} exists already; choose another name or edit that one.",
                stored.profile.name
            ))),
        }
    }

    /// Replaces the profile `profile.name`, which the admin opened at `version`.
    pub async fn update(
        &self,
        profile: OnboardingProfile,
        version: u64,
        by: &str,
    ) -> Result<StoredProfile, ServiceError> {
        self.check(&profile).await?;
        let name = profile.name.clone();
        let stored = self.stamped(profile, version.saturating_add(1), by);
        match self.store.replace(&stored).await? {
            Saved::Yes => Ok(stored),
            Saved::Conflict => match self.store.profile(&name).await? {
                None => Err(no_such_profile(&name)),
                Some(_) => Err(changed_since(&name)),
            },
        }
    }

    /// Deletes the profile the admin saw at `version`. Devices onboarded under it keep what
    /// they got; jobs naming it stop admitting rows until it exists again.
    pub async fn delete(&self, name: &str, version: u64) -> Result<(), ServiceError> {
        check_profile_name(name).map_err(ServiceError::Invalid)?;
        match self.store.delete(name, version).await? {
            Saved::Yes => Ok(()),
            Saved::Conflict => Err(changed_since(name)),
        }
    }

    fn stamped(&self, profile: OnboardingProfile, version: u64, by: &str) -> StoredProfile {
        StoredProfile {
            profile,
            version,
            updated_by: by.to_string(),
            updated_at: (self.now)(),
        }
    }

    /// The profile's own rules, then that what it names exists in the account.
    async fn check(&self, profile: &OnboardingProfile) -> Result<(), ServiceError> {
        let problems = profile_problems(profile);
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems.join(" ")));
        }
        let (types, groups, policies) = futures::try_join!(
            self.registry.list_thing_types(),
            self.registry.thing_group_names(MAX_NAMES),
            self.policies.list_policies(MAX_NAMES),
        )?;
        let types: BTreeSet<String> = types.into_iter().map(|t| t.name).collect();
        let groups: BTreeSet<String> = groups.into_iter().collect();
        let policies: BTreeSet<String> = policies.into_iter().map(|p| p.name).collect();
        let mut missing = Vec::new();
        if let Some(t) = profile.thing_type.as_ref().filter(|t| !types.contains(*t)) {
            missing.push(format!("There is no thing type named {t}."));
        }
        for g in profile.groups.iter().filter(|g| !groups.contains(*g)) {
            missing.push(format!("There is no thing group named {g}."));
        }
        for p in profile.policies.iter().filter(|p| !policies.contains(*p)) {
            missing.push(format!("There is no policy named {p}."));
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(missing.join(" ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::aws::fake::{Account, Fake, MemoryProfiles};

    fn profile() -> OnboardingProfile {
        OnboardingProfile {
            name: "sensor".into(),
            policies: vec!["SensorPolicy".into()],
            groups: vec!["Sensors".into()],
            ..Default::default()
        }
    }

    fn service(store: MemoryProfiles) -> OnboardingProfiles {
        let fake = Arc::new(Fake::new(
            Account::default()
                .with_policies(["SensorPolicy", "AdminPolicy"])
                .with_group("Sensors"),
        ));
        OnboardingProfiles::new(Arc::new(store), fake.clone(), fake)
    }

    #[tokio::test]
    async fn onboarding_staff_must_choose_a_profile_and_admins_need_not() {
        let s = service(MemoryProfiles::with(&[profile()]));
        let refused = s
            .binding(OnboardingReach::ProfileOnly, None)
            .await
            .unwrap_err();
        assert!(matches!(refused, ServiceError::Refused(_)));
        let empty = s.binding(OnboardingReach::ProfileOnly, Some("")).await;
        assert!(matches!(empty, Err(ServiceError::Refused(_))));
        assert_eq!(s.binding(OnboardingReach::Free, None).await.unwrap(), None);
        let bound = s
            .binding(OnboardingReach::ProfileOnly, Some("sensor"))
            .await;
        assert_eq!(bound.unwrap(), Some(profile()));
        let chosen = s.binding(OnboardingReach::Free, Some("sensor")).await;
        assert_eq!(
            chosen.unwrap(),
            Some(profile()),
            "a chosen profile binds admins too"
        );
        let missing = s.binding(OnboardingReach::ProfileOnly, Some("other")).await;
        assert!(matches!(missing, Err(ServiceError::NotFound(_))));
    }

    #[tokio::test]
    async fn saves_check_the_account_and_the_version() {
        let s = service(MemoryProfiles::default());
        let mut bad = profile();
        bad.policies.push("Nope".into());
        bad.groups.push("Nowhere".into());
        let e = s.create(bad, "alice").await.unwrap_err().to_string();
        assert!(
            e.contains("no policy named Nope") && e.contains("no thing group named Nowhere"),
            "{e}"
        );
        let created = s.create(profile(), "alice").await.unwrap();
        assert_eq!((created.version, created.updated_by.as_str()), (1, "alice"));
        let twice = s.create(profile(), "bob").await.unwrap_err().to_string();
        assert!(twice.contains("exists already"), "{twice}");

        let mut wider = profile();
        wider.policies.push("AdminPolicy".into());
        let saved = s.update(wider.clone(), 1, "bob").await.unwrap();
        assert_eq!(saved.version, 2);
        let stale = s
            .update(profile(), 1, "carol")
            .await
            .unwrap_err()
            .to_string();
        assert!(stale.contains("changed by someone else"), "{stale}");
        assert_eq!(s.get("sensor").await.unwrap().profile, wider);
        assert!(
            s.delete("sensor", 1).await.is_err(),
            "a stale delete is refused"
        );
        s.delete("sensor", 2).await.unwrap();
        assert!(matches!(
            s.get("sensor").await,
            Err(ServiceError::NotFound(_))
        ));
        let gone = s.update(profile(), 2, "bob").await;
        assert!(matches!(gone, Err(ServiceError::NotFound(_))));
    }
}
