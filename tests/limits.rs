//! Inputs at their limits: reader patterns, state files, environment values and output streams
//! that are empty, huge, not UTF-8 or broken. Each gives exit code 1 or 2 with a clear message,
//! or works; never a panic (exit code 101).

#[path = "support/demo.rs"]
mod demo;

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

use demo::english;

const PANIC_EXIT: i32 = 101;

/// `mynapin ARGS` in English, its demo state in `dir`, no reader service reachable.
fn mynapin(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::from_std(base(dir, args));
    cmd.timeout(std::time::Duration::from_secs(20));
    cmd
}

/// Like [`mynapin`], as a plain `std::process::Command` (whose stdout can be redirected).
fn base(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mynapin"));
    english(&mut cmd)
        .env("MYNAPIN_DEMO_STATE", dir.join("state.json"))
        .env_remove("MYNAPIN_DEMO_APDU_LOG")
        .env_remove("MYNAPIN_CARD_TIMEOUT")
        // Never a real pcscd, whatever runs on this machine.
        .env(
            "PCSCLITE_CSOCK_NAME",
            "/nonexistent/mynapin-test/pcscd.comm",
        )
        .args(args);
    cmd
}

/// The exit code, and the JSON error's code and message.
fn json_error(output: &Output) -> (i32, String, String) {
    let code = output.status.code().expect("an exit code");
    assert_ne!(code, PANIC_EXIT, "panicked: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {output:?}"));
    (
        code,
        json["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn run(mut cmd: impl std::borrow::BorrowMut<Command>) -> Output {
    let output = cmd.borrow_mut().output().expect("mynapin runs");
    assert_ne!(
        output.status.code(),
        Some(PANIC_EXIT),
        "panicked: {output:?}"
    );
    output
}

#[test]
fn an_empty_reader_pattern_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for reader in ["", "   "] {
        for command in ["status", "readers", "cert"] {
            let output = run(mynapin(
                dir.path(),
                &["--json", "--reader", reader, command],
            ));
            let (code, error, message) = json_error(&output);
            assert_eq!((code, error.as_str()), (2, "usage"), "{command} {reader:?}");
            assert!(message.starts_with("--reader is empty."), "{message}");
        }
    }
    // In text, on stderr, in Japanese too.
    let output = run(mynapin(
        dir.path(),
        &["--lang", "ja", "--reader=", "verify", "--pin-stdin"],
    )
    .write_stdin("1234\n"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--reader が空です"));
}

#[test]
fn a_huge_reader_pattern_is_a_usage_error_that_does_not_repeat_it() {
    let dir = tempfile::tempdir().unwrap();
    // As large as one argument can be: Linux caps one at 128 KiB (MAX_ARG_STRLEN), Windows a
    // whole command line at 32767 UTF-16 units, macOS all arguments at 1 MiB.
    let largest = if cfg!(windows) { 32_000 } else { 131_071 };
    for len in [257, 30_000, largest] {
        let reader = "r".repeat(len);
        let output = run(mynapin(
            dir.path(),
            &["--json", "--reader", &reader, "status"],
        ));
        let (code, error, message) = json_error(&output);
        assert_eq!((code, error.as_str()), (2, "usage"), "{len}");
        assert!(message.contains("longer than 256 bytes"), "{message}");
        assert!(output.stdout.len() < 1000, "the value is not repeated");
    }
    // 256 bytes is still a pattern: it reaches the reader layer (which has no reader here; the
    // error it gives depends on the platform's PC/SC, so only "not a usage error" is asserted).
    let reader = "r".repeat(256);
    let output = run(mynapin(
        dir.path(),
        &["--json", "--reader", &reader, "status"],
    ));
    let (code, error, _) = json_error(&output);
    assert_ne!(error, "usage");
    assert_ne!(code, 2);
    #[cfg(target_os = "linux")]
    assert_eq!(error, "no-service", "pcsc-lite pointed at no pcscd");
}

#[test]
fn the_demo_state_pointing_at_a_directory_an_empty_or_a_huge_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let huge = dir.path().join("huge.json");
    // Sparse: 2 GiB that take no disk space; only the first MiB and a byte are ever read.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let cases: [(&Path, &str); 3] = [
        (dir.path(), "is a directory, not a regular file"),
        (
            &empty,
            "is not valid JSON of the expected shape (line 1, column 0)",
        ),
        (&huge, "is larger than 1 MiB"),
    ];
    for (state, expected) in cases {
        let output =
            run(mynapin(dir.path(), &["--demo", "--json", "status"])
                .env("MYNAPIN_DEMO_STATE", state));
        let (code, error, message) = json_error(&output);
        assert_eq!((code, error.as_str()), (1, "demo-state"), "{state:?}");
        assert!(message.contains(expected), "{message}");
        assert!(
            message.contains("delete") || message.contains("Give another path"),
            "says what to do: {message}"
        );
    }
}

// Unix only: Windows paths are UTF-16 and cannot carry these bytes.
#[cfg(unix)]
#[test]
fn a_demo_state_path_that_is_not_utf8_works_and_is_shown_lossily_in_errors() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"st\xffte.json");
    let path: std::path::PathBuf = dir.path().join(name);
    // reset-demo always saves; status only reads it back.
    let output =
        run(mynapin(dir.path(), &["--demo", "--json", "reset-demo"])
            .env("MYNAPIN_DEMO_STATE", &path));
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        path.exists(),
        "the state was saved under its non-UTF-8 name"
    );
    let output =
        run(mynapin(dir.path(), &["--demo", "--json", "status"]).env("MYNAPIN_DEMO_STATE", &path));
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    std::fs::write(&path, "[]").unwrap();
    let output =
        run(mynapin(dir.path(), &["--demo", "--json", "status"]).env("MYNAPIN_DEMO_STATE", &path));
    let (code, error, message) = json_error(&output);
    assert_eq!((code, error.as_str()), (1, "demo-state"));
    assert!(message.contains("st\u{FFFD}te.json"), "{message}");
}

// Unix only: Windows has no LANG of its own and its environment is UTF-16.
#[cfg(unix)]
#[test]
fn a_locale_that_is_not_utf8_still_gives_utf8_output() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for (lang, japanese) in [
        (&b"ja_JP.eucJP"[..], true),
        (b"ja_JP.SJIS", true),
        (b"ja\xff\xfe", true),
        (b"\xff\xfe", false),
        (b"C", false),
    ] {
        let lang = std::ffi::OsStr::from_bytes(lang);
        for var in ["LANG", "LC_ALL", "LC_MESSAGES"] {
            let output = run(mynapin(dir.path(), &["--demo", "status"]).env(var, lang));
            assert_eq!(output.status.code(), Some(0), "{var}={lang:?}: {output:?}");
            let stdout = String::from_utf8(output.stdout).expect("UTF-8 whatever the locale");
            assert_eq!(
                stdout.contains("マイナンバーカード"),
                japanese,
                "{var}={lang:?}: {stdout}"
            );
        }
    }
}

#[test]
fn a_card_timeout_that_is_not_a_number_of_seconds_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "9".repeat(100_000);
    for value in ["abc", "0", "-5", "2.5", "30s", "3601", huge.as_str()] {
        for command in ["status", "readers", "cert"] {
            let output = run(mynapin(dir.path(), &["--demo", "--json", command])
                .env("MYNAPIN_CARD_TIMEOUT", value));
            let (code, error, message) = json_error(&output);
            assert_eq!(
                (code, error.as_str()),
                (2, "usage"),
                "{value:.10} {command}"
            );
            assert!(
                message.starts_with(
                    "MYNAPIN_CARD_TIMEOUT must be a whole number of seconds from 1 to 3600"
                ),
                "{message}"
            );
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let output = run(mynapin(dir.path(), &["--demo", "--json", "status"]).env(
            "MYNAPIN_CARD_TIMEOUT",
            std::ffi::OsStr::from_bytes(b"3\xff"),
        ));
        assert_eq!(json_error(&output).1, "usage");
    }
    // Verify checks it before anything reaches the card or the PIN is read.
    let log = dir.path().join("apdus.log");
    let output = run(mynapin(dir.path(), &["--demo", "verify", "--pin-stdin"])
        .env("MYNAPIN_CARD_TIMEOUT", "never")
        .env("MYNAPIN_DEMO_APDU_LOG", &log)
        .write_stdin("1234\n"));
    assert_eq!(output.status.code(), Some(2));
    assert!(!log.exists(), "nothing was sent");
    // Empty is unset; valid values work; commands that never talk to a card ignore it.
    for value in ["", "1", " 45 ", "3600"] {
        let output =
            run(mynapin(dir.path(), &["--demo", "status"]).env("MYNAPIN_CARD_TIMEOUT", value));
        assert_eq!(output.status.code(), Some(0), "{value:?}: {output:?}");
    }
    let output =
        run(mynapin(dir.path(), &["completions", "bash"]).env("MYNAPIN_CARD_TIMEOUT", "x"));
    assert_eq!(output.status.code(), Some(0));
}

// Unix only: needs /dev/full (a disk that is always full).
#[cfg(unix)]
#[test]
fn output_that_cannot_be_written_keeps_the_exit_code_and_never_panics() {
    use std::io::Write;
    // A crash found here: println! panicked (exit 101) when stdout was a full disk or a closed
    // pipe (`mynapin status | head -1`).
    let dir = tempfile::tempdir().unwrap();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for (args, stdin, exit) in [
        (&["--demo", "status"][..], "", 0),
        (&["--demo", "status", "--json"], "", 0),
        (&["--demo", "verify", "--pin-stdin"], "9999\n", 3),
        (&["--demo", "verify", "--pin-stdin", "--json"], "1234\n", 0),
        (&["--demo", "readers"], "", 0),
        (&["--demo", "cert", "--format", "der"], "", 1),
        (&["completions", "bash"], "", 1),
    ] {
        let mut child = base(dir.path(), args)
            .stdin(std::process::Stdio::piped())
            .stdout(full())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(exit), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            demo::says(&stderr, "No space left on device"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.matches("mynapin:").count(), 1, "told once: {stderr}");
    }
    // A pipe whose reader is gone: nothing to tell, the exit code stays.
    let mut child = base(dir.path(), &["--demo", "status"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}
