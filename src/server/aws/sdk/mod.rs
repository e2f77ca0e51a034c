//! The SDK implementations of the narrow traits: AWS IoT control plane (`iot`, `policy`,
//! `principals`, `provisioning`), the IoT data plane (`shadow`) and DynamoDB (`job_store`,
//! `profile_store`, and `console_table`: sessions and live run status).

mod console_table;
mod iot;
mod job_store;
mod policy;
mod principals;
mod profile_store;
mod provisioning;
mod shadow;

pub use console_table::{DynamoLiveRuns, DynamoSessions};
pub use iot::SdkIot;
pub use job_store::DynamoJobStore;
pub use profile_store::DynamoProfileStore;
pub use shadow::{discover_data_endpoint, SdkShadows};
