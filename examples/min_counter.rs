//! The smallest PC/SC client that reads the auth PIN's retry counter: the baseline of
//! `scripts/bench` (docs/performance.md). It sends the same 3 APDUs as the counter read of
//! `mynapin status --pin auth` / `verify` (SELECT JPKI, SELECT EF 0018, `00 20 00 80`) in one
//! transaction to the first reader that holds a card, and prints the answer's status word.
//! No guard, no error handling beyond `?`, no token label, no certificate: not for real use.
//!
//! `cargo run --release --example min_counter`

use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let context = pcsc::Context::establish(pcsc::Scope::User)?;
    let mut names = [0; 2048];
    let mut readers = context.list_readers(&mut names)?;
    // vpcd offers two readers: take the first one a shared connect succeeds on.
    let mut card = loop {
        let reader = readers.next().ok_or("no card in any reader")?;
        match context.connect(reader, pcsc::ShareMode::Shared, pcsc::Protocols::ANY) {
            Ok(card) => break card,
            Err(pcsc::Error::NoSmartcard) => continue,
            Err(error) => return Err(error.into()),
        }
    };
    let transaction = card.transaction()?;
    let mut buffer = [0; 258];
    let mut answer = [0x6F, 0x00];
    for apdu in [
        &[
            0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00,
            0x01,
        ][..],
        &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18],
        &[0x00, 0x20, 0x00, 0x80],
    ] {
        let response = transaction.transmit(apdu, &mut buffer)?;
        let sw = response
            .len()
            .checked_sub(2)
            .ok_or("an answer without SW1 SW2")?;
        answer.copy_from_slice(&response[sw..]);
    }
    transaction
        .end(pcsc::Disposition::LeaveCard)
        .map_err(|(_, error)| error)?;
    card.disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, error)| error)?;
    println!("{:02X}{:02X}", answer[0], answer[1]);
    Ok(())
}
