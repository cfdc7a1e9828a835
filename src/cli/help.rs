//! The help in the user's language: the Japanese texts of every command and option in one table,
//! put into the clap definition before parsing, and the global options each command does not use.
//!
//! A new command or option adds its Japanese here; a test fails while one is missing.

use std::io::Write;

use clap::Command;

use super::output::{line_columns, width, wrap};

use crate::i18n::Lang;

/// Japanese help. Keys: `""` the program, `"CMD"` a command, `"CMD --long"` an option of it,
/// `"CMD <ID>"` a positional argument, `"--long"` an option of every command (global, or clap's
/// own `--help` and `--version`), `"after-help"` / `"CMD after-help"` the text after the options.
/// Plain words a person reads: 暗証番号 for PINs, no jargon where a plain word will do.
pub const JA: &[(&str, &str)] = &[
    ("", "マイナンバーカードの暗証番号を、ロックさせずに確認・テストします。\n\nmynapin は暗証番号を送る前に毎回、同じ PC/SC トランザクションの中で残り回数を読み、残り1回のときは暗証番号を送りません。"),
    ("after-help", "デモカード（--demo）: 実行のたびに残り回数が引き継がれる、組み込みの仮想マイナンバーカード。\n  暗証番号: auth 1234、sign ABC123、card-info 5678。`mynapin --demo reset-demo` で初期状態に戻ります。\n\n終了コード: 0 成功、1 その他のエラー、2 使い方の誤りまたは暗証番号の形式の誤り、3 暗証番号の誤り、4 送信を拒否（暗証番号は送っていません）、5 ロック中、6 PC/SC サービス・カードリーダー・カードがない、7 マイナンバーカードではない。\n\nMYNAPIN_CARD_TIMEOUT: カードの操作を待つ秒数（既定 30）。"),
    ("--reader", "カードリーダー: 名前、名前の一部（大文字・小文字を区別しない）、または `readers` が表示する番号"),
    ("--json", "結果を JSON で標準出力に1つ出力します（エラーも）"),
    ("--lang", "メッセージの言語（既定は LC_ALL、LC_MESSAGES、LANG から）"),
    ("--verbose", "詳しい情報を標準エラー出力に表示します。-vv で APDU の記録（暗証番号は伏せ字）"),
    ("--demo", "カードリーダーの代わりに組み込みのデモカードを使います"),
    ("--help", "ヘルプを表示します"),
    ("--version", "バージョンを表示します"),
    ("readers", "カードリーダーの一覧: 番号、名前、カードの有無、ATR、カードの種類"),
    ("status", "各暗証番号の残り回数を表示します。回数は減りません"),
    ("status --pin", "どの暗証番号か（暗証番号そのものではありません）"),
    ("status --wait", "カード（とカードリーダー）がないとき、エラーにせずに差し込まれるのを待ちます"),
    ("status --timeout", "--wait で待つ秒数。過ぎたらあきらめます（カードがなければ終了コード 6）"),
    ("verify", "暗証番号をテストします。残り1回のときや残り回数が分からないときは送りません"),
    ("verify --pin", "テストする暗証番号の種類（暗証番号そのものではありません。入力を求めるか、--pin-stdin で読みます）"),
    ("verify --pin-stdin", "暗証番号を、画面に表示しない入力ではなく標準入力から1行で読みます"),
    ("verify --wait", "カード（とカードリーダー）がないとき、エラーにせずに差し込まれるのを待ちます"),
    ("verify --timeout", "--wait で待つ秒数。過ぎたらあきらめます（カードがなければ終了コード 6）"),
    ("change-pin", "暗証番号を変更します。現在の暗証番号の照合が成功した直後にだけ変更し、決して再送しません"),
    ("change-pin --pin", "変更する暗証番号の種類（暗証番号そのものではありません。入力を求めるか、--pin-stdin で読みます）"),
    ("change-pin --pin-stdin", "画面に表示しない入力ではなく標準入力から2行（現在の暗証番号、新しい暗証番号）を読みます"),
    ("change-pin --wait", "カード（とカードリーダー）がないとき、エラーにせずに差し込まれるのを待ちます"),
    ("change-pin --timeout", "--wait で待つ秒数。過ぎたらあきらめます（カードがなければ終了コード 6）"),
    ("check", "医療機関で使えるかを確認します（カード、残り回数、証明書の有効期間と発行元、暗証番号とカードの鍵による署名）"),
    ("check --pin-stdin", "利用者証明用電子証明書の暗証番号を、画面に表示しない入力ではなく標準入力から1行で読みます"),
    ("check --wait", "カード（とカードリーダー）がないとき、エラーにせずに差し込まれるのを待ちます"),
    ("check --timeout", "--wait で待つ秒数。過ぎたらあきらめます（カードがなければ終了コード 6）"),
    ("cert", "カードの証明書を読みます: 項目、PEM または DER。読むだけで、暗証番号は不要です"),
    ("cert --which", "どの証明書か: 利用者証明用（auth）、その認証局（auth-ca）、署名用の認証局（sign-ca）"),
    ("cert --format", "text: サブジェクト、発行者、シリアル番号、有効期間。der と pem: カードから読んだそのままのデータ"),
    ("cert --out", "der または pem の出力を標準出力ではなく FILE に書きます"),
    ("watch", "カードリーダーとカードの抜き差しを、各カードの残り回数とともに Ctrl-C まで表示します"),
    ("reset-demo", "デモカードを初期状態（残り回数すべて）に戻します"),
    ("virtual-card", "vsmartcard-vpcd を通して、本物の PC/SC 環境で仮想マイナンバーカードとして動きます（テスト用）"),
    ("virtual-card --vpcd", "vpcd のアドレス: スロット 0（リーダー `Virtual PCD 00 00`）は 35963、スロット 1 は 35964"),
    ("virtual-card --state", "状態ファイル: 起動時に読み（なければデモカードの状態で作成）、残り回数が変わるたびに保存します。指定しなければメモリ上だけです"),
    ("virtual-card --atr", "見せる ATR（16進数。既定は状態ファイルのもの、3BE000FF8131FE4514）。保存しません"),
    ("virtual-card --log", "APDU と電源の出来事を1行ずつ FILE に追記します（暗証番号は伏せ字）"),
    ("virtual-card --fault", "カードにわざと異常な動きをさせます（下記参照）。繰り返し指定できます"),
    ("virtual-card --reinsert", "取り外しの異常のあと、終了せずにカードを挿し直します（新しい接続）"),
    ("virtual-card after-help", "異常（--fault SPEC、繰り返し可。N は起動してから受け取った APDU の番号で、1 から数えます）:\n  empty-verify-9000        空の VERIFY（00 20 00 80）に 63Cx ではなく 9000 を返す\n  chunk=N                  応答のデータを N バイトまでにし、残りは 61xx + GET RESPONSE で返す\n  strict-le                ファイルの終わりを越える READ BINARY に 6Cxx を返す\n  sw=PREFIX:SW             16進数 PREFIX で始まる APDU に、実行せずに SW（16進4桁）を返す（例: sw=00200080:6983）\n  sw-at=N:SW               N 番目の APDU に、実行せずに SW を返す\n  remove-before=N          N 番目の APDU を実行する前にカードが抜ける（応答なし）\n  remove-after=N           N 番目の APDU を実行した（誤った暗証番号なら回数が減る）後、応答せずに抜ける\n  hang-at=N                N 番目の APDU に応答しない（プロセスは動き続ける）\n  verified-survives-reset  ウォームリセットでは照合済みの状態が残り、電源断でだけ消える\n  expired-certificate      EF 000A に期限切れの証明書（同じ鍵と認証局）を置く: `check` の有効期間の確認が不合格になる\n  wrong-ca                 EF 000B に、EF 000A を発行していない認証局の証明書を置く\n  key-mismatch             証明書と一致しない鍵で署名する\n抜けたカードは vpcd との接続を閉じ、プロセスは終了します（--reinsert なら 0.6 秒後に挿し直します）。カードは暗証番号を表示しません。--log のファイルでも VERIFY と CHANGE のデータは伏せ字です。"),
    ("completions", "シェルの補完スクリプトを出力します"),
    ("completions <shell>", "シェル"),
    ("man", "man ページ（roff 形式）を出力します。すべてのコマンドとオプションを1ページに収めています"),
    ("help", "このヘルプ、または指定したコマンドのヘルプを表示します"),
];

/// Prints what clap made for `--help`, `help`, `--version` or a missing command, to stdout or
/// stderr as clap would, every line wrapped to the terminal's width (80 at most) in either
/// language: clap breaks lines only at spaces, which Japanese has none of.
pub fn print(error: &clap::Error) {
    let text = wrap_help(&error.render().to_string());
    let written = if error.use_stderr() {
        writeln!(std::io::stderr(), "{text}")
    } else {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{text}").and_then(|()| stdout.flush())
    };
    // A closed pipe (`mynapin --help | head`) is no error.
    let _ = written;
}

/// Help text wrapped to [`line_columns`], each line continued under where its text starts: the
/// description of an option or a command (after two or more spaces), else the line's indent.
pub fn wrap_help(help: &str) -> String {
    let columns = line_columns();
    help.trim_end()
        .lines()
        .flat_map(|line| wrap(line, columns, text_column(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where the text of a help line starts: after "  -r, --reader <NAME|INDEX>  " or "  status  ",
/// else after the indent.
fn text_column(line: &str) -> usize {
    let indent = line.len() - line.trim_start().len();
    match line[indent..].find("  ") {
        Some(gap) => {
            let after = &line[indent + gap..];
            width(&line[..indent + gap]) + after.len() - after.trim_start().len()
        }
        None => indent,
    }
}

/// The global options a command does not use: hidden in its help and refused when given
/// (`check_unused_globals`).
pub fn unused_globals(command: &str) -> &'static [&'static str] {
    match command {
        "reset-demo" => &["reader"],
        "virtual-card" => &["reader", "demo"],
        "completions" | "man" => &["reader", "demo", "json"],
        "watch" => &["reader", "demo"],
        _ => &[],
    }
}

fn ja(key: &str) -> Option<&'static str> {
    JA.iter().find(|(k, _)| *k == key).map(|(_, text)| *text)
}

/// The command with its help in `lang`, and without the global options each command does not use.
pub fn localized(mut command: Command, lang: Lang) -> Command {
    // Built first, so that clap's own --help, --version and `help` exist and the global options
    // are copied into every command: each copy is then changed where it is.
    command.build();
    walk(command, "", lang)
}

fn walk(mut command: Command, path: &str, lang: Lang) -> Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        command = command.mut_subcommand(&name, |sub| walk(sub, &sub_path, lang));
    }
    let ids: Vec<String> = command
        .get_arguments()
        .map(|arg| arg.get_id().to_string())
        .collect();
    for id in ids {
        let hide = unused_globals(path).contains(&id.as_str());
        command = command.mut_arg(&id, |arg| {
            let arg = if hide { arg.hide(true) } else { arg };
            match lang {
                Lang::En => arg,
                Lang::Ja => japanese_arg(arg, path),
            }
        });
    }
    if lang == Lang::En {
        return command;
    }
    if let Some(text) = ja(path) {
        let about = text.split("\n\n").next().unwrap_or(text);
        command = command.about(about).long_about(text);
    }
    let after = if path.is_empty() {
        "after-help".to_string()
    } else {
        format!("{path} after-help")
    };
    if let Some(text) = ja(&after) {
        command = command.after_help(text).after_long_help(text);
    }
    command
        .help_template(
            "{before-help}{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}",
        )
        .subcommand_help_heading("コマンド")
}

/// The table's key for an option or positional of the command at `path`.
fn arg_key(arg: &clap::Arg, path: &str) -> String {
    match (arg.get_long(), arg.is_global_set() || path.is_empty()) {
        (Some(long), true) => format!("--{long}"),
        (Some(long), false) => format!("{path} --{long}"),
        (None, _) => format!("{path} <{}>", arg.get_id()),
    }
}

/// The Japanese help of an option; clap's own `--help` in every command has one text.
fn arg_text(arg: &clap::Arg, path: &str) -> Option<&'static str> {
    ja(&arg_key(arg, path)).or_else(|| arg.get_long().and_then(|long| ja(&format!("--{long}"))))
}

fn japanese_arg(arg: clap::Arg, path: &str) -> clap::Arg {
    let Some(text) = arg_text(&arg, path) else {
        return arg;
    };
    // clap writes "[default: …]" and "[possible values: …]" in English: say them here instead.
    let values: Vec<String> = if arg.is_hide_possible_values_set() {
        Vec::new()
    } else {
        arg.get_possible_values()
            .iter()
            .filter(|value| !value.is_hide_set())
            .map(|value| value.get_name().to_string())
            .collect()
    };
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|value| value.to_string_lossy().into_owned())
        .collect();
    let mut text = text.to_string();
    if !values.is_empty() {
        text.push_str(&format!("（{} のいずれか）", values.join("、")));
    }
    // A flag's default (false, 0) is not worth saying; clap does not say it either.
    if !defaults.is_empty() && arg.get_action().takes_values() && !arg.is_hide_default_value_set() {
        text.push_str(&format!("［既定: {}］", defaults.join("、")));
    }
    let heading = if arg.is_positional() {
        "引数"
    } else {
        "オプション"
    };
    arg.help(text)
        .long_help(None::<&str>)
        .hide_possible_values(true)
        .hide_default_value(true)
        .help_heading(heading)
}

#[cfg(test)]
mod tests;
