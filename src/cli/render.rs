//! Renderers more than one command shares: the counter in words and in JSON, the card type, the
//! certificate's validity line, the fields of `status --json`. Commands use these and never one
//! another.

mod certificate;
mod counter;
mod status;

pub(crate) use certificate::{japan_date_time, status_lines, CertificateStatusJson};
pub(crate) use counter::{
    card_type_text, counter_advice, counter_line, counter_state, counter_text, pin_line,
};
pub(crate) use status::StatusFields;
