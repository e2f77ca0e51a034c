//! What the account holds, read through the SDK, for tests that must prove nothing was made
//! twice.

use aws_sdk_iot::Client;
use iot_warden::domain::onboarding::csr_matches_certificate;

/// Every certificate in the account: (id, PEM).
pub async fn certificate_pems(client: &Client) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = client
            .list_certificates()
            .set_marker(marker.clone())
            .page_size(250)
            .send()
            .await
            .expect("list certificates");
        for c in page.certificates() {
            let id = c.certificate_id().unwrap().to_string();
            let d = client
                .describe_certificate()
                .certificate_id(&id)
                .send()
                .await
                .expect("describe certificate");
            let pem = d
                .certificate_description()
                .and_then(|d| d.certificate_pem())
                .unwrap_or("")
                .to_string();
            out.push((id, pem));
        }
        match page.next_marker() {
            Some(m) => marker = Some(m.to_string()),
            None => return out,
        }
    }
}

/// The ids of the certificates that certify `csr`'s key.
pub fn certificates_for(csr: &str, pems: &[(String, String)]) -> Vec<String> {
    pems.iter()
        .filter(|(_, pem)| csr_matches_certificate(csr, pem))
        .map(|(id, _)| id.clone())
        .collect()
}

/// The principal ARNs attached to the thing, sorted.
pub async fn principals(client: &Client, thing: &str) -> Vec<String> {
    let mut out = client
        .list_thing_principals()
        .thing_name(thing)
        .send()
        .await
        .expect("list principals")
        .principals()
        .to_vec();
    out.sort();
    out
}

/// The names of the policies attached to a principal, sorted.
pub async fn policies_of(client: &Client, principal_arn: &str) -> Vec<String> {
    let mut out: Vec<String> = client
        .list_attached_policies()
        .target(principal_arn)
        .send()
        .await
        .expect("list attached policies")
        .policies()
        .iter()
        .filter_map(|p| p.policy_name().map(str::to_string))
        .collect();
    out.sort();
    out
}

/// The names of the thing groups a thing is in, sorted.
pub async fn groups_of(client: &Client, thing: &str) -> Vec<String> {
    let mut out: Vec<String> = client
        .list_thing_groups_for_thing()
        .thing_name(thing)
        .send()
        .await
        .expect("list thing groups for thing")
        .thing_groups()
        .iter()
        .filter_map(|g| g.group_name().map(str::to_string))
        .collect();
    out.sort();
    out
}

/// A policy letting a device connect as its thing name, as the emulator tests attach.
pub const CONNECT_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}"}]}"#;

/// Creates a policy named `name` with [`CONNECT_POLICY`].
pub async fn create_policy(client: &Client, name: &str) {
    client
        .create_policy()
        .policy_name(name)
        .policy_document(CONNECT_POLICY)
        .send()
        .await
        .expect("create policy");
}

/// Creates a thing group named `name`.
pub async fn create_group(client: &Client, name: &str) {
    client
        .create_thing_group()
        .thing_group_name(name)
        .send()
        .await
        .expect("create group");
}

/// The things certificate `id` is attached to (ListPrincipalThings), sorted.
pub async fn things_of_certificate(client: &Client, id: &str) -> Vec<String> {
    let arn = client
        .describe_certificate()
        .certificate_id(id)
        .send()
        .await
        .unwrap()
        .certificate_description()
        .and_then(|d| d.certificate_arn())
        .unwrap()
        .to_string();
    let mut things = client
        .list_principal_things()
        .principal(arn)
        .send()
        .await
        .unwrap()
        .things()
        .to_vec();
    things.sort();
    things
}
