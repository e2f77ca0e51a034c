//! Certificates: what a device certificate says about itself, the policy variables AWS IoT
//! fills from it, the certificates list and its status changes, rotation and removal runs,
//! and the key material made in the browser.
//!
//! - `facts`: validity, issuer and key read from a PEM.
//! - `key_algorithm`: a key's algorithm named from its OIDs (one table for all of the above).
//! - `variables`: the certificate policy variables (`iot:Certificate.Subject.…`).
//! - `status`: a certificate's status, AWS's words as one enum.
//! - `listing`: the list's filters, rows and the status changes an admin may make.
//! - `lifecycle`: the steps of a certificate rotation and of a device removal.
//! - `device_keys`: key pairs, CSRs, the key ↔ certificate check and the device bundle.

pub mod device_keys;
pub mod facts;
pub mod key_algorithm;
pub mod lifecycle;
pub mod listing;
pub mod status;
pub mod variables;
