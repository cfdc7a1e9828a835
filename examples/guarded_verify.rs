//! Embedding mynapin's guard: show a PIN's counter, read the PIN, verify it under the guard.
//!
//! `echo 1234 | cargo run --example guarded_verify` uses the card model (the demo card's PINs);
//! `cargo run --example guarded_verify -- READER` uses a real reader (a name, part of one, or an
//! index). The PIN is read as one line of stdin with the reader the CLI uses (one fixed buffer,
//! zeroized, past std's stdin buffer: no copy left behind) and format-checked at once; a real
//! program reads it hidden from the terminal, never from its arguments.

use mynapin::apdu::Connection;
use mynapin::card::{
    pin_from_line, read_pin_line, unbuffered_stdin, MyNumberCard, PinKind, VerifyOutcome,
};
use mynapin::card_model::CardState;
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    match std::env::args().nth(1) {
        Some(reader) => run(MyNumberCard::open(Some(&reader))?),
        None => run(MyNumberCard::model(CardState::demo())),
    }
}

fn run<C: Connection>(mut card: MyNumberCard<C>) -> Result<(), Box<dyn Error>> {
    // The counter first, in its own transaction: no transaction is open while the PIN is typed.
    let shown = card.counter(PinKind::Auth)?;
    println!("tries left: {:?}", shown.counter().tries_left());
    if let Some(refusal) = shown.counter().refusal() {
        println!("not asking for the PIN: {refusal:?}");
        return Ok(());
    }
    let line = read_pin_line(&mut unbuffered_stdin()?)?;
    let pin = pin_from_line(PinKind::Auth, &line)?;
    match card.verify(shown, &pin)? {
        VerifyOutcome::Verified => println!("the PIN is right"),
        VerifyOutcome::WrongPin { tries_left } => println!("wrong PIN, {tries_left} tries left"),
        VerifyOutcome::Refused(refusal) => println!("not sent: {refusal:?}"),
        other => println!("{other:?}; run `mynapin status` to see the counter"),
    }
    Ok(())
}
