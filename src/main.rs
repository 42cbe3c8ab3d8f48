//! Renders the page into `#app`, replacing the static loading text.

fn main() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<conncheck::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<conncheck::App>::new().render();
        }
    }
}
