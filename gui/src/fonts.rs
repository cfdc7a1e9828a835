//! The one font: Noto Sans CJK JP cut down to the characters mynapin's texts use (assets/, SIL
//! OFL 1.1, made by scripts/gui-font), so Japanese renders the same on every system and in the
//! snapshot tests.

use std::sync::Arc;

use eframe::egui::{Context, FontData, FontDefinitions, FontFamily};

/// The font file, embedded.
pub const NOTO_SANS_JP: &[u8] = include_bytes!("../assets/NotoSansJP-mynapin.otf");

/// Makes the embedded font the only one, for every text.
pub fn install(ctx: &Context) {
    let mut fonts = FontDefinitions::empty();
    fonts.font_data.insert(
        "noto-sans-jp".into(),
        Arc::new(FontData::from_static(NOTO_SANS_JP)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts.families.insert(family, vec!["noto-sans-jp".into()]);
    }
    ctx.set_fonts(fonts);
}
