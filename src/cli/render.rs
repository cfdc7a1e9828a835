//! Renderers more than one command shares: the counter in a status line and in JSON, a library
//! message with the command to run next, the certificate's validity line, the fields of
//! `status --json`. The words themselves are the library's (`crate::text`). Commands use these
//! and never one another.

mod certificate;
mod counter;
mod message;
mod status;

pub(crate) use certificate::{status_lines, CertificateStatusJson};
pub(crate) use counter::{counter_state, next_step_codes, pin_line};
pub(crate) use message::say;
pub(crate) use status::StatusFields;
