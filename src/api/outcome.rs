//! The one log line of every server function that changes something: who did what to what,
//! and how it ended. (The audit trail is to be written from here too.)

use super::ApiError;
use crate::server::auth::SessionUser;
use crate::server::service_error::ServiceError;

/// What a server function that changes something does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ChangeCertificateStatus,
    RotateCertificate,
    RemoveDevice,
    OnboardDevice,
    StartBulkJob,
    CancelBulkJob,
    ResumeBulkJob,
    CreatePolicyVersion,
    SetDefaultPolicyVersion,
    DeletePolicyVersion,
    CreateOnboardingProfile,
    EditOnboardingProfile,
    DeleteOnboardingProfile,
}

impl Action {
    /// The log line when it is done: "certificate rotated".
    pub fn done(self) -> &'static str {
        match self {
            Action::ChangeCertificateStatus => "certificate status changed",
            Action::RotateCertificate => "certificate rotated",
            Action::RemoveDevice => "device removed",
            Action::OnboardDevice => "device onboarded",
            Action::StartBulkJob => "onboarding job started",
            Action::CancelBulkJob => "onboarding job cancel asked",
            Action::ResumeBulkJob => "onboarding job resumed",
            Action::CreatePolicyVersion => "policy version created",
            Action::SetDefaultPolicyVersion => "policy default version changed",
            Action::DeletePolicyVersion => "policy version deleted",
            Action::CreateOnboardingProfile => "onboarding profile created",
            Action::EditOnboardingProfile => "onboarding profile changed",
            Action::DeleteOnboardingProfile => "onboarding profile deleted",
        }
    }

    /// The log line when it failed, before the error: "certificate not rotated".
    pub fn not_done(self) -> &'static str {
        match self {
            Action::ChangeCertificateStatus => "certificate status not changed",
            Action::RotateCertificate => "certificate not rotated",
            Action::RemoveDevice => "device not fully removed",
            Action::OnboardDevice => "device not onboarded",
            Action::StartBulkJob => "onboarding job not started",
            Action::CancelBulkJob => "onboarding job not cancelled",
            Action::ResumeBulkJob => "onboarding job not resumed",
            Action::CreatePolicyVersion => "policy version not created",
            Action::SetDefaultPolicyVersion => "policy default version not changed",
            Action::DeletePolicyVersion => "policy version not deleted",
            Action::CreateOnboardingProfile => "onboarding profile not created",
            Action::EditOnboardingProfile => "onboarding profile not changed",
            Action::DeleteOnboardingProfile => "onboarding profile not deleted",
        }
    }
}

/// Logs how `action` by `user` on `subject` ended and hands the result on, an error as the
/// browser gets it (with its status code). `subject` is what the user asked to act on, as
/// they named it ("certificate 3f…", "policy P version 2"); `detail` tells what a success
/// made or set ("new certificate 9a…"), `None` when the subject says it all.
pub fn logged<T, E: Into<ServiceError>>(
    user: &SessionUser,
    action: Action,
    subject: &str,
    result: Result<T, E>,
    detail: impl FnOnce(&T) -> Option<String>,
) -> Result<T, ApiError> {
    match result {
        Ok(done) => {
            let detail = detail(&done);
            tracing::info!(user = ?user.username, sub = ?user.subject, ?action, subject, detail = detail.as_deref(), "{}", action.done());
            Ok(done)
        }
        Err(e) => {
            let e = e.into();
            tracing::warn!(user = ?user.username, sub = ?user.subject, ?action, subject, kind = ?e.kind(), "{}: {e}", action.not_done());
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> SessionUser {
        SessionUser {
            subject: "sub-1".into(),
            username: "ada".into(),
            name: None,
            role: None,
            signed_in_at: 0,
        }
    }

    #[test]
    fn the_result_is_handed_on_and_an_error_as_the_browser_gets_it() {
        let done: Result<u32, ServiceError> = Ok(7);
        let seen = logged(
            &user(),
            Action::ResumeBulkJob,
            "onboarding job j",
            done,
            |n| Some(format!("{n} rows")),
        );
        assert_eq!(seen, Ok(7));
        let refused: Result<u32, ServiceError> =
            Err(ServiceError::Invalid("Job j is Finished already.".into()));
        assert_eq!(
            logged(
                &user(),
                Action::CancelBulkJob,
                "onboarding job j",
                refused,
                |_| None
            ),
            Err(ApiError::Invalid("Job j is Finished already.".into()))
        );
        let gone: Result<u32, ServiceError> =
            Err(ServiceError::not_found("There is no onboarding job j."));
        let e = logged(
            &user(),
            Action::CancelBulkJob,
            "onboarding job j",
            gone,
            |_| None,
        )
        .unwrap_err();
        assert_eq!(e.status(), 404);
        assert_eq!(e.to_string(), "There is no onboarding job j.");
    }
}
