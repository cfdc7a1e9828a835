//! The PIN typed on a terminal (issue 16 items 3 and 4): `verify` with stdin a pseudo-terminal,
//! with and without `--pin-stdin`. The terminal must not echo the PIN, and the prompt must read it
//! from the terminal on stdin. Unix only: the test drives a pty from its master side.
#![cfg(unix)]

#[path = "support/demo.rs"]
mod demo;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::pty::openpty;
use nix::sys::termios::{tcgetattr, tcsetattr, LocalFlags, SetArg, SpecialCharacterIndices};

use demo::{english, says, Demo};

/// Longest a test waits for mynapin to turn the terminal's echo off before typing anyway (then
/// the assertion on the echo decides).
const ECHO_OFF_WAIT: Duration = Duration::from_secs(10);

/// Runs `mynapin --demo verify ARGS --json` on a new pty, types `typed` and Enter once the
/// terminal's echo is off (or after [`ECHO_OFF_WAIT`]), and returns what the terminal showed,
/// mynapin's stdout and stderr, and its exit code.
fn verify_on_a_terminal(demo: &Demo, args: &[&str], typed: &str) -> (String, String, String, i32) {
    // Any prompt: the first line is typed as soon as the echo is off.
    type_at_the_prompt(demo, args, "", &[typed])
}

#[test]
fn pin_stdin_on_a_terminal_is_read_without_echo() {
    for pin in ["1234", "9999"] {
        let demo = Demo::new();
        let (shown, stdout, stderr, code) =
            verify_on_a_terminal(&demo, &["--pin", "auth", "--pin-stdin"], pin);
        assert!(
            !shown.contains(pin),
            "the terminal showed the PIN: {shown:?}"
        );
        assert!(!stderr.contains(pin), "{stderr}");
        let expected = if pin == "1234" {
            (0, "verified")
        } else {
            (3, "wrong-pin")
        };
        assert_eq!(code, expected.0, "{stdout} {stderr}");
        assert!(stdout.contains(expected.1), "{stdout}");
    }
}

#[test]
fn the_hidden_prompt_reads_the_terminal_on_stdin_without_echo() {
    let demo = Demo::new();
    // A signature password longer than 8 characters, lower case: upper-cased.
    let (shown, stdout, stderr, code) = verify_on_a_terminal(&demo, &["--pin", "sign"], "abc123");
    assert!(!shown.to_uppercase().contains("ABC123"), "{shown:?}");
    assert!(!stderr.to_uppercase().contains("ABC123"), "{stderr}");
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert!(stdout.contains("verified"), "{stdout}");
    let demo = Demo::new();
    let (shown, stdout, stderr, code) =
        verify_on_a_terminal(&demo, &["--pin", "sign"], "WRONGPASSWORD123");
    assert!(!shown.contains("WRONGPASSWORD123"), "{shown:?}");
    assert_eq!(code, 3, "{stdout} {stderr}");
}

/// Runs `mynapin --demo verify --json ARGS` on a pty that is its controlling terminal (util-linux
/// `setsid --ctty`, so the prompt goes to that terminal as it does for a person) and types `lines`
/// one by one, each once the prompt (ending in `prompt_end`) has been shown for it, with the echo
/// off. Returns what the terminal showed, stdout, stderr and the exit code.
fn type_at_the_prompt(
    demo: &Demo,
    args: &[&str],
    prompt_end: &str,
    lines: &[&str],
) -> (String, String, String, i32) {
    let mut full = vec!["verify", "--json"];
    full.extend_from_slice(args);
    let mut terminal = OnATerminal::start(demo, &full);
    for (index, line) in lines.iter().enumerate() {
        terminal.wait_for_prompt(prompt_end, index + 1);
        terminal.type_line(line);
    }
    let ended = terminal.end();
    (ended.shown, ended.stdout, ended.stderr, ended.code)
}

/// `mynapin --demo ARGS` running on a pty that is its controlling terminal.
struct OnATerminal {
    /// `None` once ended; killed on drop if still running (a failed assertion must not leave a
    /// mynapin waiting on its terminal).
    child: Option<std::process::Child>,
    master: std::fs::File,
    /// `None` once ended.
    slave: Option<std::fs::File>,
    shown: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    /// Reads what the terminal shows until its other side is closed; joined at the end.
    reader: Option<std::thread::JoinHandle<()>>,
}

/// How a run on a terminal ended.
#[derive(Debug)]
struct Ended {
    /// What the terminal showed.
    shown: String,
    stdout: String,
    stderr: String,
    code: i32,
    /// Whether the terminal echoes after mynapin ended.
    echo_after: bool,
    /// What was typed and left unread in the terminal when mynapin ended (it would go to the
    /// shell).
    left_unread: String,
}

impl OnATerminal {
    fn start(demo: &Demo, args: &[&str]) -> Self {
        use std::sync::{Arc, Mutex};
        let pty = openpty(None, None).expect("a pty");
        let master = std::fs::File::from(pty.master);
        let slave = std::fs::File::from(pty.slave);
        let mut cmd = Command::new("setsid");
        cmd.args(["--wait", "--ctty"])
            .arg(assert_cmd::cargo::cargo_bin("mynapin"));
        english(&mut cmd)
            .env("MYNAPIN_DEMO_STATE", demo.state())
            .env("MYNAPIN_DEMO_APDU_LOG", demo.apdu_log())
            .arg("--demo")
            .args(args)
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = cmd.spawn().expect("mynapin starts");
        drop(cmd);
        let shown = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let shown = Arc::clone(&shown);
            let mut master = master.try_clone().expect("dup");
            std::thread::spawn(move || {
                let mut buffer = [0u8; 256];
                while let Ok(n @ 1..) = master.read(&mut buffer) {
                    shown.lock().unwrap().extend_from_slice(&buffer[..n]);
                }
            })
        };
        OnATerminal {
            child: Some(child),
            master,
            slave: Some(slave),
            shown,
            reader: Some(reader),
        }
    }

    fn shown(&self) -> String {
        String::from_utf8_lossy(&self.shown.lock().unwrap()).into_owned()
    }

    fn slave(&self) -> &std::fs::File {
        self.slave.as_ref().expect("not ended yet")
    }

    fn echo_on(&self) -> bool {
        tcgetattr(self.slave())
            .expect("tcgetattr")
            .local_flags
            .contains(LocalFlags::ECHO)
    }

    /// Waits until the terminal showed `prompt_end` `count` times and its echo is off (or
    /// [`ECHO_OFF_WAIT`] passed, or mynapin ended).
    fn wait_for_prompt(&mut self, prompt_end: &str, count: usize) {
        self.wait_until(|terminal| {
            terminal.shown().matches(prompt_end).count() >= count && !terminal.echo_on()
        });
    }

    /// Waits until `done` (or [`ECHO_OFF_WAIT`] passed, or mynapin ended).
    fn wait_until(&mut self, done: impl Fn(&Self) -> bool) {
        let start = Instant::now();
        while !done(self) && start.elapsed() < ECHO_OFF_WAIT && self.child_running() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `text` (a control character too: Ctrl-C is "\u{3}").
    fn type_text(&mut self, text: &str) {
        self.master.write_all(text.as_bytes()).expect("typed");
    }

    fn type_line(&mut self, line: &str) {
        self.type_text(&format!("{line}\n"));
    }

    fn child_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| child.try_wait().expect("try_wait").is_none())
    }

    /// Sends `signal` (`STOP`, `CONT`) to mynapin (`setsid` execs it: same process).
    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("running").id();
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal}");
    }

    fn end(mut self) -> Ended {
        let child = self.child.take().expect("not ended yet");
        let output = child.wait_with_output().expect("mynapin ends");
        let slave = self.slave();
        let echo_after = tcgetattr(slave)
            .expect("tcgetattr")
            .local_flags
            .contains(LocalFlags::ECHO);
        // What is left in the terminal's input queue: read it without waiting.
        let mut raw = tcgetattr(slave).expect("tcgetattr");
        raw.local_flags.remove(LocalFlags::ICANON);
        raw.control_chars[SpecialCharacterIndices::VMIN as usize] = 0;
        raw.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
        tcsetattr(slave, SetArg::TCSANOW, &raw).expect("tcsetattr");
        let mut left = Vec::new();
        let mut buffer = [0u8; 256];
        let mut slave_reader = slave;
        while let Ok(n @ 1..) = slave_reader.read(&mut buffer) {
            left.extend_from_slice(&buffer[..n]);
        }
        // Everything the terminal showed: the reader ends once no one holds its other side.
        self.slave = None;
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader ends");
        }
        let shown = self.shown();
        Ended {
            shown,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
            echo_after,
            left_unread: String::from_utf8_lossy(&left).into_owned(),
        }
    }
}

impl Drop for OnATerminal {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// VERIFY commands with data that reached the demo card.
fn verifies_sent(demo: &Demo) -> usize {
    demo.log_lines()
        .iter()
        .filter(|line| line.starts_with("0020008004"))
        .count()
}

#[test]
fn a_malformed_pin_at_the_prompt_is_asked_for_again_saying_what_is_wrong() {
    let demo = Demo::new();
    let (shown, stdout, stderr, code) = type_at_the_prompt(
        &demo,
        &[],
        "not shown as you type): ",
        &["１２３４", "1234"],
    );
    assert_eq!(code, 0, "{shown:?} {stdout} {stderr}");
    assert!(stdout.contains("verified"), "{stdout}");
    assert!(shown.contains("full-width"), "{shown:?}");
    assert!(shown.contains("Type it again."), "{shown:?}");
    assert_eq!(
        shown.matches("not shown as you type): ").count(),
        2,
        "{shown:?}"
    );
    assert!(
        !shown.contains("1234") && !shown.contains("１２３４"),
        "{shown:?}"
    );
    assert_eq!(verifies_sent(&demo), 1);

    let demo = Demo::new();
    let (shown, stdout, _, code) = type_at_the_prompt(
        &demo,
        &["--lang", "ja"],
        "入力は表示されません）: ",
        &["12 4", "1234"],
    );
    assert_eq!(code, 0, "{shown:?} {stdout}");
    assert!(shown.contains("空白が含まれています"), "{shown:?}");
    assert!(shown.contains("もう一度入力してください"), "{shown:?}");
}

#[test]
fn three_malformed_entries_end_with_exit_2_and_nothing_sent() {
    let demo = Demo::new();
    let (shown, stdout, stderr, code) =
        type_at_the_prompt(&demo, &[], "not shown as you type): ", &["", "12a4", "123"]);
    assert_eq!(code, 2, "{shown:?} {stdout} {stderr}");
    assert_eq!(
        shown.matches("not shown as you type): ").count(),
        3,
        "{shown:?}"
    );
    assert!(says(&shown, "nothing was typed"), "{shown:?}");
    assert!(says(&shown, "characters other than digits"), "{shown:?}");
    let error: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(error["error"]["code"], "malformed-pin");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("too short"), "{message}");
    assert!(
        message.ends_with("Run the command again with a PIN of that form."),
        "{message}"
    );
    assert_eq!(verifies_sent(&demo), 0);
    // The counter was read before the prompt, and nothing spent.
    assert_eq!(
        demo.cmd(&["status", "--json"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
    let status: serde_json::Value =
        serde_json::from_slice(&demo.cmd(&["status", "--json"]).output().unwrap().stdout).unwrap();
    assert_eq!(status["pins"][0]["tries_left"], 3);
}

#[test]
fn with_stdout_a_pipe_the_counter_shows_on_the_terminal_before_the_prompt() {
    // stdout is a pipe here (carrying the JSON document): the count must still reach the person.
    let demo = Demo::new();
    let (shown, stdout, stderr, code) =
        type_at_the_prompt(&demo, &[], "not shown as you type): ", &["1234"]);
    assert_eq!(code, 0, "{shown:?} {stdout} {stderr}");
    let counter = shown
        .find("user-authentication PIN: 3 of 3 tries left")
        .expect("the counter on the terminal");
    let prompt = shown
        .find("user-authentication PIN (4 digits; not shown as you type): ")
        .expect("the prompt");
    assert!(counter < prompt, "{shown:?}");
}

/// The end of every PIN prompt, in English.
const PROMPT_END: &str = "not shown as you type): ";

/// Issue 25 item 6: Ctrl-Z, then `fg`: the shell put its own mode back (echo on) while mynapin was
/// stopped; the prompt turns the echo off again before the PIN is typed.
#[test]
fn after_a_stop_and_a_continue_the_prompt_hides_the_pin_again() {
    let demo = Demo::new();
    let mut terminal = OnATerminal::start(&demo, &["verify", "--pin", "auth"]);
    terminal.wait_for_prompt(PROMPT_END, 1);
    assert!(!terminal.echo_on(), "{:?}", terminal.shown());
    terminal.signal("STOP");
    // What bash does when the job stops: its own terminal mode back, echo on.
    let mut shells = tcgetattr(terminal.slave()).expect("tcgetattr");
    shells.local_flags.insert(LocalFlags::ECHO);
    tcsetattr(terminal.slave(), SetArg::TCSANOW, &shells).expect("tcsetattr");
    terminal.signal("CONT");
    terminal.wait_until(|terminal| !terminal.echo_on());
    assert!(!terminal.echo_on(), "the echo stayed on after fg");
    terminal.type_line("1234");
    let ended = terminal.end();
    assert!(!ended.shown.contains("1234"), "{:?}", ended.shown);
    assert_eq!(ended.code, 0, "{ended:?}");
    assert!(ended.echo_after);
}

/// Issue 25 item 7: Ctrl-C at any hidden prompt gives the terminal its echo back, with no shell
/// to do it, says it was interrupted (one JSON document with --json), exits 130, and sends
/// nothing.
#[test]
fn ctrl_c_at_every_hidden_prompt_gives_the_echo_back_and_says_so() {
    let cases: [(&[&str], usize); 9] = [
        (&["verify"], 1),
        (&["verify", "--json"], 1),
        (&["change-pin"], 1),
        (&["change-pin"], 2),
        (&["change-pin"], 3),
        (&["change-pin", "--json"], 1),
        (&["change-pin", "--json"], 3),
        (&["check"], 1),
        (&["check", "--json"], 1),
    ];
    for (args, prompt) in cases {
        let demo = Demo::new();
        let mut terminal = OnATerminal::start(&demo, args);
        for (index, line) in ["1234", "4321"].iter().take(prompt - 1).enumerate() {
            terminal.wait_for_prompt(PROMPT_END, index + 1);
            terminal.type_line(line);
        }
        terminal.wait_for_prompt(PROMPT_END, prompt);
        assert!(
            !terminal.echo_on(),
            "{args:?} {prompt}: {:?}",
            terminal.shown()
        );
        terminal.type_text("\u{3}");
        let ended = terminal.end();
        let context = format!("{args:?} at prompt {prompt}: {ended:?}");
        assert!(ended.echo_after, "echo left off: {context}");
        assert_eq!(ended.code, 130, "{context}");
        if args.contains(&"--json") {
            let document: serde_json::Value =
                serde_json::from_str(&ended.stdout).expect("one JSON document");
            assert_eq!(document["error"]["code"], "interrupted", "{context}");
        } else {
            assert!(ended.stderr.contains("Interrupted"), "{context}");
        }
        assert_eq!(verifies_sent(&demo), 0, "{context}");
    }
}

/// Issue 25 item 8: `change-pin --pin-stdin` on a terminal asks for the new one twice, hidden, as
/// without it: one typo would set a PIN nobody knows.
#[test]
fn change_pin_with_pin_stdin_on_a_terminal_asks_for_the_new_one_twice() {
    let demo = Demo::new();
    let mut terminal = OnATerminal::start(&demo, &["change-pin", "--pin-stdin", "--json"]);
    for (index, line) in ["1234", "4321", "4322", "4321", "4321"].iter().enumerate() {
        terminal.wait_for_prompt(PROMPT_END, index + 1);
        terminal.type_line(line);
    }
    let ended = terminal.end();
    assert_eq!(ended.code, 0, "{ended:?}");
    assert!(
        ended.shown.contains("New user-authentication PIN again"),
        "{ended:?}"
    );
    assert!(
        ended
            .shown
            .contains("The new PIN was typed differently the second time"),
        "{ended:?}"
    );
    assert_eq!(ended.shown.matches(PROMPT_END).count(), 5, "{ended:?}");
    let document: serde_json::Value = serde_json::from_str(&ended.stdout).expect("JSON");
    assert_eq!(document["result"], "changed");
    let status: serde_json::Value =
        serde_json::from_slice(&demo.cmd(&["status", "--json"]).output().unwrap().stdout).unwrap();
    assert_eq!(status["pins"][0]["tries_left"], 3);
    // The new PIN is the one typed twice.
    let state = std::fs::read_to_string(demo.state()).unwrap();
    assert!(state.contains("\"4321\""), "{state}");
}

/// Issue 25 item 12: when the prompt gives up (the third malformed entry), what the person typed
/// after it is dropped, not left for the shell to echo and keep in its history.
#[test]
fn typed_ahead_input_is_dropped_when_the_prompt_gives_up() {
    let demo = Demo::new();
    let mut terminal = OnATerminal::start(&demo, &["verify", "--json"]);
    for (index, line) in ["", "12a4"].iter().enumerate() {
        terminal.wait_for_prompt(PROMPT_END, index + 1);
        terminal.type_line(line);
    }
    terminal.wait_for_prompt(PROMPT_END, 3);
    terminal.type_text("123\nmy-secret-typed-ahead\n");
    let ended = terminal.end();
    assert_eq!(ended.code, 2, "{ended:?}");
    assert!(
        !ended.left_unread.contains("my-secret-typed-ahead"),
        "left for the shell: {ended:?}"
    );
    assert!(ended.echo_after);
}

/// Issue 25 item 11: `check` with stdout a pipe (or JSON) shows the counter on the terminal
/// before its prompt, as `verify` and `change-pin` do.
#[test]
fn check_shows_the_counter_on_the_terminal_before_its_prompt() {
    let demo = Demo::new();
    let mut terminal = OnATerminal::start(&demo, &["check", "--json"]);
    terminal.wait_for_prompt(PROMPT_END, 1);
    terminal.type_line("1234");
    let ended = terminal.end();
    assert_eq!(ended.code, 0, "{ended:?}");
    let counter = ended
        .shown
        .find("user-authentication PIN: 3 of 3 tries left")
        .expect("the counter on the terminal");
    let prompt = ended.shown.find(PROMPT_END).expect("the prompt");
    assert!(counter < prompt, "{ended:?}");
}

/// Issue 25 item 7, every way out: SIGTERM or SIGHUP at the hidden prompt (a closed terminal
/// window, a `kill`) still gives the terminal its echo back, and sends nothing.
#[test]
fn a_terminating_signal_at_the_prompt_gives_the_echo_back() {
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let demo = Demo::new();
        let mut terminal = OnATerminal::start(&demo, &["change-pin", "--json"]);
        terminal.wait_for_prompt(PROMPT_END, 1);
        assert!(!terminal.echo_on());
        terminal.signal(signal);
        let ended = terminal.end();
        assert!(ended.echo_after, "{signal}: echo left off: {ended:?}");
        assert_eq!(ended.code, code, "{signal}: {ended:?}");
        assert_eq!(verifies_sent(&demo), 0);
    }
}
