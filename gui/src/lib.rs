//! mynapin-gui: the desktop window over the mynapin library, for people who never open a
//! terminal. The same guard, card model and texts as the `mynapin` command; see docs/gui.md.
#![forbid(unsafe_code)]

pub mod app;
pub mod args;
pub mod fonts;
pub mod labels;
mod pin_entry;
mod screens;
pub mod secret;
mod widgets;
pub mod worker;

use eframe::egui;
use mynapin::card_model::CardState;
use mynapin::i18n::Lang;

pub use app::App;
pub use args::Args;
use worker::{SharedModel, Source};

/// The window's icon (also embedded in the Windows executable by build.rs).
const ICON_PNG: &[u8] = include_bytes!("../assets/icon.png");

/// Opens the window and runs until it is closed.
pub fn run(args: Args) -> eframe::Result {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(labels::window_title(lang))
        .with_app_id("mynapin-gui")
        .with_inner_size([900.0, 700.0])
        .with_min_inner_size([520.0, 400.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "mynapin-gui",
        options,
        Box::new(move |cc| {
            let source = if args.demo {
                Source::Model(SharedModel::new(CardState::demo()))
            } else {
                Source::Readers
            };
            let app = App::new(&cc.egui_ctx, source, lang);
            app.restore_zoom(cc.storage);
            Ok(Box::new(app))
        }),
    )
}
