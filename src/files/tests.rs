use std::fs;

use super::{open_append, write_atomically, FileError, Kind};
use crate::i18n::{Lang, Localized};

fn refused_as(result: Result<(), FileError>, expected: Kind) {
    match result {
        Err(FileError::NotAFile { kind, .. }) => assert_eq!(kind, expected),
        other => panic!("expected NotAFile({expected:?}), got {other:?}"),
    }
}

#[test]
fn writes_a_new_path_and_replaces_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("state.json");
    write_atomically(&path, b"one", true).unwrap();
    write_atomically(&path, b"two", true).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"two");
    // No temporary file is left behind.
    assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn a_symlink_is_followed_and_stays_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.json");
    fs::write(&target, b"old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    write_atomically(&link, b"new", true).unwrap();
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read(&target).unwrap(), b"new");
    let mut file = open_append(&link).unwrap();
    std::io::Write::write_all(&mut file, b"+").unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"new+");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_refused_and_left() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(dir.path().join("nothing"), &link).unwrap();
    refused_as(write_atomically(&link, b"x", true), Kind::DanglingLink);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!super::is_regular_file(&link).unwrap());
}

#[test]
fn a_directory_is_refused_and_left() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d");
    fs::create_dir(&path).unwrap();
    refused_as(write_atomically(&path, b"x", true), Kind::Directory);
    assert!(open_append(&path).is_err());
    assert!(path.is_dir());
    let message = write_atomically(&path, b"x", true)
        .unwrap_err()
        .localized(Lang::Ja);
    assert!(message.contains("ディレクトリ"), "{message}");
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo failed");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_and_left_also_through_a_symlink() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    refused_as(write_atomically(&fifo, b"x", true), Kind::Fifo);
    // Reading is refused too: opening a FIFO would wait for a writer for ever.
    assert!(matches!(
        super::is_regular_file(&fifo),
        Err(FileError::NotAFile {
            kind: Kind::Fifo,
            ..
        })
    ));
    assert!(matches!(
        open_append(&fifo),
        Err(FileError::NotAFile {
            kind: Kind::Fifo,
            ..
        })
    ));
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    refused_as(write_atomically(&link, b"x", true), Kind::Fifo);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// Needs root (mknod); `scripts/e2e` runs it as root, or `cargo test --lib -- --ignored device`.
#[cfg(unix)]
#[test]
#[ignore = "needs root to make a device node with mknod (scripts/e2e runs it)"]
fn a_device_node_is_refused_and_left() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("null");
    // The same device as /dev/null (1, 3), made in a temporary directory.
    let status = std::process::Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(status.success(), "mknod failed: run this test as root");
    refused_as(write_atomically(&device, b"x", true), Kind::Device);
    assert!(open_append(&device).is_err());
    assert!(fs::symlink_metadata(&device)
        .unwrap()
        .file_type()
        .is_char_device());
}
