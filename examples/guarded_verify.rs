//! Embedding mynapin's guard: show a PIN's counter, read the PIN, verify it under the guard.
//!
//! `echo 1234 | cargo run --example guarded_verify` uses the card model (the demo card's PINs);
//! `cargo run --example guarded_verify -- READER` uses a real reader (a name, part of one, or an
//! index). The PIN is read as one line of stdin: a real program reads it hidden from the terminal
//! (never from its arguments) and checks its format at once, as `Pin::new` does.

use std::error::Error;
use std::io::BufRead;

use mynapin::apdu::Connection;
use mynapin::card::{MyNumberCard, Pin, PinKind, VerifyOutcome};
use mynapin::card_model::CardState;
use zeroize::Zeroizing;

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
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line)?;
    let pin = Pin::new(PinKind::Auth, line.trim_end())?;
    match card.verify(shown, &pin)? {
        VerifyOutcome::Verified => println!("the PIN is right"),
        VerifyOutcome::WrongPin { tries_left } => println!("wrong PIN, {tries_left} tries left"),
        VerifyOutcome::Refused(refusal) => println!("not sent: {refusal:?}"),
        other => println!("{other:?}; run `mynapin status` to see the counter"),
    }
    Ok(())
}
