//! Moderation from outside: who may flag, hide and read the queue; what a hidden note leaves
//! of itself on every page and API for others and for its author; the queue.

mod access;
mod hiding;
mod queue;

use crate::support::*;
use gloss::AppState;
use serde_json::json;

/// An essay with a public note by `author`, a private one, and a reply to the public one by
/// `other`; a third reader, `flagger`, and an editor.
struct World {
    state: AppState,
    router: axum::Router,
    author: String,
    other: String,
    flagger: String,
    editor: String,
    /// The author's public note, a reply to it by `other`, and the author's private note.
    note: String,
    reply: String,
    private: String,
}

const NOTE_TEXT: &str = "A remark the moderators will weigh";
const REPLY_TEXT: &str = "An answer that goes with it";

async fn world() -> World {
    let (state, router) = app().await;
    let author = reader_token(&router, "author").await;
    let other = reader_token(&router, "other").await;
    let flagger = reader_token(&router, "flagger").await;
    let editor = editor_token(&state, &router, "editor").await;
    let note = id_of(&create(&router, &author, &comment("Why not?", NOTE_TEXT)).await);
    let answer = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "replying",
        "body": [{"type": "TextualBody", "value": REPLY_TEXT, "format": "text/markdown"}],
        "target": format!("http://gloss.test/annotations/{note}"),
    });
    let reply = id_of(&create(&router, &other, &answer).await);
    let mut secret = comment("Let me back up and explain.", "Only for me.");
    secret["visibility"] = json!("private");
    let private = id_of(&create(&router, &author, &secret).await);
    World {
        state,
        router,
        author,
        other,
        flagger,
        editor,
        note,
        reply,
        private,
    }
}

impl World {
    /// The status of `method path` as `who` (a token, or anonymous), with a JSON body.
    async fn status(
        &self,
        method: &str,
        path: &str,
        who: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> u16 {
        self.send(method, path, who, body).await.status.as_u16()
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        who: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Reply {
        let mut headers = vec![("accept", "application/json")];
        if let Some(token) = who {
            headers.push(("authorization", token));
        }
        send(&self.router, method, path, &headers, body).await
    }

    async fn flag(&self, note: &str, who: Option<&str>) -> Reply {
        let reason = json!({"reason": "It insults another reader."});
        self.send(
            "POST",
            &format!("/annotations/{note}/flags"),
            who,
            Some(&reason),
        )
        .await
    }

    async fn hide(&self, note: &str, hidden: bool, who: Option<&str>) -> u16 {
        let method = if hidden { "POST" } else { "DELETE" };
        self.status(method, &format!("/annotations/{note}/hidden"), who, None)
            .await
    }
}

/// Logs in through the page and returns the Cookie header a browser would then send, and the
/// session's CSRF token.
async fn log_in(router: &axum::Router, name: &str) -> (String, String) {
    let page = get_html(router, "/login").await;
    let csrf = cookie_value(&cookies(&page.headers), "gloss_csrf");
    let form = format!(
        "username={name}&password={}&csrf={csrf}",
        PASSWORD.replace(' ', "+")
    );
    let reply = post_form(router, "/login", &format!("gloss_csrf={csrf}"), &form).await;
    let set = cookies(&reply.headers);
    let session = cookie_value(&set, "gloss_session");
    let session_csrf = cookie_value(&set, "gloss_csrf");
    (
        format!("gloss_session={session}; gloss_csrf={session_csrf}"),
        session_csrf,
    )
}
