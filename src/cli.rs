//! The command line: argument parsing, the card backend, output in text (Japanese or English) or
//! JSON, and exit codes. The only layer that prints. The contract is in `docs/cli.md`.

mod args;
mod backend;
mod cert;
mod change_pin;
mod check;
mod completions;
mod deadline;
mod demo;
mod error;
mod help;
mod interrupt;
#[cfg(test)]
mod layout_tests;
mod man;
#[cfg(test)]
mod messages;
mod output;
mod pin_input;
mod readers;
mod render;
mod reset_demo;
mod status;
mod terminal;
mod unpower;
mod verify;
mod virtual_card;
mod wait;
mod watch;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::i18n::Lang;
use deadline::Deadline;
pub(crate) use error::{CliError, ExitCode};
use output::Output;

/// The PINs of the built-in demo card, shown in the help text.
const DEMO_HELP: &str = "\
Demo card (--demo): a built-in virtual My Number card whose counters persist between runs.
  PINs: auth 1234, sign ABC123, card-info 5678. `mynapin --demo reset-demo` restores it.

Exit codes: 0 ok, 1 other error, 2 usage error or malformed PIN, 3 wrong PIN, 4 refused (PIN not sent), 5 blocked, 6 no PC/SC service, reader or card, 7 not a My Number card.

MYNAPIN_CARD_TIMEOUT: seconds a card operation may take before mynapin gives up (default 30).";

/// Check and test My Number card PINs without ever causing a lockout.
///
/// mynapin reads a PIN's retry counter before every VERIFY, in the same PC/SC transaction, and
/// refuses to send a PIN when only one try is left.
#[derive(Debug, Parser)]
#[command(name = "mynapin", version = env!("MYNAPIN_VERSION_LINE"), after_help = DEMO_HELP)]
pub(crate) struct Cli {
    /// Reader: exact name, case-insensitive part of the name, or the index `readers` prints.
    #[arg(short, long, global = true, value_name = "NAME|INDEX")]
    reader: Option<String>,
    /// Print one JSON document on stdout (errors too).
    #[arg(long, global = true)]
    json: bool,
    /// Language of messages (default from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, global = true, value_enum, ignore_case = true)]
    lang: Option<LangArg>,
    /// More detail on stderr; -vv shows the APDU trace with PIN bytes masked.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Use the built-in demo card instead of a reader.
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Ja,
    En,
}

/// Which PINs `status` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PinChoice {
    Auth,
    Sign,
    CardInfo,
    All,
}

/// The one PIN `verify` checks or `change-pin` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PinArg {
    /// User-authentication PIN (利用者証明用電子証明書の暗証番号): 4 digits, 3 tries.
    Auth,
    /// Signature password (署名用電子証明書のパスワード): 6-16 characters of A-Z and 0-9 with at
    /// least one letter and one digit (英大文字と数字を両方含む6～16文字); lower case is
    /// upper-cased. 5 tries.
    Sign,
    /// Card-info input support PIN (券面事項入力補助用の暗証番号): 4 digits, 3 tries.
    CardInfo,
}

impl From<PinArg> for crate::jpki::PinKind {
    fn from(arg: PinArg) -> Self {
        match arg {
            PinArg::Auth => crate::jpki::PinKind::Auth,
            PinArg::Sign => crate::jpki::PinKind::Sign,
            PinArg::CardInfo => crate::jpki::PinKind::CardInfo,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List readers: index, name, card present, ATR and card type.
    Readers,
    /// Show how many tries each PIN has left. Spends no try.
    Status {
        /// Which PIN (never the PIN itself).
        #[arg(long, value_enum, value_name = "KIND", default_value = "all")]
        pin: PinChoice,
        #[command(flatten)]
        wait: args::WaitArgs,
    },
    /// Test a PIN, guarded: refused when only one try is left or the counter is unknown.
    Verify {
        /// Which PIN to test (never the PIN itself: it is asked for, or read with --pin-stdin).
        #[arg(long, value_enum, value_name = "KIND", default_value = "auth")]
        pin: PinArg,
        /// Read the PIN as one line on stdin instead of asking for it (on a terminal it is still
        /// read hidden).
        #[arg(long)]
        pin_stdin: bool,
        #[command(flatten)]
        wait: args::WaitArgs,
    },
    /// Change a PIN, guarded: refused when only one try is left or the counter is unknown; the
    /// new PIN goes only right after the current one was accepted, in the same transaction.
    ChangePin {
        /// Which PIN to change (never the PIN itself: both are asked for, or read with --pin-stdin).
        #[arg(long, value_enum, value_name = "KIND", default_value = "auth")]
        pin: PinArg,
        /// Read two lines on stdin, the current PIN then the new one, instead of hidden prompts.
        #[arg(long)]
        pin_stdin: bool,
        #[command(flatten)]
        wait: args::WaitArgs,
    },
    /// Would the card work with its PIN at the clinic? Card, counter, certificate and its CA,
    /// then the PIN (guarded) and a signature with the card's key. Exit 0 only if all passed.
    Check {
        /// Read the auth PIN as one line on stdin instead of a hidden prompt on the terminal.
        #[arg(long)]
        pin_stdin: bool,
        #[command(flatten)]
        wait: args::WaitArgs,
    },
    /// Read a certificate from the card: fields, PEM or DER. Read-only; needs no PIN.
    Cert(cert::Args),
    /// Show readers and cards as they come and go, with each card's counters, until Ctrl-C.
    Watch,
    /// Restore the demo card to its first state (all tries left).
    ResetDemo,
    /// Be a virtual My Number card on the real PC/SC stack through vsmartcard-vpcd.
    VirtualCard(virtual_card::Args),
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): every command and option in one page.
    Man,
}

/// Parses the arguments, runs the command, prints the result and returns the exit code.
pub fn main() -> i32 {
    if let Some(reader) = std::env::var_os(unpower::UNPOWER_ENV) {
        return unpower::run_helper(&reader.to_string_lossy());
    }
    // Arguments may be anything, even invalid UTF-8: look at them as OsStr only.
    let args = help_flag_of_help(std::env::args_os().collect());
    // The language is needed before parsing: the help and clap's errors are in it.
    let lang = lang_from_args(&args).unwrap_or_else(Lang::from_env);
    // Usage lines say `mynapin` on every platform, not the file name (`mynapin.exe` on Windows).
    let parsed = help::localized(Cli::command().bin_name("mynapin"), lang)
        .try_get_matches_from(&args)
        .and_then(|matches| {
            let cli = Cli::from_arg_matches(&matches)?;
            Ok((
                cli,
                matches.subcommand_name().unwrap_or_default().to_string(),
            ))
        });
    let (cli, command_name) = match parsed {
        Ok(parsed) => parsed,
        Err(error) if !error.use_stderr() => {
            // --help and --version.
            help::print(&error);
            return ExitCode::Success as i32;
        }
        Err(error) => {
            let json = args.iter().any(|arg| arg == "--json");
            if !json
                && error.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                help::print(&error);
            } else {
                // The first argument that names a command (never a value: it may be a PIN).
                let command = Cli::command();
                let named = args.iter().skip(1).find_map(|arg| {
                    command
                        .get_subcommands()
                        .map(|sub| sub.get_name())
                        .find(|name| arg == name)
                });
                Output::new(json, lang).error(&error::usage_error(&error, named));
            }
            return ExitCode::Usage as i32;
        }
    };
    init_logging(cli.verbose);
    let lang = match cli.lang {
        Some(LangArg::Ja) => Lang::Ja,
        Some(LangArg::En) => Lang::En,
        None => lang,
    };
    let out = Output::new(cli.json, lang);
    if let Err(error) = check_unused_globals(&cli, &command_name).and_then(|()| check_reader(&cli))
    {
        out.error(&error);
        return error.exit_code() as i32;
    }
    // A command that talks to a card gets its options, and with them the deadline every card
    // operation runs under: there is no other way to reach a card.
    let card = |wait: args::WaitArgs| -> Result<args::Options, CliError> {
        Ok(args::Options {
            reader: cli.reader.clone(),
            demo: cli.demo,
            wait,
            deadline: Deadline::install(deadline::timeout_from_env()?, &out),
        })
    };
    let no_wait = args::WaitArgs::default;
    let result = match cli.command {
        Command::Readers => card(no_wait()).and_then(|card| readers::run(&card, &out)),
        Command::Status { pin, wait } => card(wait).and_then(|card| status::run(&card, &out, pin)),
        Command::Verify {
            pin,
            pin_stdin,
            wait,
        } => card(wait).and_then(|card| verify::run(&card, &out, pin.into(), pin_stdin)),
        Command::ChangePin {
            pin,
            pin_stdin,
            wait,
        } => card(wait).and_then(|card| change_pin::run(&card, &out, pin.into(), pin_stdin)),
        Command::Check { pin_stdin, wait } => {
            card(wait).and_then(|card| check::run(&card, &out, pin_stdin))
        }
        Command::Cert(args) => card(no_wait()).and_then(|card| cert::run(&card, &out, &args)),
        Command::Watch => card(no_wait()).and_then(|card| watch::run(&card, &out)),
        Command::ResetDemo => reset_demo::run(&out),
        Command::VirtualCard(args) => virtual_card::run(&args, &out),
        Command::Completions { shell } => completions::run(shell),
        Command::Man => man::run(lang),
    };
    match result {
        Ok(code) => code as i32,
        Err(error) => {
            interrupt::answer(|| out.error(&error));
            error.exit_code() as i32
        }
    }
}

/// `mynapin help --help` (or `-h`) is the help: clap's `help` command takes every word after it
/// as a command's name.
fn help_flag_of_help(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut iter = args.iter().enumerate().skip(1);
    let mut command = None;
    while let Some((at, arg)) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == "--reader" || arg == "-r" || arg == "--lang" {
            iter.next();
        } else if !arg.to_string_lossy().starts_with('-') {
            command = Some(at);
            break;
        }
    }
    if let Some(at) = command.filter(|at| args[*at] == "help") {
        let mut index = 0;
        args.retain(|arg| {
            index += 1;
            index <= at + 1 || (arg != "--help" && arg != "-h")
        });
    }
    args
}

/// `--lang` as given (the last one wins, any case, `--lang X` or `--lang=X`), before parsing.
fn lang_from_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let mut lang = None;
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = if arg == "--lang" {
            iter.next().and_then(|value| value.to_str())
        } else {
            arg.to_str().and_then(|arg| arg.strip_prefix("--lang="))
        };
        match value.map(str::to_ascii_lowercase).as_deref() {
            Some("ja") => lang = Some(Lang::Ja),
            Some("en") => lang = Some(Lang::En),
            _ => {}
        }
    }
    lang
}

/// Refuses a global option the command does not use (its help does not show it either), so that
/// nothing is silently ignored. `watch` says it in its own words; `completions` prints the same
/// text whatever is given.
fn check_unused_globals(cli: &Cli, command: &str) -> Result<(), CliError> {
    if matches!(command, "watch" | "completions" | "man") {
        return Ok(());
    }
    let unused = help::unused_globals(command);
    for (id, given) in [
        ("reader", cli.reader.is_some()),
        ("demo", cli.demo),
        ("json", cli.json),
    ] {
        if given && unused.contains(&id) {
            return Err(CliError::usage(
                format!("--{id} does nothing for `{command}`; drop it. See `mynapin {command} --help`."),
                format!("--{id} は `{command}` では使いません。外してください。`mynapin {command} --help` を参照してください。"),
            ));
        }
    }
    Ok(())
}

/// The longest `--reader` accepted: PC/SC reader names are at most 128 bytes (pcsc-lite's
/// `MAX_READERNAME`), and an index is shorter.
const MAX_READER_ARG: usize = 256;

/// Checks `--reader` before anything is sent.
fn check_reader(cli: &Cli) -> Result<(), CliError> {
    if let Some(reader) = &cli.reader {
        if reader.trim().is_empty() {
            return Err(CliError::usage(
                "--reader is empty. Give a reader's name, part of its name, or its number from `mynapin readers`.",
                "--reader が空です。リーダーの名前、名前の一部、または `mynapin readers` が表示する番号を指定してください。",
            ));
        }
        if reader.len() > MAX_READER_ARG {
            return Err(CliError::usage(
                format!("--reader is longer than {MAX_READER_ARG} bytes; no reader has such a name. Give a reader's name, part of its name, or its number from `mynapin readers`."),
                format!("--reader が {MAX_READER_ARG} バイトを超えています（そのような名前のリーダーはありません）。リーダーの名前、名前の一部、または `mynapin readers` が表示する番号を指定してください。"),
            ));
        }
    }
    Ok(())
}

/// `-v` shows info, `-vv` the APDU trace (debug); `RUST_LOG` overrides.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let env = env_logger::Env::default().default_filter_or(level);
    let _ = env_logger::Builder::from_env(env)
        .format_timestamp(None)
        .try_init();
}
