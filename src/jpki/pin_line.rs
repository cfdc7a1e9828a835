//! Reading a PIN as one line, without leaving copies behind: one fixed buffer, zeroized on drop,
//! never reallocated, read past std's stdin buffer. The CLI reads PINs this way; so can a program
//! that embeds mynapin (`examples/guarded_verify.rs`).

use std::io::Read;

use zeroize::{Zeroize, Zeroizing};

use super::{FormatProblem, Pin, PinFormatError, PinKind};

/// Longest line read for a PIN; anything longer is not a PIN.
pub const MAX_PIN_LINE: usize = 64;

/// Reads one line, byte by byte, into a buffer allocated once with room for [`MAX_PIN_LINE`] + 1
/// bytes and never grown (no freed copy of its start is left behind) and zeroized on drop.
/// Anything longer is cut there and fails the format check; reading stops at once (the input may
/// never end). Give it an unbuffered reader ([`unbuffered_stdin`]): a buffered one keeps its own
/// copy.
pub fn read_pin_line(input: &mut impl Read) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PIN_LINE + 1));
    let mut byte = [0u8; 1];
    let result = loop {
        match input.read(&mut byte) {
            Ok(0) => break Ok(()),
            Ok(_) if byte[0] == b'\n' => break Ok(()),
            Ok(_) if line.len() <= MAX_PIN_LINE => line.push(byte[0]),
            Ok(_) => break Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => break Err(error),
        }
    };
    byte.zeroize();
    result.map(|()| line)
}

/// The line (a trailing `\r` dropped) as a PIN of `kind`, format-checked. Not UTF-8 cannot be a
/// PIN: a format error like any other.
pub fn pin_from_line(kind: PinKind, line: &[u8]) -> Result<Pin, PinFormatError> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).map_err(|_| PinFormatError {
        kind,
        problem: if kind == PinKind::Sign {
            FormatProblem::NotLettersAndDigits
        } else {
            FormatProblem::NotDigits
        },
    })?;
    Pin::new(kind, text)
}

/// Standard input as a file of its own, past std's buffer (which would keep a copy of the PIN).
#[cfg(unix)]
pub fn unbuffered_stdin() -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(
        std::io::stdin().as_fd().try_clone_to_owned()?,
    ))
}

/// Standard input as a file of its own, past std's buffer (which would keep a copy of the PIN).
#[cfg(windows)]
pub fn unbuffered_stdin() -> std::io::Result<std::fs::File> {
    use std::os::windows::io::AsHandle;
    Ok(std::fs::File::from(
        std::io::stdin().as_handle().try_clone_to_owned()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_into_one_buffer_that_is_never_reallocated() {
        for input in [
            &b"1234\n"[..],
            b"ABCDEFGH12345678\n",
            &[b'A'; 200][..],
            b"",
            b"abc",
        ] {
            let mut reader = input;
            let line = read_pin_line(&mut reader).unwrap();
            // Allocated once with room for the longest line kept: it never grew.
            assert_eq!(line.capacity(), MAX_PIN_LINE + 1, "{input:?}");
            let expected = input.split(|b| *b == b'\n').next().unwrap_or_default();
            assert_eq!(
                *line,
                expected[..expected.len().min(MAX_PIN_LINE + 1)],
                "{input:?}"
            );
        }
    }

    #[test]
    fn reading_stops_at_the_limit_of_an_endless_line() {
        let mut endless = std::io::repeat(b'1');
        let line = read_pin_line(&mut endless).unwrap();
        assert_eq!(line.len(), MAX_PIN_LINE + 1);
    }

    #[test]
    fn a_line_becomes_a_pin_or_a_format_error() {
        assert_eq!(
            pin_from_line(PinKind::Sign, b"abc123\r").unwrap().expose(),
            b"ABC123"
        );
        assert_eq!(
            pin_from_line(PinKind::Auth, &[0xFF, b'1'])
                .unwrap_err()
                .problem,
            FormatProblem::NotDigits
        );
    }
}
