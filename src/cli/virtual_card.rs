//! `mynapin virtual-card`: the card model attached to pcscd through vsmartcard-vpcd.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use super::output::{stderr_line, Output};
use super::{CliError, ExitCode};
use crate::card_model::vpcd::{Event, VirtualCard, VpcdError, REINSERT_PAUSE};
use crate::card_model::{CardModel, CheckFault, Faults, Removal, StatusOverride};

/// The fault switches, shown after the options in `--help` (and in docs/testing.md).
const FAULT_HELP: &str = "\
Faults (--fault SPEC, repeatable; N counts the APDUs this card received since it started, from 1):
  empty-verify-9000        the empty VERIFY (00 20 00 80) answers 9000 instead of 63Cx
  chunk=N                  answers carry at most N data bytes, the rest via 61xx + GET RESPONSE
  strict-le                READ BINARY past the end of a file answers 6Cxx instead of what is left
  sw=PREFIX:SW             every APDU starting with the hex bytes PREFIX answers SW (4 hex digits) without running, e.g. sw=00200080:6983
  sw-at=N:SW               the Nth APDU answers SW without running
  remove-before=N          the card leaves the reader before the Nth APDU runs (no answer)
  remove-after=N           the Nth APDU runs (a wrong PIN spends its try), then the card leaves unanswered
  hang-at=N                the Nth APDU is never answered (the process keeps running)
  slow-at=N                the Nth APDU is answered after 5 s (a card slower than the deadline)
  verified-survives-reset  a warm reset keeps verified PINs; only power-off clears them
  expired-certificate      EF 000A holds an expired certificate (same key and CA): `check` fails its validity step
  wrong-ca                 EF 000B holds a CA certificate that did not issue EF 000A
  key-mismatch             the card signs with a key that does not match its certificate
A removed card closes its connection to vpcd; the process then exits, or with --reinsert puts the card back after 0.6 s. The card never prints a PIN: the --log file masks VERIFY and CHANGE data.";

/// Options of `virtual-card`.
#[derive(Debug, clap::Args)]
#[command(after_help = FAULT_HELP)]
pub struct Args {
    /// vpcd's address: slot 0 (reader `Virtual PCD 00 00`) listens on 35963, slot 1 on 35964.
    #[arg(long, default_value = "127.0.0.1:35963", value_name = "HOST:PORT")]
    pub vpcd: String,
    /// State file: loaded at start (created with the demo card's state if missing) and saved after
    /// every APDU that changed a counter or a PIN. Without it the counters live in memory only.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// ATR to present, in hex (default: the state's, 3BE000FF8131FE4514). Not saved.
    #[arg(long, value_name = "HEX", value_parser = parse_atr)]
    pub atr: Option<Atr>,
    /// Append one line per APDU and power event to FILE, flushed at once (PIN bytes masked).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Make the card misbehave (see below). Repeatable.
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    pub faults: Vec<FaultSpec>,
    /// After a removal fault, insert the card again (a new connection) instead of exiting.
    #[arg(long)]
    pub reinsert: bool,
}

/// An ATR given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Atr(Vec<u8>);

/// One `--fault` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultSpec {
    /// `empty-verify-9000`.
    EmptyVerify9000,
    /// `chunk=N`.
    Chunk(u8),
    /// `strict-le`.
    StrictLe,
    /// `sw=PREFIX:SW` and `sw-at=N:SW`.
    Status(StatusOverride),
    /// `remove-before=N`, `remove-after=N`.
    Remove(Removal),
    /// `hang-at=N`.
    HangAt(usize),
    /// `slow-at=N`.
    SlowAt(usize),
    /// `verified-survives-reset`.
    VerifiedSurvivesReset,
    /// `expired-certificate`, `wrong-ca`, `key-mismatch`.
    Check(CheckFault),
}

impl FaultSpec {
    fn apply(&self, faults: &mut Faults) {
        match self {
            FaultSpec::EmptyVerify9000 => faults.empty_verify_answers_9000 = true,
            FaultSpec::Chunk(n) => faults.response_chunk = Some(*n),
            FaultSpec::StrictLe => faults.strict_le = true,
            FaultSpec::Status(status) => faults.status_overrides.push(status.clone()),
            FaultSpec::Remove(removal) => faults.remove = Some(*removal),
            FaultSpec::HangAt(n) => faults.hang_at = Some(*n),
            FaultSpec::SlowAt(n) => faults.slow_at = Some(*n),
            FaultSpec::VerifiedSurvivesReset => faults.verified_survives_reset = true,
            FaultSpec::Check(fault) => faults.check = Some(*fault),
        }
    }
}

fn parse_fault(spec: &str) -> Result<FaultSpec, String> {
    let (name, value) = match spec.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (spec, None),
    };
    let fault = match (name, value) {
        ("empty-verify-9000", None) => FaultSpec::EmptyVerify9000,
        ("strict-le", None) => FaultSpec::StrictLe,
        ("verified-survives-reset", None) => FaultSpec::VerifiedSurvivesReset,
        ("expired-certificate", None) => FaultSpec::Check(CheckFault::ExpiredCertificate),
        ("wrong-ca", None) => FaultSpec::Check(CheckFault::WrongCa),
        ("key-mismatch", None) => FaultSpec::Check(CheckFault::KeyMismatch),
        ("chunk", Some(n)) => FaultSpec::Chunk(
            n.parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("chunk=N needs N from 1 to 255, not {n:?}"))?,
        ),
        ("sw", Some(value)) => {
            let (prefix, sw) = value
                .split_once(':')
                .ok_or("sw=PREFIX:SW needs a colon, e.g. sw=00200080:6983")?;
            let prefix = hex::decode(prefix)
                .ok()
                .filter(|prefix| !prefix.is_empty())
                .ok_or_else(|| format!("sw=PREFIX:SW needs PREFIX as hex bytes, not {prefix:?}"))?;
            FaultSpec::Status(StatusOverride::prefix(&prefix, parse_sw(sw)?))
        }
        ("sw-at", Some(value)) => {
            let (n, sw) = value
                .split_once(':')
                .ok_or("sw-at=N:SW needs a colon, e.g. sw-at=3:6F00")?;
            FaultSpec::Status(StatusOverride::index(parse_index(n)?, parse_sw(sw)?))
        }
        ("remove-before", Some(n)) => FaultSpec::Remove(Removal::BeforeCommand(parse_index(n)?)),
        ("remove-after", Some(n)) => FaultSpec::Remove(Removal::AfterCommand(parse_index(n)?)),
        ("hang-at", Some(n)) => FaultSpec::HangAt(parse_index(n)?),
        ("slow-at", Some(n)) => FaultSpec::SlowAt(parse_index(n)?),
        _ => {
            return Err(format!(
                "unknown fault {spec:?}; see `mynapin virtual-card --help` for the list"
            ))
        }
    };
    Ok(fault)
}

fn parse_index(text: &str) -> Result<usize, String> {
    text.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("APDU numbers start at 1; {text:?} is not one"))
}

fn parse_sw(text: &str) -> Result<u16, String> {
    if text.len() != 4 {
        return Err(format!(
            "a status word is 4 hex digits, e.g. 6983, not {text:?}"
        ));
    }
    u16::from_str_radix(text, 16)
        .map_err(|_| format!("a status word is 4 hex digits, e.g. 6983, not {text:?}"))
}

fn parse_atr(text: &str) -> Result<Atr, String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    match hex::decode(&compact) {
        Ok(bytes) if (2..=33).contains(&bytes.len()) => Ok(Atr(bytes)),
        _ => Err(format!(
            "an ATR is 2 to 33 bytes in hex, e.g. 3BE000FF8131FE4514, not {text:?}"
        )),
    }
}

fn resolve(address: &str) -> Result<SocketAddr, CliError> {
    address
        .to_socket_addrs()
        .ok()
        .and_then(|mut addresses| addresses.next())
        .ok_or_else(|| {
            CliError::usage(
                format!("--vpcd {address:?} is not an address; give HOST:PORT, e.g. 127.0.0.1:35963"),
                format!("--vpcd {address:?} はアドレスではありません。127.0.0.1:35963 のように HOST:PORT で指定してください"),
            )
        })
}

/// Runs the virtual card until it is stopped, or until a removal fault takes it out (without
/// `--reinsert`).
pub fn run(args: &Args, out: &Output) -> Result<ExitCode, CliError> {
    let address = resolve(&args.vpcd)?;
    let mut card = match &args.state {
        Some(path) => VirtualCard::with_state_file(path).map_err(vpcd_error)?,
        None => VirtualCard::new(CardModel::demo()),
    };
    if let Some(Atr(atr)) = &args.atr {
        card.set_atr(atr.clone());
    }
    let faults = card.card_mut().faults_mut();
    for fault in &args.faults {
        fault.apply(faults);
    }
    if let Some(path) = &args.log {
        card.log_to(path).map_err(vpcd_error)?;
    }
    let atr = hex::encode_upper(card.atr());
    let reinsert = args.reinsert;
    // Nothing happens until vpcd (loaded by pcscd) accepts: say where and that it waits.
    stderr_line(&match out.lang {
        crate::i18n::Lang::En => format!(
            "mynapin virtual-card: connecting to vpcd at {address}; waiting until it answers (pcscd with vsmartcard-vpcd must be running; Ctrl-C to stop)"
        ),
        crate::i18n::Lang::Ja => format!(
            "mynapin virtual-card: vpcd（{address}）に接続します。応答するまで待っています（vsmartcard-vpcd を読み込んだ pcscd が動いている必要があります。Ctrl-C で中止）"
        ),
    });
    card.run(address, reinsert, |event| match event {
        Event::Connected(address) => stderr_line(&match out.lang {
            crate::i18n::Lang::En => format!(
                "mynapin virtual-card: ready: card in the vpcd reader at {address}, ATR {atr}"
            ),
            crate::i18n::Lang::Ja => format!(
                "mynapin virtual-card: 準備完了: vpcd ({address}) のリーダーにカードを挿入しました。ATR {atr}"
            ),
        }),
        Event::Lost(error) => {
            log::debug!(
                "vpcd closed the connection ({}); reconnecting",
                error.map_or_else(|| "end of stream".to_string(), |error| error.to_string())
            );
            stderr_line(&match out.lang {
                crate::i18n::Lang::En => format!(
                    "mynapin virtual-card: vpcd at {address} closed the connection; waiting to connect again"
                ),
                crate::i18n::Lang::Ja => format!(
                    "mynapin virtual-card: vpcd（{address}）が接続を閉じました。再接続を待っています"
                ),
            })
        }
        Event::Removed => stderr_line(&format!(
            "mynapin virtual-card: {}",
            if reinsert {
                format!(
                    "{} ({} ms)",
                    out.pick(
                        "the card was removed (fault); inserting it again",
                        "カードを取り外しました（フォールト）。もう一度挿入します",
                    ),
                    REINSERT_PAUSE.as_millis()
                )
            } else {
                out.pick(
                    "the card was removed (fault); exiting",
                    "カードを取り外しました（フォールト）。終了します",
                )
                .to_string()
            }
        )),
    })
    .map_err(vpcd_error)?;
    Ok(ExitCode::Success)
}

fn vpcd_error(error: VpcdError) -> CliError {
    match error {
        VpcdError::State(error) => CliError::DemoState(error),
        VpcdError::Log { path, source } => CliError::Io {
            path: Some(path),
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(specs: &[&str]) -> Faults {
        let mut faults = Faults::default();
        for spec in specs {
            parse_fault(spec).unwrap().apply(&mut faults);
        }
        faults
    }

    #[test]
    fn every_fault_spec_sets_its_switch() {
        let all = faults(&[
            "empty-verify-9000",
            "chunk=16",
            "strict-le",
            "sw=00200080:6983",
            "sw-at=3:6F00",
            "remove-after=10",
            "hang-at=7",
            "verified-survives-reset",
        ]);
        assert!(all.empty_verify_answers_9000);
        assert_eq!(all.response_chunk, Some(16));
        assert!(all.strict_le);
        assert_eq!(
            all.status_overrides,
            [
                StatusOverride::prefix(&[0x00, 0x20, 0x00, 0x80], 0x6983),
                StatusOverride::index(3, 0x6F00)
            ]
        );
        assert_eq!(all.remove, Some(Removal::AfterCommand(10)));
        assert_eq!(all.hang_at, Some(7));
        assert!(all.verified_survives_reset);
        assert!(!all.reset_before_next_transaction);
        for (spec, fault) in [
            ("expired-certificate", CheckFault::ExpiredCertificate),
            ("wrong-ca", CheckFault::WrongCa),
            ("key-mismatch", CheckFault::KeyMismatch),
        ] {
            assert_eq!(faults(&[spec]).check, Some(fault), "{spec}");
        }

        assert_eq!(
            faults(&["remove-before=2"]).remove,
            Some(Removal::BeforeCommand(2))
        );
        let none = faults(&[]);
        assert!(!none.empty_verify_answers_9000 && none.status_overrides.is_empty());
    }

    #[test]
    fn malformed_fault_specs_are_refused_with_the_reason() {
        for (spec, reason) in [
            ("chunk=0", "1 to 255"),
            ("chunk=256", "1 to 255"),
            ("chunk", "unknown fault"),
            ("strict-le=1", "unknown fault"),
            ("sw=00200080", "colon"),
            ("sw=:6983", "PREFIX as hex"),
            ("sw=0020008:6983", "PREFIX as hex"),
            ("sw=00200080:698", "4 hex digits"),
            ("sw=00200080:69G3", "4 hex digits"),
            ("sw-at=0:6F00", "start at 1"),
            ("remove-after=x", "start at 1"),
            ("hang-at=-1", "start at 1"),
            ("explode", "unknown fault"),
        ] {
            let error = parse_fault(spec).unwrap_err();
            assert!(error.contains(reason), "{spec}: {error}");
        }
    }

    #[test]
    fn atrs_are_hex_with_optional_spaces() {
        assert_eq!(
            parse_atr("3B E0 00 FF 81 31 FE 45 14").unwrap(),
            Atr(vec![0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14])
        );
        assert_eq!(parse_atr("3b:00").unwrap(), Atr(vec![0x3B, 0x00]));
        assert!(parse_atr("3B").is_err());
        assert!(parse_atr("3BE").is_err());
        assert!(parse_atr(&"3B".repeat(34)).is_err());
    }

    #[test]
    fn the_vpcd_address_must_resolve() {
        assert_eq!(
            resolve("127.0.0.1:35964").unwrap(),
            "127.0.0.1:35964".parse().unwrap()
        );
        assert!(matches!(resolve("35963"), Err(CliError::Usage { .. })));
    }
}
