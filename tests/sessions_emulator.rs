//! The sessions table every replica shares, through the real SDK against the emulator:
//! sessions (tower-sessions' store) and live run status (the run board).

mod common;

use common::{create_sessions_table, emulator_sdk, unique_name};
use iot_warden::domain::runs::{planned_run, RunState};
use iot_warden::server::aws::{DynamoLiveRuns, DynamoSessions, LiveRunStore};
use iot_warden::server::runs::board::RunBoard;
use std::collections::HashMap;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::SessionStore;

async fn table() -> (aws_config::SdkConfig, String) {
    let sdk = emulator_sdk().await;
    let name = unique_name("sessions");
    create_sessions_table(&sdk, &name).await;
    (sdk, name)
}

fn record(expires_in: Duration) -> Record {
    Record {
        id: Id::default(),
        data: HashMap::from([("user".to_string(), serde_json::json!({"sub": "alice"}))]),
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    }
}

#[tokio::test]
async fn a_session_stored_by_one_replica_is_read_by_another_until_it_expires() {
    let (sdk, name) = table().await;
    let (one, other) = (
        DynamoSessions::new(&sdk, &name),
        DynamoSessions::new(&sdk, &name),
    );
    let mut live = record(Duration::minutes(30));
    one.create(&mut live).await.unwrap();
    let read = other
        .load(&live.id)
        .await
        .unwrap()
        .expect("the other replica reads it");
    assert_eq!(read.data, live.data);
    assert_eq!(
        read.expiry_date.unix_timestamp(),
        live.expiry_date.unix_timestamp()
    );

    // Expired but not yet deleted by TTL: not loaded.
    let mut dead = record(Duration::seconds(-1));
    one.create(&mut dead).await.unwrap();
    assert!(other.load(&dead.id).await.unwrap().is_none());

    // The idle expiry slides on save, and the other replica sees the new one.
    let mut moved = live.clone();
    moved.expiry_date = OffsetDateTime::now_utc() + Duration::hours(2);
    other.save(&moved).await.unwrap();
    let read = one.load(&live.id).await.unwrap().unwrap();
    assert_eq!(
        read.expiry_date.unix_timestamp(),
        moved.expiry_date.unix_timestamp()
    );
}

#[tokio::test]
async fn the_table_holds_no_session_id_only_its_hash() {
    let (sdk, name) = table().await;
    let store = DynamoSessions::new(&sdk, &name);
    let mut r = record(Duration::minutes(30));
    store.create(&mut r).await.unwrap();
    let items = aws_sdk_dynamodb::Client::new(&sdk)
        .scan()
        .table_name(&name)
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    assert_eq!(items.len(), 1);
    let stored = format!("{:?}", items[0]);
    assert!(
        !stored.contains(&r.id.to_string()),
        "the bearer id is in the table: {stored}"
    );
    assert!(store.load(&r.id).await.unwrap().is_some());
}

#[tokio::test]
async fn a_save_racing_a_sign_out_does_not_bring_the_session_back() {
    let (sdk, name) = table().await;
    let store = DynamoSessions::new(&sdk, &name);
    let mut r = record(Duration::minutes(30));
    store.create(&mut r).await.unwrap();
    store.delete(&r.id).await.unwrap();
    store.save(&r).await.unwrap();
    assert!(store.load(&r.id).await.unwrap().is_none());
}

#[tokio::test]
async fn a_create_never_overwrites_a_session_with_the_same_id() {
    let (sdk, name) = table().await;
    let store = DynamoSessions::new(&sdk, &name);
    let mut first = record(Duration::minutes(30));
    store.create(&mut first).await.unwrap();
    let mut second = record(Duration::minutes(30));
    second.id = first.id;
    second.data = HashMap::from([("user".to_string(), serde_json::json!({"sub": "mallory"}))]);
    store.create(&mut second).await.unwrap();
    assert_ne!(
        second.id, first.id,
        "the second create got an id of its own"
    );
    assert_eq!(
        store.load(&first.id).await.unwrap().unwrap().data,
        first.data
    );
}

#[tokio::test]
async fn a_run_published_on_one_replica_is_polled_on_another_to_its_end() {
    let (sdk, name) = table().await;
    let (here, there) = (
        RunBoard::shared(Arc::new(DynamoLiveRuns::new(&sdk, &name))),
        RunBoard::shared(Arc::new(DynamoLiveRuns::new(&sdk, &name))),
    );
    let mut run = planned_run("t-1", ["make the thing".to_string()].into_iter());
    here.publish("alice", "run-12345678", &run);
    run.state = RunState::Succeeded;
    here.publish("alice", "run-12345678", &run);
    here.settle("alice", "run-12345678").await;
    assert_eq!(
        there.get("alice", "run-12345678").await.unwrap(),
        Some(run.clone()),
        "after settle, the other replica shows the run's end"
    );
    assert_eq!(there.get("bob", "run-12345678").await.unwrap(), None);
}

#[tokio::test]
async fn an_earlier_status_written_late_does_not_replace_a_later_one() {
    let (sdk, name) = table().await;
    let store = DynamoLiveRuns::new(&sdk, &name);
    let mut run = planned_run("t-2", ["a".to_string()].into_iter());
    run.state = RunState::Succeeded;
    store.put("alice", "run-abcdefgh", 2, &run).await.unwrap();
    let early = planned_run("t-2", ["a".to_string()].into_iter());
    store.put("alice", "run-abcdefgh", 1, &early).await.unwrap();
    assert_eq!(store.get("alice", "run-abcdefgh").await.unwrap(), Some(run));
}
