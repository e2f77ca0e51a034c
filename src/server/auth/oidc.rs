//! The OIDC relying party: discovery, the authorization URL, and the code exchange with
//! ID-token verification (issuer, audience, signature, expiry with a small leeway, nonce).

use crate::server::config::Config;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, Client, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields,
    IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    SignatureVerificationError, StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::RwLock;

/// Clock skew tolerated between the IdP and this server when checking `exp`.
const CLOCK_LEEWAY_SECONDS: i64 = 60;

/// The `groups` claim, which carries the user's IdP groups (and through them, the role).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GroupsClaim {
    #[serde(default)]
    groups: Vec<String>,
}
impl AdditionalClaims for GroupsClaim {}

type GroupsTokenResponse = StandardTokenResponse<
    IdTokenFields<
        GroupsClaim,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type OidcClient = Client<
    GroupsClaim,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    GroupsTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What the login started and the callback must check. Kept in the session between the two.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who signed in, as the ID token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub username: String,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

/// Sign-in failures. The message is safe to show; details go to the log where they occur.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("The sign-in provider did not answer. Try again in a moment.")]
    ProviderUnavailable,
    #[error("The sign-in attempt expired or was started in another tab. Please sign in again.")]
    StateMismatch,
    #[error("The sign-in provider refused the sign-in: {0}")]
    Refused(String),
    #[error("The sign-in provider's answer could not be verified. Please sign in again.")]
    InvalidToken,
}

pub struct Oidc {
    config: Arc<Config>,
    http: openidconnect::reqwest::Client,
    client: RwLock<Option<Arc<OidcClient>>>,
}

impl Oidc {
    pub fn new(config: Arc<Config>) -> Self {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would open the token exchange to SSRF (openidconnect's advice).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a TLS backend is compiled in");
        Oidc {
            config,
            http,
            client: RwLock::new(None),
        }
    }

    /// The client built from the provider's discovery document, fetched on first use.
    async fn client(&self) -> Result<Arc<OidcClient>, AuthError> {
        if let Some(c) = self.client.read().await.as_ref() {
            return Ok(c.clone());
        }
        self.rediscover().await
    }

    /// Fetches the discovery document and the signing keys again, e.g. after the provider
    /// rotated its keys and a token names a key we have not seen.
    pub async fn rediscover(&self) -> Result<Arc<OidcClient>, AuthError> {
        let issuer = IssuerUrl::new(
            self.config
                .oidc_issuer
                .as_str()
                .trim_end_matches('/')
                .to_string(),
        )
        .map_err(|_| AuthError::ProviderUnavailable)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(|e| {
            tracing::error!(error = %e, issuer = %self.config.oidc_issuer, "OIDC discovery failed");
            AuthError::ProviderUnavailable
        })?;
        let redirect = RedirectUrl::new(self.config.redirect_url())
            .map_err(|_| AuthError::ProviderUnavailable)?;
        let client: OidcClient = Client::from_provider_metadata(
            metadata,
            ClientId::new(self.config.oidc_client_id.clone()),
            Some(ClientSecret::new(
                self.config.oidc_client_secret.expose().to_string(),
            )),
        )
        .set_redirect_uri(redirect);
        let client = Arc::new(client);
        *self.client.write().await = Some(client.clone());
        Ok(client)
    }

    /// The URL to send the browser to, and what the callback will need to check.
    pub async fn begin(&self) -> Result<(String, PendingLogin), AuthError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("groups".into()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingLogin {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        Ok((url.to_string(), pending))
    }

    /// Exchanges the code and verifies the ID token.
    pub async fn finish(
        &self,
        pending: PendingLogin,
        code: &str,
        state: &str,
    ) -> Result<Identity, AuthError> {
        if !constant_time_eq(pending.state.as_bytes(), state.as_bytes()) {
            return Err(AuthError::StateMismatch);
        }
        let client = self.client().await?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| {
                tracing::error!(error = %e, "provider metadata has no token endpoint");
                AuthError::ProviderUnavailable
            })?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::warn!(error = ?e, "token exchange failed");
                AuthError::Refused("the authorization code was not accepted".into())
            })?;
        let id_token = token.id_token().ok_or_else(|| {
            tracing::warn!("token response has no id_token");
            AuthError::InvalidToken
        })?;
        let nonce = Nonce::new(pending.nonce);
        let verify = |client: &OidcClient| {
            let verifier = client.id_token_verifier().set_time_fn(|| {
                chrono::Utc::now() - chrono::Duration::seconds(CLOCK_LEEWAY_SECONDS)
            });
            id_token.claims(&verifier, &nonce).cloned()
        };
        let claims = match verify(&client) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                tracing::info!(
                    "ID token names an unknown signing key; fetching the provider's keys again"
                );
                verify(&*self.rediscover().await?)
            }
            other => other,
        }
        .map_err(|e| {
            tracing::warn!(error = %e, "ID token verification failed");
            AuthError::InvalidToken
        })?;
        let subject = claims.subject().to_string();
        let username = claims
            .preferred_username()
            .map(|u| u.to_string())
            .or_else(|| claims.email().map(|e| e.to_string()))
            .unwrap_or_else(|| subject.clone());
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string());
        Ok(Identity {
            subject,
            username,
            name,
            groups: claims.additional_claims().groups.clone(),
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
