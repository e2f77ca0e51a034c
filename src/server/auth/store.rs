//! The session store: signed-in sessions in memory, expired ones deleted, and a cap.
//!
//! tower-sessions' own memory store never deletes a record, so every abandoned session stayed
//! in memory for good. Here a sweep deletes expired records (run every minute by
//! [`crate::server::run`], and before a create finds the store full), and the store refuses to
//! grow past its cap. Only a completed sign-in creates a record (the pending sign-in is a
//! cookie, see [`super::pending`]), so the cap is reached by real users only, never by
//! anonymous traffic.

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

/// Sessions held at most: far above any console's users, small enough to bound memory
/// (a record is well under 1 KB).
pub const DEFAULT_MAX_SESSIONS: usize = 50_000;

#[derive(Clone, Debug)]
pub struct SessionMemory {
    records: Arc<Mutex<HashMap<Id, Record>>>,
    max: usize,
}

impl Default for SessionMemory {
    fn default() -> Self {
        SessionMemory::with_max(DEFAULT_MAX_SESSIONS)
    }
}

impl SessionMemory {
    pub fn with_max(max: usize) -> Self {
        SessionMemory {
            records: Arc::default(),
            max,
        }
    }

    /// Deletes every expired record; returns how many went.
    pub fn delete_expired(&self) -> usize {
        let now = OffsetDateTime::now_utc();
        let mut records = self.lock();
        let before = records.len();
        records.retain(|_, r| r.expiry_date > now);
        before - records.len()
    }

    /// Records held, expired ones included until the next sweep.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Record>> {
        // A panic while holding the lock cannot leave a half-written map (every change is one
        // insert or remove), so a poisoned lock is still a sound one.
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl SessionStore for SessionMemory {
    async fn create(&self, record: &mut Record) -> Result<()> {
        if self.len() >= self.max && (self.delete_expired() == 0 || self.len() >= self.max) {
            return Err(Error::Backend(format!(
                "the session store holds its maximum of {} sessions",
                self.max
            )));
        }
        let mut records = self.lock();
        while records.contains_key(&record.id) {
            record.id = Id::default();
        }
        records.insert(record.id, record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let mut records = self.lock();
        // A save of a record the store no longer holds (deleted by sign-out, or swept) must not
        // bring it back: that would undo a sign-out raced by a request still in flight.
        if let Some(held) = records.get_mut(&record.id) {
            *held = record.clone();
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let mut records = self.lock();
        match records.get(id) {
            Some(r) if r.expiry_date > OffsetDateTime::now_utc() => Ok(Some(r.clone())),
            Some(_) => {
                records.remove(id);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.lock().remove(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(expires_in_secs: i64) -> Record {
        Record {
            id: Id::default(),
            data: HashMap::new(),
            expiry_date: OffsetDateTime::now_utc() + time::Duration::seconds(expires_in_secs),
        }
    }

    #[tokio::test]
    async fn an_expired_record_is_neither_loaded_nor_kept() {
        let store = SessionMemory::default();
        let mut live = record(60);
        let mut dead = record(-1);
        store.create(&mut live).await.unwrap();
        store.create(&mut dead).await.unwrap();
        assert!(store.load(&dead.id).await.unwrap().is_none());
        assert_eq!(store.len(), 1, "loading an expired record deletes it");
        let mut dead = record(-1);
        store.create(&mut dead).await.unwrap();
        assert_eq!(store.delete_expired(), 1);
        assert_eq!(store.load(&live.id).await.unwrap().unwrap().id, live.id);
    }

    #[tokio::test]
    async fn a_full_store_refuses_new_sessions_until_some_expire() {
        let store = SessionMemory::with_max(2);
        let mut a = record(60);
        let mut b = record(1);
        store.create(&mut a).await.unwrap();
        store.create(&mut b).await.unwrap();
        assert!(store.create(&mut record(60)).await.is_err(), "over the cap");
        // b expires: the next create sweeps it and fits.
        let mut b_expired = b.clone();
        b_expired.expiry_date = OffsetDateTime::now_utc() - time::Duration::seconds(1);
        store.records.lock().unwrap().insert(b.id, b_expired);
        store.create(&mut record(60)).await.unwrap();
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn a_save_after_delete_does_not_bring_the_session_back() {
        let store = SessionMemory::default();
        let mut r = record(60);
        store.create(&mut r).await.unwrap();
        store.delete(&r.id).await.unwrap();
        store.save(&r).await.unwrap();
        assert!(store.load(&r.id).await.unwrap().is_none());
    }
}
