//! AWS access: narrow traits returning the console's own types (`records`), and their SDK
//! implementations (`sdk`). SDK errors are mapped to [`AwsError`] there and nowhere else.
//!
//! Each trait is what one kind of service work needs, so a service takes only the traits it
//! calls:
//!
//! - [`ThingRegistry`] (`registry`): things, types, groups, a thing's principals. Inventory,
//!   policies (the simulator's device), lifecycle (a device's survey), bulk onboarding.
//! - [`CertificateDirectory`] (`certificates`): certificates and the policies on a
//!   principal. Inventory, certificates, policies, lifecycle, bulk onboarding.
//! - [`PolicyStore`] (`policies`): policies, versions, targets. Policies, bulk onboarding.
//! - [`Principals`] (`principals`): the things a principal is attached to. Certificates,
//!   policies, lifecycle.
//! - [`ShadowReader`] (`shadows`): device shadows. Inventory.
//! - [`Provisioner`] (`provisioning`): the changes that create and remove a device.
//!   Provisioning, lifecycle, certificates (status changes), bulk onboarding.
//! - [`JobStore`] (`job_store`): bulk onboarding jobs, in DynamoDB. Bulk onboarding.
//! - [`ProfileStore`] (`profile_store`): onboarding profiles, in DynamoDB. Onboarding
//!   profiles, provisioning, bulk onboarding.
//! - [`LiveRunStore`] (`live_runs`): live run status shared by replicas, in DynamoDB. The run
//!   board. (Sessions share its table: `DynamoSessions` is tower-sessions' store.)
//!
//! `fake` (tests only) is one in-memory account implementing them all but [`JobStore`], and
//! in-memory onboarding profiles.

mod certificates;
mod error;
#[cfg(test)]
pub(crate) mod fake;
mod job_store;
mod live_runs;
mod policies;
mod principals;
mod profile_store;
mod provisioning;
mod records;
mod registry;
mod sdk;
mod shadows;

pub use certificates::CertificateDirectory;
pub use error::{AwsError, AwsErrorKind};
pub use job_store::{JobRecord, JobStore};
pub use live_runs::LiveRunStore;
pub use policies::PolicyStore;
pub use principals::{certificate_id_of, Principals};
pub use profile_store::{ProfileStore, Saved};
pub use provisioning::{CreatedCertificate, CreatedKeys, CreatedThing, PrivateKeyPem, Provisioner};
pub use records::{
    CertificateListing, CertificateRecord, Page, PolicyRecord, PolicySummary, PolicyVersionRecord,
    ThingFilter, ThingGroupRecord, ThingRecord, ThingTypeRecord, AWS_PAGE_SIZE,
};
pub use registry::ThingRegistry;
pub use sdk::{
    discover_data_endpoint, DynamoJobStore, DynamoLiveRuns, DynamoProfileStore, DynamoSessions,
    SdkIot, SdkShadows,
};
pub use shadows::ShadowReader;
