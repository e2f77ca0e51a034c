//! [`ProfileStore`] in DynamoDB: one item per profile, `name` the partition key, the profile
//! as JSON in `profile`, its save count in `version` (every write is conditional on it).

use crate::domain::onboarding::profile::{OnboardingProfile, StoredProfile};
use crate::server::aws::profile_store::{ProfileStore, Saved};
use crate::server::aws::{AwsError, AwsErrorKind};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

pub struct DynamoProfileStore {
    client: Client,
    table: String,
}

impl DynamoProfileStore {
    pub fn new(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        DynamoProfileStore {
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

fn item_of(p: &StoredProfile) -> Item {
    HashMap::from([
        ("name".to_string(), s(&p.profile.name)),
        (
            "profile".to_string(),
            // Plain strings and lists: serializing cannot fail.
            s(serde_json::to_string(&p.profile).unwrap_or_default()),
        ),
        ("version".to_string(), n(p.version)),
        ("updated_by".to_string(), s(&p.updated_by)),
        ("updated_at".to_string(), n(p.updated_at)),
    ])
}

fn profile_of(item: &Item) -> Result<StoredProfile, AwsError> {
    let text = |key: &str| match item.get(key) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    };
    let number = |key: &str| match item.get(key) {
        Some(AttributeValue::N(v)) => v.parse::<i64>().ok(),
        _ => None,
    };
    let name = text("name").unwrap_or_default();
    let damaged = || AwsError {
        kind: AwsErrorKind::Unavailable,
        message: format!("the stored onboarding profile {name:?} is damaged"),
        request_id: None,
    };
    let profile: OnboardingProfile =
        serde_json::from_str(&text("profile").ok_or_else(damaged)?).map_err(|_| damaged())?;
    if profile.name != name {
        // Someone edited the table by hand: the key and the document disagree.
        return Err(damaged());
    }
    Ok(StoredProfile {
        profile,
        version: number("version")
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(damaged)?,
        updated_by: text("updated_by").unwrap_or_default(),
        updated_at: number("updated_at").unwrap_or(0),
    })
}

fn subject(name: &str) -> String {
    format!("Onboarding profile {name}")
}

/// A conditional write's answer: a failed condition is a conflict, not an error.
fn saved<T, E, R>(
    out: Result<T, SdkError<E, R>>,
    operation: &str,
    name: &str,
) -> Result<Saved, AwsError>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    match out {
        Ok(_) => Ok(Saved::Yes),
        Err(SdkError::ServiceError(e))
            if aws_sdk_dynamodb::error::ProvideErrorMetadata::code(e.err())
                == Some("ConditionalCheckFailedException") =>
        {
            Ok(Saved::Conflict)
        }
        Err(e) => Err(AwsError::from_sdk(e, operation, &subject(name))),
    }
}

#[async_trait]
impl ProfileStore for DynamoProfileStore {
    async fn profiles(&self, limit: usize) -> Result<Vec<StoredProfile>, AwsError> {
        // The table holds a handful of small items (MAX_PROFILES); a bounded Scan reads them.
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        for _page in 0..10 {
            let page = self
                .client
                .scan()
                .table_name(&self.table)
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| {
                    AwsError::from_sdk(e, "list the onboarding profiles", "Onboarding profiles")
                })?;
            for item in page.items() {
                out.push(profile_of(item)?);
            }
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() && out.len() < limit => start = Some(k.clone()),
                _ => break,
            }
        }
        out.sort_by(|a, b| a.profile.name.cmp(&b.profile.name));
        out.truncate(limit);
        Ok(out)
    }

    async fn profile(&self, name: &str) -> Result<Option<StoredProfile>, AwsError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("name", s(name))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "read the onboarding profile", &subject(name)))?;
        out.item().map(profile_of).transpose()
    }

    async fn create(&self, profile: &StoredProfile) -> Result<Saved, AwsError> {
        let out = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item_of(profile)))
            .condition_expression("attribute_not_exists(#n)")
            .expression_attribute_names("#n", "name")
            .send()
            .await;
        saved(out, "store the onboarding profile", &profile.profile.name)
    }

    async fn replace(&self, profile: &StoredProfile) -> Result<Saved, AwsError> {
        let out = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item_of(profile)))
            .condition_expression("#v = :before")
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":before", n(profile.version.saturating_sub(1)))
            .send()
            .await;
        saved(out, "store the onboarding profile", &profile.profile.name)
    }

    async fn delete(&self, name: &str, version: u64) -> Result<Saved, AwsError> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("name", s(name))
            .condition_expression("attribute_not_exists(#n) OR #v = :v")
            .expression_attribute_names("#n", "name")
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":v", n(version))
            .send()
            .await;
        saved(out, "delete the onboarding profile", name)
    }
}
