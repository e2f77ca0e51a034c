//! Key pairs for the rows without a CSR, made in this browser (EC P-256), with progress; the
//! job gets only their CSRs. The private keys are offered as one zip, which must be saved
//! before the job starts: they exist nowhere else.

use crate::components::browser::{pause, save_file};
use crate::domain::certificates::device_keys::{
    build_csr, bundle_zip, generate_key_pair, KeyKind, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;

/// Keys made so far: thing → (private key PEM, public key PEM, CSR), and whether the zip
/// was saved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MadeKeys {
    pub by_thing: BTreeMap<String, (String, String, String)>,
    pub saved: bool,
}

impl MadeKeys {
    pub fn covers(&self, things: &[String]) -> bool {
        things.iter().all(|t| self.by_thing.contains_key(t))
    }

    pub fn csr_for(&self, thing: &str) -> Option<String> {
        self.by_thing.get(thing).map(|(_, _, csr)| csr.clone())
    }
}

/// Rows made between repaints.
const CHUNK: usize = 10;

#[component]
pub(super) fn KeyMaker(things: Signal<Vec<String>>, keys: RwSignal<MadeKeys>) -> impl IntoView {
    let progress: RwSignal<Option<(usize, usize)>> = RwSignal::new(None);
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let make = move |_| {
        let wanted = things.get_untracked();
        problem.set(None);
        spawn_local(async move {
            let mut made = MadeKeys::default();
            progress.set(Some((0, wanted.len())));
            for (i, thing) in wanted.iter().enumerate() {
                let pair = generate_key_pair(KeyKind::EcP256).and_then(|k| {
                    let csr = build_csr(&k, thing)?;
                    Ok((k.private_key_pem.clone(), k.public_key_pem.clone(), csr))
                });
                match pair {
                    Ok(p) => {
                        made.by_thing.insert(thing.clone(), p);
                    }
                    Err(e) => {
                        progress.set(None);
                        return problem
                            .set(Some(format!("The key for {thing} could not be made: {e}")));
                    }
                }
                if (i + 1) % CHUNK == 0 {
                    progress.set(Some((i + 1, wanted.len())));
                    pause(0).await;
                }
            }
            progress.set(None);
            keys.set(made);
        });
    };
    let download = move |_| {
        let k = keys.get_untracked();
        let mut files = Vec::new();
        for (thing, (private, public, _)) in &k.by_thing {
            files.push((
                format!("{thing}/{PRIVATE_KEY_FILE}"),
                private.as_bytes().to_vec(),
            ));
            files.push((
                format!("{thing}/{PUBLIC_KEY_FILE}"),
                public.as_bytes().to_vec(),
            ));
        }
        match bundle_zip(&files)
            .map_err(|e| e.to_string())
            .and_then(|zip| save_file("device-keys.zip", "application/zip", &zip))
        {
            Ok(()) => keys.update(|k| k.saved = true),
            Err(e) => problem.set(Some(e)),
        }
    };
    view! {
        <section id="keys" aria-live="polite">
            <h2>"Keys"</h2>
            {move || {
                let n = things.get().len();
                let k = keys.get();
                if progress.get().is_some() {
                    let (done, total) = progress.get().unwrap_or_default();
                    view! {
                        <p id="key-progress" role="status">{format!("Making key pairs: {done} of {total}…")}</p>
                        <progress max=total value=done></progress>
                    }.into_any()
                } else if !k.covers(&things.get()) {
                    view! {
                        <p>{format!("{n} row(s) have no CSR: their key pairs (EC P-256) are made in this browser, and only the CSRs are sent.")}</p>
                        <button type="button" id="make-keys" on:click=make>{format!("Make {n} key pair(s)")}</button>
                    }.into_any()
                } else {
                    view! {
                        <p id="keys-ready">{format!("{} key pair(s) made. Download them before starting: they are kept nowhere else.", k.by_thing.len())}</p>
                        <button type="button" id="download-keys" on:click=download>"Download the keys (.zip)"</button>
                        {k.saved.then(|| view! { <span id="keys-saved" class="notice">" Saved."</span> })}
                    }.into_any()
                }
            }}
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
        </section>
    }
    .into_any()
}
