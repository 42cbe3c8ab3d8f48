//! Renders the page into `#app`, replacing the static loading text.

fn main() {
    conncheck_core::json::set_shortest_digits(conncheck::browser::shortest_digits);
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            // textContent, not innerHTML: the deploy CSP enforces Trusted
            // Types, under which any string assigned to innerHTML is refused.
            root.set_text_content(None);
            yew::Renderer::<conncheck::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<conncheck::App>::new().render();
        }
    }
}
