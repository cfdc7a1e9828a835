//! The real stack for the end-to-end tests: pcscd with vsmartcard-vpcd (started by
//! `scripts/e2e`), virtual cards as child processes (`mynapin virtual-card`), and `mynapin`
//! commands with a time-out each.

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use mynapin::card_model::CardState;
use serde_json::Value;

/// No mynapin command may take longer: a card or pcscd that hangs fails the test, not CI.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a card may take to show up in pcscd (it polls every 400 ms).
const PRESENCE_TIMEOUT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(50);

/// pcscd checks presence every 400 ms: a card that connects sooner after a removal can take over
/// the slot unseen (docs/testing.md).
const SLOT_REST: Duration = Duration::from_millis(500);

/// The log stays unchanged this long before it counts as settled.
const QUIET: Duration = Duration::from_millis(200);

/// One of vpcd's two slots.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    /// The reader's index in `mynapin readers`.
    pub index: usize,
    /// The reader's name.
    pub reader: &'static str,
    /// vpcd's port for it.
    pub port: u16,
}

/// Slot 0.
pub const SLOT0: Slot = Slot {
    index: 0,
    reader: "Virtual PCD 00 00",
    port: 35963,
};

/// Slot 1.
pub const SLOT1: Slot = Slot {
    index: 1,
    reader: "Virtual PCD 00 01",
    port: 35964,
};

static SERIAL: Mutex<()> = Mutex::new(());

/// The start of every end-to-end test (each is `#[ignore]`d: plain `cargo test` reports it as
/// ignored, `scripts/e2e` runs them with `--ignored`). It takes the process-wide lock (one pcscd,
/// one card per slot: the tests run one at a time even without `--test-threads=1`) and fails
/// unless pcscd lists exactly vpcd's two readers, both empty.
pub fn e2e() -> MutexGuard<'static, ()> {
    let guard = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let readers = readers();
    let names: Vec<&str> = readers
        .iter()
        .map(|reader| reader["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [SLOT0.reader, SLOT1.reader],
        "pcscd must run with vsmartcard-vpcd and no other reader (start it with scripts/pcscd-up)"
    );
    for slot in [SLOT0, SLOT1] {
        wait_until_empty(slot, PRESENCE_TIMEOUT)
            .unwrap_or_else(|error| panic!("{error}; remove that card first"));
    }
    guard
}

/// `mynapin ARGS` in English, without inherited log settings, with [`COMMAND_TIMEOUT`].
pub fn mynapin(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("mynapin").expect("the mynapin binary is built");
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env_remove("RUST_LOG")
        .env_remove("PCSCLITE_CSOCK_NAME")
        .args(args)
        .timeout(COMMAND_TIMEOUT);
    cmd
}

/// What a command printed and its exit code.
#[derive(Debug)]
pub struct Run {
    /// The exit code (a command killed by the time-out fails the test).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {self:?}"))
    }
}

/// Runs `cmd`, feeding `stdin` (empty if `None`).
pub fn run_cmd(cmd: Command, stdin: Option<&str>) -> Run {
    try_run(cmd, stdin).unwrap_or_else(|error| panic!("{error}"))
}

fn try_run(mut cmd: Command, stdin: Option<&str>) -> Result<Run, String> {
    cmd.write_stdin(stdin.unwrap_or_default());
    let output = cmd
        .output()
        .map_err(|error| format!("mynapin did not run: {error}"))?;
    let Some(code) = output.status.code() else {
        return Err(format!(
            "mynapin did not exit by itself (time-out after {COMMAND_TIMEOUT:?}?): {output:?}"
        ));
    };
    Ok(Run {
        code,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// `mynapin ARGS` with `stdin`.
pub fn run(args: &[&str], stdin: Option<&str>) -> Run {
    run_cmd(mynapin(args), stdin)
}

/// The `readers` array of `mynapin readers --json`.
pub fn readers() -> Vec<Value> {
    try_readers().unwrap_or_else(|error| panic!("{error}"))
}

/// Like [`readers`], without panicking (for `Drop`).
fn try_readers() -> Result<Vec<Value>, String> {
    let result = try_run(mynapin(&["readers", "--json"]), None)?;
    if result.code != 0 {
        return Err(format!(
            "mynapin readers failed; is pcscd running (scripts/pcscd-up)? {result:?}"
        ));
    }
    let json: Value = serde_json::from_str(&result.stdout)
        .map_err(|error| format!("not JSON ({error}): {result:?}"))?;
    json["readers"]
        .as_array()
        .cloned()
        .ok_or_else(|| format!("no readers array: {result:?}"))
}

fn wait_until_empty(slot: Slot, timeout: Duration) -> Result<(), String> {
    let start = Instant::now();
    loop {
        let readers = try_readers()?;
        let present = readers
            .get(slot.index)
            .is_some_and(|reader| reader["card_present"] == true);
        if !present {
            return Ok(());
        }
        if start.elapsed() > timeout {
            return Err(format!("a card is still in {}: {readers:?}", slot.reader));
        }
        std::thread::sleep(POLL);
    }
}

/// A `mynapin virtual-card` process in one slot, with its own state and log files. Dropping it
/// kills the process, waits for it, and waits until pcscd saw the slot empty.
pub struct VirtualCard {
    child: Child,
    dir: tempfile::TempDir,
    slot: Slot,
}

impl VirtualCard {
    /// Starts a card with `state` and extra arguments (`--fault …`), without waiting for pcscd.
    pub fn start(slot: Slot, state: &CardState, args: &[&str]) -> VirtualCard {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let state_path = dir.path().join("state.json");
        state.save(&state_path).expect("the state file is written");
        let stderr = std::fs::File::create(dir.path().join("stderr")).expect("stderr file");
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mynapin"))
            .args([
                "virtual-card",
                "--vpcd",
                &format!("127.0.0.1:{}", slot.port),
            ])
            .arg("--state")
            .arg(&state_path)
            .arg("--log")
            .arg(dir.path().join("apdu.log"))
            .args(args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("mynapin virtual-card starts");
        VirtualCard { child, dir, slot }
    }

    /// Starts a card, waits until `mynapin readers` sees a My Number card in its slot (which
    /// sends 3 APDUs: SELECT JPKI, SELECT EF 0006, READ BINARY), and lets it [`settle`](Self::settle).
    pub fn insert(slot: Slot, state: &CardState, args: &[&str]) -> VirtualCard {
        let card = VirtualCard::start(slot, state, args);
        card.wait_present();
        card.settle();
        card
    }

    /// Polls `mynapin readers --json` every 50 ms until the slot holds a My Number card; fails
    /// after 5 s.
    pub fn wait_present(&self) {
        let start = Instant::now();
        loop {
            let readers = readers();
            if readers
                .get(self.slot.index)
                .is_some_and(|reader| reader["card_type"] == "my-number-card")
            {
                return;
            }
            assert!(
                start.elapsed() < PRESENCE_TIMEOUT,
                "the virtual card did not show up in {} within {PRESENCE_TIMEOUT:?}: {readers:?}\nits stderr: {}",
                self.slot.reader,
                self.stderr()
            );
            std::thread::sleep(POLL);
        }
    }

    /// Waits until pcscd powered the idle card down (it does so 0.4–0.8 s after the last client
    /// left) and nothing more happens, so the next command's log starts with its `power-on`.
    pub fn settle(&self) {
        let start = Instant::now();
        let mut last = self.log();
        let mut since = Instant::now();
        loop {
            std::thread::sleep(POLL);
            let now = self.log();
            if now != last {
                last = now;
                since = Instant::now();
            } else if last.last().map(String::as_str) == Some("power-off")
                && since.elapsed() >= QUIET
            {
                return;
            }
            assert!(
                start.elapsed() < PRESENCE_TIMEOUT,
                "pcscd did not power the idle card down within {PRESENCE_TIMEOUT:?}; log: {last:#?}"
            );
        }
    }

    /// The log lines so far (`LogEntry::line` format).
    pub fn log(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("apdu.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The log lines after the first `mark` ones.
    pub fn log_since(&self, mark: usize) -> Vec<String> {
        self.log().split_off(mark)
    }

    /// The card's saved state.
    pub fn state(&self) -> CardState {
        CardState::load(&self.state_path()).expect("the state file loads")
    }

    fn state_path(&self) -> PathBuf {
        self.dir.path().join("state.json")
    }

    /// What the card process wrote on stderr.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr")).unwrap_or_default()
    }

    /// Takes the card out: kills the process and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits until the log has a line that `pred` accepts; fails after 5 s.
    pub fn wait_for_line(&self, pred: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while !self.log().iter().any(|line| pred(line)) {
            assert!(
                start.elapsed() < PRESENCE_TIMEOUT,
                "the awaited line did not come; log: {:#?}",
                self.log()
            );
            std::thread::sleep(POLL);
        }
    }

    /// Waits for the process to exit by itself (after a removal fault); fails after 5 s.
    pub fn wait_exit(&mut self) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                start.elapsed() < PRESENCE_TIMEOUT,
                "the virtual card did not exit; stderr: {}",
                self.stderr()
            );
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let removed = Instant::now();
        // Never panic here: this may run while a failed test unwinds.
        if let Err(error) = wait_until_empty(self.slot, PRESENCE_TIMEOUT) {
            eprintln!("warning: {error}");
        }
        std::thread::sleep(SLOT_REST.saturating_sub(removed.elapsed()));
    }
}

/// Whether `text` says `phrase`, wherever mynapin broke its lines (it wraps to 80 columns, at a
/// space or between Japanese characters): both compared without white space.
pub fn says(text: &str, phrase: &str) -> bool {
    let squeezed = |text: &str| {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    };
    squeezed(text).contains(&squeezed(phrase))
}
