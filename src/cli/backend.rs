//! The card a command talks to: a reader through PC/SC, or the built-in demo card.

use std::path::PathBuf;

use apdu::{Connection, Disposition, TransactionStart, Transport, TransportError};

use super::args::Options;
use super::deadline::Deadline;
use super::output::Output;
use super::{demo, CliError};
use crate::card_model::{CardModel, CardState};
use crate::i18n::Lang;
use crate::reader::PcscConnection;

/// The name the demo card's reader shows.
pub const DEMO_READER: &str = "mynapin demo card";

/// An open card.
pub enum Backend {
    /// A real (or virtual) card through PC/SC, each operation under the deadline.
    Pcsc(PcscConnection, Deadline),
    /// The demo card and the file its state lives in.
    Demo {
        /// The card model.
        card: Box<CardModel>,
        /// Its state file.
        path: PathBuf,
        /// The state as loaded: saved again only if a command changed it.
        loaded: Box<CardState>,
    },
}

impl Backend {
    /// Opens the card the options name.
    pub fn open(options: &Options) -> Result<Backend, CliError> {
        if options.demo {
            if let Some(reader) = &options.reader {
                // The demo card's one reader, as `--demo readers` lists it: index 0.
                let reader = reader.trim();
                let matches = reader == "0" || DEMO_READER.contains(reader.to_lowercase().as_str());
                if !matches {
                    return Err(crate::reader::ReaderError::UnknownReader {
                        given: reader.to_string(),
                        available: vec![DEMO_READER.to_string()],
                    }
                    .into());
                }
            }
            let path = demo::state_path()?;
            let card = CardModel::new(demo::load_state(&path)?);
            return Ok(Backend::Demo {
                loaded: Box::new(card.state().clone()),
                card: Box::new(card),
                path,
            });
        }
        let deadline = options.deadline;
        let connection = deadline.run(|| PcscConnection::open(options.reader.as_deref()))?;
        super::unpower::remember_reader(&connection.reader().name);
        Ok(Backend::Pcsc(connection, deadline))
    }

    /// The reader's name.
    pub fn reader_name(&self) -> String {
        match self {
            Backend::Pcsc(connection, _) => connection.reader().name.clone(),
            Backend::Demo { .. } => DEMO_READER.to_string(),
        }
    }

    /// The card's ATR, for diagnostics only.
    pub fn atr(&self) -> Vec<u8> {
        match self {
            Backend::Pcsc(connection, _) => connection.reader().atr.clone().unwrap_or_default(),
            Backend::Demo { card, .. } => card.atr().to_vec(),
        }
    }

    /// What `verify` and `change-pin` do with the card: open it, run `attempt` (the counter, the
    /// prompt with no transaction open, the guarded command), then close it. An error from
    /// `attempt` comes first (closing cannot change it); else the close is
    /// [`Backend::finish_after_pin`], with `done` saying what the command did. Returns the
    /// reader's name and the outcome.
    pub fn run_pin_attempt<T>(
        options: &Options,
        out: &Output,
        attempt: impl FnOnce(&mut Backend) -> Result<T, CliError>,
        done: impl Fn(&T, Lang) -> String,
    ) -> Result<(String, T), CliError> {
        let mut backend = Backend::open(options)?;
        let reader = backend.reader_name();
        let outcome = match attempt(&mut backend) {
            Ok(outcome) => outcome,
            Err(error) => {
                let _ = backend.finish();
                return Err(error);
            }
        };
        backend.finish_after_pin(out, |lang| done(&outcome, lang))?;
        Ok((reader, outcome))
    }

    /// [`Backend::finish`] after a command that sent a PIN: a demo card whose changed state could
    /// not be saved is an error the user sees, after what the command did (`done`, printed here in
    /// text mode, carried in the error document in JSON). Any other failure to close comes after
    /// the card answered: logged, the answer stands.
    pub fn finish_after_pin(
        self,
        out: &Output,
        done: impl Fn(Lang) -> String,
    ) -> Result<(), CliError> {
        match self.finish() {
            Err(CliError::DemoNotSaved { source, .. }) => {
                out.text(done(out.lang));
                Err(CliError::DemoNotSaved {
                    source,
                    done: if out.json {
                        (done(Lang::En), done(Lang::Ja))
                    } else {
                        Default::default()
                    },
                })
            }
            Err(error) => {
                log::warn!("closing the card failed after the card answered: {error}");
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    }

    /// Disconnects, leaving the card as it is (a VERIFY transaction already cut its power), and
    /// saves the demo card's counters if they changed.
    pub fn finish(self) -> Result<(), CliError> {
        match self {
            Backend::Pcsc(connection, deadline) => {
                Ok(deadline.run(|| connection.close(Disposition::Leave))?)
            }
            Backend::Demo { card, path, loaded } => {
                demo::append_apdu_log(&card)?;
                if card.state() != &*loaded {
                    card.state()
                        .save(&path)
                        .map_err(|source| CliError::DemoNotSaved {
                            source,
                            done: Default::default(),
                        })?;
                }
                Ok(())
            }
        }
    }
}

impl Connection for Backend {
    fn transaction<R>(
        &mut self,
        end: Disposition,
        work: impl FnOnce(&mut dyn Transport, TransactionStart) -> R,
    ) -> Result<R, TransportError> {
        // Ctrl-C lets it end (a guarded one unpowers the card) before the process exits.
        super::interrupt::card_transaction(|| match self {
            // PC/SC has no time-out of its own: each transaction runs under the deadline.
            Backend::Pcsc(connection, deadline) => {
                deadline.run(|| connection.transaction(end, work))
            }
            Backend::Demo { card, .. } => card.transaction(end, work),
        })
    }
}
