//! mynapin: check and test My Number card (JPKI) PINs over PC/SC without ever causing a lockout.
//!
//! To embed the guard, start at [`card::MyNumberCard`]: open a reader (or the card model), read
//! the counters, verify a PIN; the PIN is sent only at two or more tries left, in the same
//! transaction as the counter read. Build with `default-features = false` to leave out the CLI.
//!
//! Layers, top to bottom (data flows one way):
//! - the command line (the `mynapin` binary, cargo feature `cli`): the only code that prints.
//! - [`jpki`]: applications, PINs and the guard that reads the retry counter before every VERIFY.
//! - [`apdu`]: commands, responses and the exchange engine (a crate of its own).
//! - transports: [`reader`] (PC/SC, the only code that touches the `pcsc` crate) and [`card_model`]
//!   (the card model behind tests, the demo card and the virtual card).
#![forbid(unsafe_code)]

/// The APDU layer, for a transport of your own ([`apdu::Connection`]). It has no PIN guard: a
/// VERIFY sent through it directly bypasses the guard; [`card::MyNumberCard::verify`] is the way
/// to send a PIN.
pub use apdu;

pub mod card;

pub mod card_model;
/// The `mynapin` binary's command line; its only public item is `main`, for `src/main.rs`.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
pub mod files;
pub mod i18n;
pub mod jpki;
mod platform;
pub mod reader;
pub mod text;
