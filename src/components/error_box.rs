use crate::api::ApiError;
use leptos::prelude::*;

/// An error as users see it: the sentence, and what to do next where there is something.
#[component]
pub fn ErrorBox(error: ApiError) -> impl IntoView {
    let action = match error {
        ApiError::Unauthenticated => {
            Some(view! { <a href="/auth/login" rel="external">"Sign in"</a> }.into_any())
        }
        ApiError::Unavailable(_) | ApiError::Transport(_) | ApiError::TooManyRequests(_) => {
            Some(view! { <span>"Reload the page to try again."</span> }.into_any())
        }
        _ => None,
    };
    view! {
        <div class="error" role="alert">
            <p>{error.to_string()}</p>
            {action}
        </div>
    }
}
