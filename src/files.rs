//! Writing files without clobbering what is not a file. mynapin writes only to a regular file or
//! to a path where nothing is yet; a symbolic link is followed (the file it points to is written),
//! never replaced; a directory, FIFO, device or socket is refused and left as it was.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::i18n::{Lang, Localized};

/// What is at a path that is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A character or block device.
    Device,
    /// A Unix socket.
    Socket,
    /// A symbolic link whose target does not exist.
    DanglingLink,
    /// Anything else that is not a regular file.
    Other,
}

impl Kind {
    fn name(self, lang: Lang) -> &'static str {
        match self {
            Kind::Directory => lang.pick("a directory", "ディレクトリ"),
            Kind::Fifo => lang.pick("a named pipe (FIFO)", "名前付きパイプ（FIFO）"),
            Kind::Device => lang.pick("a device", "デバイス"),
            Kind::Socket => lang.pick("a socket", "ソケット"),
            Kind::DanglingLink => lang.pick(
                "a symbolic link to nothing",
                "リンク先のないシンボリックリンク",
            ),
            Kind::Other => lang.pick("not a regular file", "通常のファイルではないもの"),
        }
    }
}

/// Why a file could not be written (or read as a file mynapin wrote).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// Something other than a regular file is at the path; it was left as it was.
    #[error("{} is {}, not a regular file; it was left as it was", path.display(), kind.name(Lang::En))]
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// What is there.
        kind: Kind,
    },
    /// The file system refused.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl Localized for FileError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (FileError::NotAFile { path, kind }, Lang::En) => format!(
                "{} is {}, not a regular file. mynapin writes only to a regular file or a new path, and left it as it was. Give another path.",
                path.display(),
                kind.name(lang)
            ),
            (FileError::NotAFile { path, kind }, Lang::Ja) => format!(
                "{} は{}で、通常のファイルではありません。mynapin は通常のファイルか新しいパスにだけ書き込むため、そのままにしました。別のパスを指定してください。",
                path.display(),
                kind.name(lang)
            ),
            (FileError::Io { path, source }, Lang::En) => format!(
                "Cannot write {} ({source}). Check the path and its permissions.",
                path.display()
            ),
            (FileError::Io { path, source }, Lang::Ja) => format!(
                "{} に書き込めません（{source}）。パスと権限を確認してください。",
                path.display()
            ),
        }
    }
}

fn kind_of(file_type: fs::FileType) -> Kind {
    if file_type.is_dir() {
        return Kind::Directory;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Kind::Fifo;
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Kind::Device;
        }
        if file_type.is_socket() {
            return Kind::Socket;
        }
    }
    Kind::Other
}

/// Where a write to `path` goes: `path` itself when nothing is there or it is a regular file, the
/// file a symbolic link points to (links followed to the end), or an error when it is anything
/// else.
pub(crate) fn write_target(path: &Path) -> Result<PathBuf, FileError> {
    let io_error = |source| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let not_a_file = |kind| FileError::NotAFile {
        path: path.to_path_buf(),
        kind,
    };
    let link = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(error) => return Err(io_error(error)),
    };
    if link.file_type().is_file() {
        return Ok(path.to_path_buf());
    }
    if !link.file_type().is_symlink() {
        return Err(not_a_file(kind_of(link.file_type())));
    }
    let target = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(not_a_file(Kind::DanglingLink))
        }
        Err(error) => return Err(io_error(error)),
    };
    let metadata = fs::metadata(&target).map_err(io_error)?;
    if metadata.is_file() {
        Ok(target)
    } else {
        Err(not_a_file(kind_of(metadata.file_type())))
    }
}

/// Refuses to read what is not a regular file (opening a FIFO would wait for ever); `Ok(false)`
/// when nothing is there (a symbolic link to nothing included).
pub(crate) fn is_regular_file(path: &Path) -> Result<bool, FileError> {
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => Ok(true),
        Ok(metadata) => Err(FileError::NotAFile {
            path: path.to_path_buf(),
            kind: kind_of(metadata.file_type()),
        }),
        // Nothing there, or a symbolic link to nothing (writing to it is refused later).
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(FileError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `contents` atomically: a temporary file in the target's directory, then a rename over
/// it ([`write_target`] decides the target). Creates missing parent directories. `owner_only`:
/// on Unix the file is readable by its owner only (it holds PINs).
pub(crate) fn write_atomically(
    path: &Path,
    contents: &[u8],
    owner_only: bool,
) -> Result<(), FileError> {
    let target = write_target(path)?;
    let io_error = |source| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file_name = target.file_name().ok_or_else(|| {
        io_error(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path does not name a file",
        ))
    })?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(io_error)?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp_path = dir.join(temp_name);
    // A leftover of a run that died with the same process id.
    let _ = fs::remove_file(&temp_path);
    let written = write_new_file(&temp_path, contents, owner_only)
        .and_then(|()| fs::rename(&temp_path, &target));
    if let Err(source) = written {
        // Best effort: the temporary file is useless now.
        let _ = fs::remove_file(&temp_path);
        return Err(io_error(source));
    }
    Ok(())
}

fn write_new_file(path: &Path, contents: &[u8], owner_only: bool) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    // create_new: never write through something another program put at the temporary name.
    options.write(true).create_new(true);
    #[cfg(unix)]
    if owner_only {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = owner_only;
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Opens `path` to append to it: a regular file (through a symbolic link too) or a new file.
// Used by the virtual card's log and the CLI's demo APDU log.
#[cfg_attr(not(feature = "virtual-card"), allow(dead_code))]
pub(crate) fn open_append(path: &Path) -> Result<fs::File, FileError> {
    let target = write_target(path)?;
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(target)
        .map_err(|source| FileError::Io {
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests;
