//! The sessions table: short-lived state every replica of the console shares, one item per
//! key `id`, its end in `expires` (Unix seconds; the table's TTL attribute, so DynamoDB
//! deletes it some time after, and every read checks it, since TTL deletion lags by up to
//! days).
//!
//! - Sessions (`session#<SHA-256 of the id>`): tower-sessions' record, its data as JSON in
//!   `data`.
//! - Live runs (`run#<owner>#<run id>`): a run's latest status as JSON in `run`, its number
//!   in `seq`.

use crate::domain::runs::LiveRun;
use crate::server::aws::live_runs::LiveRunStore;
use crate::server::aws::AwsError;
use async_trait::async_trait;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result as StoreResult};
use tower_sessions::SessionStore;

/// How long a live run stays readable after its last status.
const RUN_KEEP_SECS: i64 = 3600;

type Item = HashMap<String, AttributeValue>;

/// Sessions in DynamoDB (tower-sessions' store).
#[derive(Clone, Debug)]
pub struct DynamoSessions {
    client: Client,
    table: String,
}

/// Live run status in DynamoDB.
#[derive(Clone, Debug)]
pub struct DynamoLiveRuns {
    client: Client,
    table: String,
}

impl DynamoSessions {
    pub fn new(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        DynamoSessions {
            client: Client::new(sdk),
            table: table.into(),
        }
    }
}

impl DynamoLiveRuns {
    pub fn new(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        DynamoLiveRuns {
            client: Client::new(sdk),
            table: table.into(),
        }
    }
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn text<'a>(item: &'a Item, key: &str) -> Option<&'a str> {
    match item.get(key) {
        Some(AttributeValue::S(v)) => Some(v),
        _ => None,
    }
}

fn number(item: &Item, key: &str) -> Option<i64> {
    match item.get(key) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

/// A session's key holds a hash of its id, not the id: the id is the cookie's bearer secret,
/// and whoever may read the table (operators, backups) must not be able to sign in with it.
fn session_key(id: &Id) -> AttributeValue {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(id.to_string().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    s(format!("session#{hex}"))
}

/// The store's error: [`AwsError::from_sdk`] logs what is safe to log; tower-sessions logs
/// the sentence and answers 500, so nothing of it reaches the page.
fn backend<E, R>(e: SdkError<E, R>, operation: &str) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    Error::Backend(AwsError::from_sdk(e, operation, "the sessions table").to_string())
}

fn is_conditional_failure<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    matches!(e, SdkError::ServiceError(s) if s.err().code() == Some("ConditionalCheckFailedException"))
}

impl DynamoSessions {
    fn item_of(&self, record: &Record) -> StoreResult<Item> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        Ok(HashMap::from([
            ("id".to_string(), session_key(&record.id)),
            ("data".to_string(), s(data)),
            (
                "expires".to_string(),
                n(record.expiry_date.unix_timestamp()),
            ),
        ]))
    }
}

#[async_trait]
impl SessionStore for DynamoSessions {
    async fn create(&self, record: &mut Record) -> StoreResult<()> {
        // A new id until one is free (a 128-bit random id collides in theory only).
        for _ in 0..4 {
            let put = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(self.item_of(record)?))
                .condition_expression("attribute_not_exists(id)")
                .send()
                .await;
            match put {
                Ok(_) => return Ok(()),
                Err(e) if is_conditional_failure(&e) => record.id = Id::default(),
                Err(e) => return Err(backend(e, "store the session")),
            }
        }
        Err(Error::Backend("no free session id after 4 tries".into()))
    }

    async fn save(&self, record: &Record) -> StoreResult<()> {
        // Only a record the table still holds: a save racing a sign-out must not bring the
        // session back.
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.item_of(record)?))
            .condition_expression("attribute_exists(id)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(backend(e, "store the session")),
        }
    }

    async fn load(&self, id: &Id) -> StoreResult<Option<Record>> {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("id", session_key(id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend(e, "read the session"))?;
        let Some(item) = got.item else {
            return Ok(None);
        };
        let expiry = number(&item, "expires")
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
            .ok_or_else(|| Error::Decode("a session without its expiry".into()))?;
        if expiry <= OffsetDateTime::now_utc() {
            // Expired but not yet deleted by TTL: gone for us.
            return Ok(None);
        }
        let data = serde_json::from_str(text(&item, "data").unwrap_or_default())
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: expiry,
        }))
    }

    async fn delete(&self, id: &Id) -> StoreResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("id", session_key(id))
            .send()
            .await
            .map_err(|e| backend(e, "delete the session"))?;
        Ok(())
    }
}

fn run_key(owner: &str, id: &str) -> AttributeValue {
    s(format!("run#{owner}#{id}"))
}

#[async_trait]
impl LiveRunStore for DynamoLiveRuns {
    async fn put(&self, owner: &str, id: &str, seq: u64, run: &LiveRun) -> Result<(), AwsError> {
        // Plain strings, lists and enums: serializing cannot fail.
        let json = serde_json::to_string(run).unwrap_or_default();
        let expires = OffsetDateTime::now_utc().unix_timestamp() + RUN_KEEP_SECS;
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("id", run_key(owner, id))
            .item("run", s(json))
            .item("seq", n(seq))
            .item("expires", n(expires))
            .condition_expression("attribute_not_exists(id) OR seq < :seq")
            .expression_attribute_values(":seq", n(seq))
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            // A later status is there already.
            Err(e) if is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(AwsError::from_sdk(
                e,
                "share the run's status",
                "the sessions table",
            )),
        }
    }

    async fn get(&self, owner: &str, id: &str) -> Result<Option<LiveRun>, AwsError> {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("id", run_key(owner, id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "read the run's status", "the sessions table"))?;
        let Some(item) = got.item else {
            return Ok(None);
        };
        if number(&item, "expires").unwrap_or(0) <= OffsetDateTime::now_utc().unix_timestamp() {
            return Ok(None);
        }
        Ok(text(&item, "run").and_then(|j| serde_json::from_str(j).ok()))
    }
}
