//! Views rendered into a detached node, flushed, then read back.

use conncheck::components::{check_card, config_errors};
use conncheck::state::{CheckRow, RowState};
use conncheck_core::catalog::CheckId;
use conncheck_core::check::{Outcome, Status};
use conncheck_core::checks::CheckData;
use conncheck_core::config::{ConfigError, Source};
use conncheck_core::report::ReportCheck;
use wasm_bindgen_test::*;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct ViewProps {
    html: Html,
}

/// A view as the page renders it: inside a component.
#[component]
fn View(props: &ViewProps) -> Html {
    props.html.clone()
}

async fn render(html: Html) -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<View>::with_root_and_props(root.clone(), ViewProps { html }).render();
    yew::scheduler::flush().await;
    root
}

#[wasm_bindgen_test]
async fn running_check_shows_elapsed_seconds() {
    let row = CheckRow {
        id: CheckId::Websocket,
        state: RowState::Running { since_ms: 1000.0 },
        expected_ms: None,
    };
    let root = render(check_card(&row, 3600.0)).await;
    let card = root
        .query_selector("li[data-check=websocket]")
        .unwrap()
        .unwrap();
    assert_eq!(card.class_name(), "check running");
    assert!(
        card.text_content().unwrap().contains("Running… 2 s"),
        "{:?}",
        card.text_content()
    );
}

#[wasm_bindgen_test]
async fn finished_check_shows_status_summary_and_duration() {
    let check = ReportCheck::new(
        CheckId::SecureContext,
        Outcome {
            status: Status::Fail,
            summary: String::new(),
            data: CheckData::from_json(
                CheckId::SecureContext,
                serde_json::json!({"protocol": "ht<b>tp:</b>", "secure_context": false, "loopback_host": false}),
            ),
        },
        7,
    );
    let row = CheckRow {
        id: CheckId::SecureContext,
        state: RowState::Finished(check),
        expected_ms: None,
    };
    let root = render(check_card(&row, 0.0)).await;
    let card = root.query_selector("li").unwrap().unwrap();
    assert_eq!(card.class_name(), "check fail");
    let text = card.text_content().unwrap();
    assert!(
        text.contains("Secure connection (HTTPS)")
            && text.contains("Fail")
            && text.contains("7 ms"),
        "{text}"
    );
    assert!(
        text.contains("not a secure context"),
        "the summary derived from the data: {text}"
    );
    let observed = card.query_selector("q.observed").unwrap().unwrap();
    assert_eq!(
        observed.text_content().unwrap(),
        "ht<b>tp:</b>",
        "an outside value is text, never markup, and marked"
    );
    assert!(card.query_selector("b").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn config_errors_name_key_and_source() {
    let errors = vec![ConfigError {
        key: "lifetime".into(),
        source: Source::Query,
        message: "must be a whole number".into(),
    }];
    let root = render(config_errors(&errors, false)).await;
    let section = root
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an alert");
    let text = section.text_content().unwrap();
    assert!(
        text.contains("lifetime (from the link): must be a whole number"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn running_lifetime_test_shows_a_progress_bar() {
    let row = CheckRow {
        id: CheckId::ConnectionLifetime,
        state: RowState::Running { since_ms: 0.0 },
        expected_ms: Some(120_000.0),
    };
    let root = render(check_card(&row, 30_000.0)).await;
    let bar = root
        .query_selector("progress")
        .unwrap()
        .expect("a progress bar");
    assert_eq!(bar.get_attribute("max").as_deref(), Some("120000"));
    assert_eq!(bar.get_attribute("value").as_deref(), Some("30000"));
    assert!(root
        .text_content()
        .unwrap()
        .contains("30 s elapsed, 90 s left"));
}
