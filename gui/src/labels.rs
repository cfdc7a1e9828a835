//! The window's own words: titles, buttons and what to click. What the card, the guard and the
//! outcomes say comes from the library's texts (see `texts`), the same as the CLI prints.

use mynapin::card::PinKind;
use mynapin::i18n::Lang;
use mynapin::text::FollowUp;

pub fn window_title(lang: Lang) -> &'static str {
    lang.pick(
        "mynapin: My Number card PIN check",
        "mynapin: マイナンバーカード暗証番号チェック",
    )
}

pub fn demo_badge(lang: Lang) -> &'static str {
    lang.pick(
        "Demo card (practice): not a real card, nothing is sent to a reader",
        "デモカード（練習用）: 本物のカードではありません。カードリーダーには何も送りません",
    )
}

pub fn demo_pins(lang: Lang) -> &'static str {
    lang.pick("The demo card's PINs:", "デモカードの暗証番号:")
}

/// The demo card where the check names the reader.
pub fn demo_card(lang: Lang) -> &'static str {
    lang.pick("demo card", "デモカード")
}

pub fn use_demo(lang: Lang) -> &'static str {
    lang.pick("Practise with the demo card", "デモカードで練習する")
}

pub fn updates_by_itself(lang: Lang) -> &'static str {
    lang.pick(
        "This window updates by itself when a reader or a card is plugged in or taken out.",
        "カードリーダーやカードを接続・取り外すと、この画面は自動で更新されます。",
    )
}

pub fn reader(lang: Lang) -> &'static str {
    lang.pick("Card reader:", "カードリーダー:")
}

pub fn starting(lang: Lang) -> &'static str {
    lang.pick("Looking for card readers…", "カードリーダーを探しています…")
}

pub fn reading(lang: Lang) -> &'static str {
    lang.pick(
        "Reading the card… (do not remove it)",
        "カードを読み取っています…（カードを取り外さないでください）",
    )
}

pub fn refresh(lang: Lang) -> &'static str {
    lang.pick("Read the card again", "カードを読み直す")
}

pub fn counters_heading(lang: Lang) -> &'static str {
    lang.pick(
        "Tries left (reading them spends no try)",
        "残り回数（読み取っても回数は減りません）",
    )
}

pub fn test_pin(kind: PinKind, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}を試す", kind.title(lang)),
        _ => format!("Test the {}", kind.title(lang)),
    }
}

pub fn change_pin(kind: PinKind, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}を変更する", kind.title(lang)),
        _ => format!("Change the {}", kind.title(lang)),
    }
}

pub fn check(lang: Lang) -> &'static str {
    lang.pick(
        "Clinic check: will the card work at the clinic?",
        "医療機関で使えるか確認する",
    )
}

pub fn back(lang: Lang) -> &'static str {
    lang.pick("Back (Esc)", "戻る（Esc）")
}

pub fn send(lang: Lang) -> &'static str {
    lang.pick("Check this PIN (Enter)", "この暗証番号を確認する（Enter）")
}

pub fn send_change(lang: Lang) -> &'static str {
    lang.pick("Change it (Enter)", "変更する（Enter）")
}

pub fn send_check(lang: Lang) -> &'static str {
    lang.pick(
        "Run the PIN step (Enter)",
        "暗証番号の確認を実行する（Enter）",
    )
}

pub fn try_again(lang: Lang) -> &'static str {
    lang.pick("Read the counter again", "残り回数を読み直す")
}

pub fn pin_field(kind: PinKind, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", kind.title(lang), kind.format_hint(lang)),
        _ => format!("{} ({})", kind.title(lang), kind.format_hint(lang)),
    }
}

pub fn current(lang: Lang) -> &'static str {
    lang.pick("Current", "現在の")
}

pub fn new(lang: Lang) -> &'static str {
    lang.pick("New", "新しい")
}

pub fn new_again(lang: Lang) -> &'static str {
    lang.pick("New, again", "新しい（もう一度）")
}

pub fn typed(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{count}文字入力済み"),
        _ => format!("{count} characters typed"),
    }
}

pub fn new_differs(lang: Lang) -> &'static str {
    lang.pick(
        "The two new entries differ. Nothing was sent to the card; type the new one twice the same.",
        "新しい暗証番号が2回の入力で一致しません。カードには何も送っていません。同じものを2回入力してください。",
    )
}

pub fn before_pin(lang: Lang) -> &'static str {
    lang.pick(
        "mynapin reads the counter again just before sending, and sends nothing at one try left.",
        "mynapin は送る直前に残り回数を読み直し、残り1回なら何も送りません。",
    )
}

pub fn not_offered(lang: Lang) -> &'static str {
    lang.pick("Not offered:", "この操作はできません:")
}

pub fn check_intro(lang: Lang) -> &'static str {
    lang.pick(
        "The checks a clinic's reader makes, without the clinic: the card, the counter, the certificate, its issuer, and (with your PIN, guarded) the card's signature.",
        "医療機関のカードリーダーが行う確認を自宅で行います: カード、残り回数、証明書、発行者、そして（暗証番号で、ガード付きで）カードの署名。",
    )
}

pub fn zoom_hint(lang: Lang) -> &'static str {
    lang.pick(
        "Text size: Ctrl + / Ctrl −",
        "文字の大きさ: Ctrl + / Ctrl −",
    )
}

/// The button (or, with none, the sentence) for a library message's next step.
pub fn follow_up(follow_up: FollowUp, lang: Lang) -> String {
    match follow_up {
        FollowUp::ReadCounters => lang
            .pick(
                "Read the counters again before anything else",
                "まず残り回数を読み直す",
            )
            .into(),
        FollowUp::TestPin(kind) => test_pin(kind, lang),
        FollowUp::TestNewPin(kind) => match lang {
            Lang::Ja => format!("新しい{}を試す（残り1回で止まります）", kind.title(lang)),
            _ => format!(
                "Test the NEW {} (it stops at one try left)",
                kind.title(lang)
            ),
        },
        FollowUp::ShowCaCertificate => lang
            .pick(
                "The card's CA certificate can be shown with the command `mynapin cert --ca`.",
                "カード内の認証局証明書は、コマンド `mynapin cert --ca` で表示できます。",
            )
            .into(),
        _ => String::new(),
    }
}

pub fn language(lang: Lang) -> &'static str {
    lang.pick("Language", "言語")
}
