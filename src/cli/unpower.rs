//! A card left verified by a process that must exit in the middle of a guarded transaction (the
//! card-timeout watchdog: the transaction is stuck in PC/SC and cannot end) is unpowered by a
//! helper process, once PC/SC lets it: pcscd's own cleanup after the exit is only a warm reset,
//! which some cards survive verified.

use std::sync::OnceLock;
use std::time::Duration;

use apdu::Disposition;

use crate::reader::PcscConnection;

/// Set (to the reader's exact name) in the helper's environment only.
pub const UNPOWER_ENV: &str = "MYNAPIN_INTERNAL_UNPOWER_AFTER_EXIT";

/// How long the helper waits for PC/SC to let it at the card before giving up.
const HELPER_PATIENCE: Duration = Duration::from_secs(60);

/// The PC/SC reader the command opened.
static READER: OnceLock<String> = OnceLock::new();

/// Records the PC/SC reader the command talks to (the demo card needs no helper).
pub fn remember_reader(reader: &str) {
    let _ = READER.set(reader.to_string());
}

/// Starts the helper for the PC/SC reader the command opened, if any (no window, no input, no
/// output), and returns at once.
pub fn unpower_after_exit() {
    let Some(reader) = READER.get() else {
        return;
    };
    let spawned = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .env(UNPOWER_ENV, reader)
            .env_remove("RUST_LOG")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    });
    match spawned {
        Ok(child) => log::debug!("unpower helper started (PID {})", child.id()),
        Err(error) => log::warn!("cannot start the helper that unpowers the card: {error}"),
    }
}

/// The helper: connects to `reader` and disconnects with `SCARD_UNPOWER_CARD`, which PC/SC lets
/// happen only once the exited process's transaction is released. Exit code 0 when the card was
/// unpowered, 1 otherwise (no one reads it).
pub fn run_helper(reader: &str) -> i32 {
    std::thread::spawn(|| {
        std::thread::sleep(HELPER_PATIENCE);
        std::process::exit(1);
    });
    match PcscConnection::open(Some(reader))
        .map(|connection| connection.close(Disposition::Unpower))
    {
        Ok(Ok(())) => 0,
        _ => 1,
    }
}
