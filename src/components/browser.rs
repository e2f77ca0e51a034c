//! What only the browser can do for a page: save bytes as a file, read a chosen file, let the
//! page repaint between chunks of long work, tell the time. Pages call these from event
//! handlers, which run only after hydration; the server build has inert versions.

/// A fresh random id for a run a page starts (the server keys its live status by it).
pub fn random_id(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    // The system (or crypto.getRandomValues) generator; failing is not worth a page error:
    // the id only has to differ from this user's other runs in the last hour.
    let _ = getrandom::fill(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

/// Now, in Unix seconds.
pub fn now_unix() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// Offers `bytes` as a download named `name`.
pub fn save_file(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let fail = |what: &str| format!("The browser could not {what}.");
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(|_| fail("make the file"))?;
        let url =
            web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("offer the file"))?;
        let document = leptos::prelude::document();
        let a: web_sys::HtmlAnchorElement = document
            .create_element("a")
            .map_err(|_| fail("offer the file"))?
            .unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, mime, bytes);
        Err("Files are saved in the browser only.".into())
    }
}

/// The text of the file chosen in the `<input type=file>` that fired `ev`: (name, text), or
/// `None` when the choice was cleared.
pub async fn chosen_file_text(ev: leptos::ev::Event) -> Result<Option<(String, String)>, String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let input: web_sys::HtmlInputElement = leptos::prelude::event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return Ok(None);
        };
        let name = file.name();
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .map_err(|_| format!("The file {name} could not be read."))?;
        let text = text
            .as_string()
            .or_else(|| text.dyn_ref::<js_sys::JsString>().map(String::from))
            .ok_or_else(|| format!("The file {name} is not text."))?;
        Ok(Some((name, text)))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        Err("Files are read in the browser only.".into())
    }
}

/// Waits `ms` milliseconds (0: until the browser has had a turn to repaint and handle input).
pub async fn pause(ms: i32) {
    #[cfg(feature = "hydrate")]
    {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = leptos::prelude::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
    }
}
