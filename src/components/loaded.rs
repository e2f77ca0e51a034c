use crate::api::ApiError;
use crate::components::{ErrorBox, Loading};
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// A resource's three states, the same on every page: loading, the error sentence, or the
/// data handed to `render`.
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, ApiError>>,
    #[prop(into)] what: String,
    render: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let fallback = move || view! { <Loading what=what.clone()/> };
    view! {
        <Suspense fallback>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => render(data).into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
