//! The OIDC relying party: discovery, the authorization URL, and the code exchange with
//! ID-token verification (issuer, audience, signature, expiry with a small leeway, nonce).

use crate::server::config::Config;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, Client, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdToken, IdTokenFields, IssuerUrl, LogoutRequest, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
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
    /// The verified ID token as the IdP sent it: the `id_token_hint` of the sign-out.
    pub id_token: String,
}

/// Sign-in failures. The message is safe to show; details go to the log where they occur.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("The sign-in provider did not answer. Try again in a moment.")]
    ProviderUnavailable,
    #[error("The sign-in attempt expired or was started in another tab. Please sign in again.")]
    StateMismatch,
    /// A fixed sentence: never the IdP's own text, which the redirect lets anyone write.
    #[error("{0}")]
    Refused(&'static str),
    #[error("The sign-in provider's answer could not be verified. Please sign in again.")]
    InvalidToken,
}

pub struct Oidc {
    config: Arc<Config>,
    /// Carries the pending sign-in between login and callback.
    pub pending: super::pending::PendingLoginCookie,
    http: openidconnect::reqwest::Client,
    client: RwLock<Option<Arc<OidcClient>>>,
    /// Where sign-out sends the browser, when the IdP's discovery document names one.
    end_session: RwLock<Option<EndSessionUrl>>,
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
            pending: super::pending::PendingLoginCookie::new(
                &config.cookie_key.0,
                config.is_https(),
            ),
            config,
            http,
            client: RwLock::new(None),
            end_session: RwLock::new(None),
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
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http).await.map_err(|e| {
            tracing::error!(error = %e, issuer = %self.config.oidc_issuer, "OIDC discovery failed");
            AuthError::ProviderUnavailable
        })?;
        let redirect = RedirectUrl::new(self.config.redirect_url())
            .map_err(|_| AuthError::ProviderUnavailable)?;
        *self.end_session.write().await =
            metadata.additional_metadata().end_session_endpoint.clone();
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
                AuthError::Refused(
                    "The sign-in provider did not accept the sign-in. Please sign in again.",
                )
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
            id_token: id_token.to_string(),
        })
    }

    /// Where to send the browser after its session here is gone, so that the IdP's session
    /// ends too (RP-initiated logout, OpenID Connect RP-Initiated Logout 1.0): the IdP's
    /// end-session endpoint with the ID token as hint and the console's root as the way back.
    /// `None` when the IdP advertises no end-session endpoint.
    pub async fn end_session_url(&self, id_token: Option<&str>) -> Option<String> {
        let endpoint = self.end_session.read().await.clone()?;
        let mut back = self.config.public_url.clone();
        back.set_path("/");
        back.set_query(None);
        let mut request = LogoutRequest::from(endpoint)
            .set_client_id(ClientId::new(self.config.oidc_client_id.clone()))
            .set_post_logout_redirect_uri(PostLogoutRedirectUrl::from_url(back));
        if let Some(token) = id_token.and_then(|t| t.parse::<GroupsIdToken>().ok()) {
            request = request.set_id_token_hint(&token);
        }
        Some(request.http_get_url().to_string())
    }
}

type GroupsIdToken = IdToken<
    GroupsClaim,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The sentence for an error code the IdP sent back to the callback (RFC 6749 §4.1.2.1,
/// OpenID Connect Core §3.1.2.6). Only the code picks it: the description is the IdP's text,
/// and anyone can write it into a link to the callback.
pub fn refusal_for(code: &str) -> &'static str {
    match code {
        "access_denied" => "The sign-in was cancelled or refused at the sign-in provider.",
        "login_required"
        | "interaction_required"
        | "consent_required"
        | "account_selection_required" => {
            "The sign-in provider needs you to sign in there first. Sign in again."
        }
        "temporarily_unavailable" | "server_error" => {
            "The sign-in provider is having trouble. Try again in a moment."
        }
        _ => "The sign-in provider refused the sign-in. Ask your administrator if this goes on.",
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
