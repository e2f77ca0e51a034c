//! A device's certificate lifecycle after provisioning: rotating its certificate, and removing
//! the device. The steps each makes, their labels, and what a stopped removal leaves behind.
//! The live status of both runs uses [`LiveRun`], like provisioning, so the page that
//! polls a run shows all three the same way.
//!
//! Certificate ids appear shortened in labels (the first [`SHORT_ID_CHARS`] characters, as
//! the certificates page shows them) and whole in the sentences an admin acts on.

mod removal;
mod rotation;

pub use removal::{
    removal_left_behind, AttachedCertificate, AttachedPrincipal, RemovalAction, RemovalSubject,
};
pub use rotation::{RotationAction, RotationOutcome, RotationSubject};

/// Characters of a certificate id shown in a step label.
pub const SHORT_ID_CHARS: usize = 12;

/// The start of a certificate id, enough to tell certificates apart on one screen.
pub fn short_id(id: &str) -> &str {
    match id.char_indices().nth(SHORT_ID_CHARS) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn short_ids_are_the_first_twelve_characters() {
        assert_eq!(short_id(OLD), "0123456789ab");
        assert_eq!(short_id("abc"), "abc");
    }
}
