//! [`JobStore`] in DynamoDB. One partition per job (`job` = the id): the job's record under
//! `item` = `meta`, each row under `item` = `row#<index, 10 digits>`, so a Query returns the
//! rows in order. A row's device is kept as JSON; its progress in plain attributes.

use crate::domain::onboarding::job::{JobRow, JobState, RowStage};
use crate::domain::onboarding::plan::OnboardRow;
use crate::server::aws::AwsError;
use crate::server::aws::{JobRecord, JobStore};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

const META: &str = "meta";
/// BatchWriteItem takes at most 25 requests.
const BATCH: usize = 25;

pub struct DynamoJobStore {
    client: Client,
    table: String,
}

impl DynamoJobStore {
    pub fn new(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        DynamoJobStore {
            client: Client::new(sdk),
            table: table.into(),
        }
    }
}

fn row_key(index: u32) -> String {
    format!("row#{index:010}")
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn get_s(item: &Item, key: &str) -> Option<String> {
    match item.get(key) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

fn get_n(item: &Item, key: &str) -> Option<i64> {
    match item.get(key) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

/// A stored item the console cannot read: someone edited the table by hand.
fn unreadable(id: &str, what: &str) -> AwsError {
    AwsError {
        kind: crate::server::aws::AwsErrorKind::Unavailable,
        message: format!("the stored state of job {id} is damaged ({what})"),
        request_id: None,
    }
}

fn meta_item(job: &JobRecord) -> Item {
    let mut item = HashMap::from([
        ("job".to_string(), s(&job.id)),
        ("item".to_string(), s(META)),
        ("state".to_string(), s(job.state.as_str())),
        ("created_by".to_string(), s(&job.created_by)),
        ("created_at".to_string(), n(job.created_at)),
        ("total".to_string(), n(job.total)),
    ]);
    if let Some(profile) = &job.profile {
        item.insert("profile".to_string(), s(profile));
    }
    item
}

fn meta_from(item: &Item) -> Option<JobRecord> {
    Some(JobRecord {
        id: get_s(item, "job")?,
        state: JobState::parse(&get_s(item, "state")?)?,
        created_by: get_s(item, "created_by").unwrap_or_default(),
        created_at: get_n(item, "created_at").unwrap_or(0),
        total: u32::try_from(get_n(item, "total")?).ok()?,
        profile: get_s(item, "profile"),
    })
}

fn row_item(id: &str, row: &JobRow) -> Item {
    let mut item = HashMap::from([
        ("job".to_string(), s(id)),
        ("item".to_string(), s(row_key(row.index))),
        ("index".to_string(), n(row.index)),
        ("line".to_string(), n(row.line)),
        (
            "device".to_string(),
            // Plain strings and lists: serializing cannot fail.
            s(serde_json::to_string(&row.device).unwrap_or_default()),
        ),
    ]);
    let stage = match row.stage {
        RowStage::Pending => "pending",
        RowStage::CertificateRequested { at } => {
            item.insert("requested_at".into(), n(at));
            "requested"
        }
        RowStage::Done => "done",
    };
    item.insert("stage".into(), s(stage));
    for (key, value) in [
        ("error", &row.error),
        ("thing_arn", &row.thing_arn),
        ("certificate_id", &row.certificate_id),
        ("certificate_arn", &row.certificate_arn),
    ] {
        if let Some(v) = value {
            item.insert(key.into(), s(v));
        }
    }
    item
}

fn row_from(item: &Item) -> Option<JobRow> {
    let device: OnboardRow = serde_json::from_str(&get_s(item, "device")?).ok()?;
    let stage = match get_s(item, "stage")?.as_str() {
        "pending" => RowStage::Pending,
        "requested" => RowStage::CertificateRequested {
            at: get_n(item, "requested_at")?,
        },
        "done" => RowStage::Done,
        _ => return None,
    };
    Some(JobRow {
        index: u32::try_from(get_n(item, "index")?).ok()?,
        line: u32::try_from(get_n(item, "line")?).ok()?,
        device,
        stage,
        error: get_s(item, "error"),
        thing_arn: get_s(item, "thing_arn"),
        certificate_id: get_s(item, "certificate_id"),
        certificate_arn: get_s(item, "certificate_arn"),
    })
}

#[async_trait]
impl JobStore for DynamoJobStore {
    async fn create_job(&self, job: &JobRecord, rows: &[JobRow]) -> Result<(), AwsError> {
        let subject = format!("Job {}", job.id);
        for chunk in rows.chunks(BATCH) {
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|r| {
                    let put = PutRequest::builder()
                        .set_item(Some(row_item(&job.id, r)))
                        .build()
                        .expect("the item is set");
                    WriteRequest::builder().put_request(put).build()
                })
                .collect();
            // DynamoDB may leave part of a batch unprocessed; send it again, a bounded number of times.
            for attempt in 0..10u32 {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk(e, "store the job's rows", &subject))?;
                requests = out
                    .unprocessed_items()
                    .and_then(|m| m.get(&self.table))
                    .cloned()
                    .unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt.min(6))).await;
            }
            if !requests.is_empty() {
                return Err(AwsError {
                    kind: crate::server::aws::AwsErrorKind::Throttled,
                    message: "DynamoDB did not take every row of the job; try again".into(),
                    request_id: None,
                });
            }
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(meta_item(job)))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "store the job", &subject))?;
        Ok(())
    }

    async fn job(&self, id: &str) -> Result<Option<JobRecord>, AwsError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("job", s(id))
            .key("item", s(META))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "read the job", &format!("Job {id}")))?;
        match out.item() {
            None => Ok(None),
            Some(item) => meta_from(item)
                .map(Some)
                .ok_or_else(|| unreadable(id, "its record")),
        }
    }

    async fn rows(&self, id: &str) -> Result<Vec<JobRow>, AwsError> {
        let mut rows = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#j = :j AND begins_with(#i, :row)")
                .expression_attribute_names("#j", "job")
                .expression_attribute_names("#i", "item")
                .expression_attribute_values(":j", s(id))
                .expression_attribute_values(":row", s("row#"))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(e, "read the job's rows", &format!("Job {id}")))?;
            for item in out.items() {
                rows.push(row_from(item).ok_or_else(|| unreadable(id, "a row"))?);
            }
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(rows)
    }

    async fn save_row(&self, id: &str, row: &JobRow) -> Result<(), AwsError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(row_item(id, row)))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    "record the row's progress",
                    &format!("Row {} of job {id}", row.line),
                )
            })?;
        Ok(())
    }

    async fn set_state(&self, id: &str, state: JobState) -> Result<(), AwsError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("job", s(id))
            .key("item", s(META))
            .update_expression("SET #s = :s")
            .condition_expression("attribute_exists(#s)")
            .expression_attribute_names("#s", "state")
            .expression_attribute_values(":s", s(state.as_str()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "record the job's state", &format!("Job {id}")))?;
        Ok(())
    }

    async fn claim(&self, id: &str, owner: &str, now: i64, until: i64) -> Result<bool, AwsError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("job", s(id))
            .key("item", s(META))
            .update_expression("SET #o = :o, #u = :u")
            .condition_expression(
                "attribute_exists(#s) AND (attribute_not_exists(#u) OR #u < :now OR #o = :o)",
            )
            .expression_attribute_names("#o", "lease_owner")
            .expression_attribute_names("#u", "lease_until")
            .expression_attribute_names("#s", "state")
            .expression_attribute_values(":o", s(owner))
            .expression_attribute_values(":u", n(until))
            .expression_attribute_values(":now", n(now))
            .send()
            .await;
        match out {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(false)
            }
            Err(e) => Err(AwsError::from_sdk(
                e,
                "take the job's lease",
                &format!("Job {id}"),
            )),
        }
    }

    async fn release(&self, id: &str, owner: &str) -> Result<(), AwsError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("job", s(id))
            .key("item", s(META))
            .update_expression("REMOVE #o, #u")
            .condition_expression("#o = :o")
            .expression_attribute_names("#o", "lease_owner")
            .expression_attribute_names("#u", "lease_until")
            .expression_attribute_values(":o", s(owner))
            .send()
            .await;
        match out {
            Ok(_) => Ok(()),
            // Someone else holds it now (ours expired): nothing of ours to give up.
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(())
            }
            Err(e) => Err(AwsError::from_sdk(
                e,
                "give up the job's lease",
                &format!("Job {id}"),
            )),
        }
    }

    async fn jobs(&self) -> Result<Vec<JobRecord>, AwsError> {
        let mut jobs = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression("#i = :meta")
                .expression_attribute_names("#i", "item")
                .expression_attribute_values(":meta", s(META))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(e, "list the onboarding jobs", "The jobs table"))?;
            jobs.extend(out.items().iter().filter_map(meta_from));
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        jobs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(jobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_records_survive_the_round_trip() {
        let mut row = JobRow::new(
            7,
            9,
            OnboardRow {
                thing_name: "sensor-9".into(),
                thing_type: Some("Sensor".into()),
                attributes: vec![("site".into(), "north".into())],
                groups: vec!["G".into()],
                policies: vec!["P".into()],
                csr_pem: Some("-----BEGIN CERTIFICATE REQUEST-----".into()),
            },
        );
        assert_eq!(row_from(&row_item("job-x", &row)), Some(row.clone()));
        row.stage = RowStage::CertificateRequested { at: 1_700_000_000 };
        row.error = Some("boom".into());
        assert_eq!(row_from(&row_item("job-x", &row)), Some(row.clone()));
        row.stage = RowStage::Done;
        row.certificate_id = Some("abc".into());
        row.certificate_arn = Some("arn:c".into());
        row.thing_arn = Some("arn:t".into());
        assert_eq!(row_from(&row_item("job-x", &row)), Some(row));
        assert_eq!(row_key(7), "row#0000000007");
        let job = JobRecord {
            id: "job-x".into(),
            state: JobState::Cancelling,
            created_by: "onboarder".into(),
            created_at: 5,
            total: 3,
            profile: None,
        };
        assert_eq!(meta_from(&meta_item(&job)), Some(job.clone()));
        let bound = JobRecord {
            profile: Some("sensor".into()),
            ..job
        };
        assert_eq!(meta_from(&meta_item(&bound)), Some(bound));
    }
}
