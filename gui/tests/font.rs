//! Every character the window can show is in the embedded font (a subset made by
//! scripts/gui-font): the library's texts in both languages (docs/messages.md, made from them)
//! and the window's own.

use eframe::egui::{self, FontId};
use mynapin::card::PinKind;
use mynapin::i18n::Lang;
use mynapin::text::FollowUp;
use mynapin_gui::labels;

/// The window's own texts, in `lang`.
fn window_texts(lang: Lang) -> Vec<String> {
    let mut texts: Vec<String> = [
        labels::window_title(lang),
        labels::demo_badge(lang),
        labels::demo_pins(lang),
        labels::use_demo(lang),
        labels::reader(lang),
        labels::updates_by_itself(lang),
        labels::starting(lang),
        labels::reading(lang),
        labels::refresh(lang),
        labels::counters_heading(lang),
        labels::check(lang),
        labels::back(lang),
        labels::send(lang),
        labels::send_change(lang),
        labels::send_check(lang),
        labels::try_again(lang),
        labels::current(lang),
        labels::new(lang),
        labels::new_again(lang),
        labels::new_differs(lang),
        labels::before_pin(lang),
        labels::not_offered(lang),
        labels::check_intro(lang),
        labels::zoom_hint(lang),
        labels::language(lang),
        "日本語 English ✓⚠×→●|—、 0123456789",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    texts.push(labels::typed(12, lang));
    for kind in PinKind::ALL {
        texts.push(labels::test_pin(kind, lang));
        texts.push(labels::change_pin(kind, lang));
        texts.push(labels::pin_field(kind, lang));
        texts.push(labels::follow_up(FollowUp::TestPin(kind), lang));
        texts.push(labels::follow_up(FollowUp::TestNewPin(kind), lang));
    }
    texts.push(labels::follow_up(FollowUp::ReadCounters, lang));
    texts.push(labels::follow_up(FollowUp::ShowCaCertificate, lang));
    texts
}

#[test]
fn every_character_the_window_can_show_is_in_the_embedded_font() {
    let messages = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/messages.md"),
    )
    .expect("docs/messages.md");
    // The library's texts are the "- en:" and "- ja:" lines of part 1 (part 2 is the CLI's).
    let library = messages
        .split("# Part 2")
        .next()
        .expect("part 1")
        .lines()
        .filter_map(|line| {
            line.strip_prefix("- en: ")
                .or_else(|| line.strip_prefix("- ja: "))
        })
        .map(String::from);
    let mut texts: Vec<String> = library.collect();
    assert!(
        texts.len() > 200,
        "docs/messages.md has the library's texts"
    );
    texts.extend(window_texts(Lang::En));
    texts.extend(window_texts(Lang::Ja));

    let ctx = egui::Context::default();
    mynapin_gui::fonts::install(&ctx);
    // Fonts take effect at the next pass.
    let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
    output.textures_delta.clear();
    let font = FontId::proportional(16.0);
    let mut missing: Vec<char> = Vec::new();
    ctx.fonts_mut(|fonts| {
        for text in &texts {
            for c in text.chars() {
                if !fonts.has_glyph(&font, c) && !missing.contains(&c) {
                    missing.push(c);
                }
            }
        }
    });
    assert!(
        missing.is_empty(),
        "not in gui/assets/NotoSansJP-mynapin.otf: {missing:?}; run scripts/gui-font"
    );
}
