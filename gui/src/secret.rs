//! The buffer a PIN is typed into. Its storage is reserved once and never grows (a longer entry
//! is cut), so no copy of the PIN is ever freed without being overwritten; it is zeroized after
//! each attempt and when dropped. egui's `TextEdit` is not used for PINs: it keeps undo copies of
//! the text that nothing zeroizes.

use zeroize::Zeroize;

/// Bytes reserved for a PIN: the longest (a 16-character signature password) typed in full-width
/// characters (3 bytes each in UTF-8), with room to spare so that too-long input is reported.
const CAPACITY: usize = 64;

/// A PIN as it is being typed.
pub struct SecretBuffer {
    text: String,
}

impl Default for SecretBuffer {
    fn default() -> Self {
        SecretBuffer {
            text: String::with_capacity(CAPACITY),
        }
    }
}

impl SecretBuffer {
    /// Appends typed text, up to the reserved capacity (never reallocating).
    pub fn push_str(&mut self, typed: &str) {
        for c in typed.chars() {
            if c.is_control() {
                continue;
            }
            if self.text.len() + c.len_utf8() > CAPACITY {
                break;
            }
            self.text.push(c);
        }
    }

    /// Removes the last character, overwriting its bytes.
    pub fn pop(&mut self) {
        let Some(last) = self.text.chars().next_back() else {
            return;
        };
        let keep = self.text.len() - last.len_utf8();
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        bytes[keep..].zeroize();
        bytes.truncate(keep);
        // Cut at a character boundary: still UTF-8, same storage.
        self.text = String::from_utf8(bytes).unwrap_or_default();
    }

    /// What was typed, for the PIN parser.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Characters typed, for the mask.
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Overwrites and empties the buffer, keeping its storage.
    pub fn clear(&mut self) {
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        bytes.zeroize();
        bytes.clear();
        self.text = String::from_utf8(bytes).unwrap_or_default();
    }
}

impl Drop for SecretBuffer {
    fn drop(&mut self) {
        self.clear();
    }
}

impl std::fmt::Debug for SecretBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBuffer(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_reallocates_and_cuts_overlong_input() {
        let mut secret = SecretBuffer::default();
        let start = secret.as_str().as_ptr();
        secret.push_str(&"１".repeat(40));
        assert_eq!(secret.as_str().as_ptr(), start);
        assert_eq!(secret.chars(), CAPACITY / 3);
        secret.pop();
        assert_eq!(secret.chars(), CAPACITY / 3 - 1);
        assert_eq!(secret.as_str().as_ptr(), start);
        secret.clear();
        assert!(secret.is_empty());
        assert_eq!(secret.as_str().as_ptr(), start);
    }

    #[test]
    fn control_characters_are_not_kept() {
        let mut secret = SecretBuffer::default();
        secret.push_str("12\n34\t");
        assert_eq!(secret.as_str(), "1234");
    }
}
