//! `mynapin man`: the one man page (section 1), made from the command definition in the chosen
//! language: the program's options, then every command with its own options, so that it names no
//! other page. Characters beyond ASCII are roff escapes (`\[u30DE]`) and the Japanese page loads
//! groff's Japanese line-breaking (`ja.tmac`), so `man` and `groff -ww` render both without
//! warnings.

use std::io::Write;

use clap::CommandFactory;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use super::{help, Cli, CliError, ExitCode};
use crate::i18n::Lang;

/// Prints the man page in `lang`.
pub fn run(lang: Lang) -> Result<ExitCode, CliError> {
    let page = page(lang).map_err(|source| CliError::Io { path: None, source })?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(page.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|source| CliError::Io { path: None, source })?;
    Ok(ExitCode::Success)
}

/// The page, as roff source.
pub fn page(lang: Lang) -> std::io::Result<String> {
    let command = help::localized(Cli::command().bin_name("mynapin"), lang);
    let version = command.get_version().unwrap_or_default().to_string();
    let man = Man::new(command.clone()).source(format!("mynapin {version}"));
    let mut page = APOSTROPHE.map(|line| format!("{line}\n")).concat();
    page.push_str(&rendered(|out| man.render_title(out))?);
    if lang == Lang::Ja {
        // Breaks between Japanese characters (kinsoku as in ja.tmac), lines not stretched.
        page.push_str(".mso ja.tmac\n.ds AD l\n.ad l\n");
    }
    page.push_str(&rendered(|out| man.render_name_section(out))?);
    page.push_str(&rendered(|out| man.render_synopsis_section(out))?);
    page.push_str(&rendered(|out| man.render_description_section(out))?);
    page.push_str(&rendered(|out| man.render_options_section(out))?);
    let mut commands = Roff::new();
    commands.control("SH", [lang.pick("COMMANDS", "コマンド")]);
    page.push_str(&own(&commands));
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        page.push_str(&command_section(sub, lang)?);
    }
    if let Some(after) = command.get_after_long_help().or(command.get_after_help()) {
        let mut notes = Roff::new();
        notes.control("SH", [lang.pick("NOTES", "補足")]);
        page.push_str(&own(&notes));
        page.push_str(&paragraphs(&after.to_string()));
    }
    // English has some Japanese too (the PINs' names).
    Ok(escaped(&page))
}

/// One command: its synopsis, what it does, its options and its notes, under a subheading.
fn command_section(sub: &clap::Command, lang: Lang) -> std::io::Result<String> {
    let name = sub.get_bin_name().unwrap_or(sub.get_name()).to_string();
    // Its own options only: the program's are above, and every command has --help.
    let shared: Vec<String> = sub
        .get_arguments()
        .filter(|arg| arg.is_global_set() || arg.get_id() == "help")
        .map(|arg| arg.get_id().to_string())
        .collect();
    let own_options = shared
        .iter()
        .fold(sub.clone(), |sub, id| sub.mut_arg(id, |arg| arg.hide(true)));
    let notes = sub.get_after_long_help().or(sub.get_after_help()).cloned();
    let sub = &own_options;
    let man = Man::new(sub.clone());
    let mut heading = Roff::new();
    heading.control("SS", [name.as_str()]);
    let mut section = own(&heading);
    // The subcommand's own sections become paragraphs of this one.
    let demoted = |text: String| -> String {
        text.lines()
            .filter(|line| !line.starts_with(".SH"))
            .map(|line| format!("{line}\n"))
            .collect()
    };
    section.push_str(&demoted(rendered(|out| man.render_synopsis_section(out))?));
    let mut description = Roff::new();
    description.control("PP", []);
    section.push_str(&own(&description));
    section.push_str(&demoted(rendered(|out| {
        man.render_description_section(out)
    })?));
    let has_options = sub.get_arguments().any(|arg| !arg.is_hide_set());
    if has_options {
        let mut options = Roff::new();
        options.control("PP", []);
        let label = if sub
            .get_arguments()
            .all(|arg| arg.is_hide_set() || arg.is_positional())
        {
            lang.pick("Arguments:", "引数:")
        } else {
            lang.pick("Options:", "オプション:")
        };
        options.text([bold(label)]);
        section.push_str(&own(&options));
        section.push_str(&demoted(rendered(|out| man.render_options_section(out))?));
    }
    if let Some(after) = notes {
        section.push_str(&paragraphs(&after.to_string()));
    }
    Ok(section)
}

/// Help text as roff: "  name   what it is" lines as tagged paragraphs, other lines as text,
/// blank lines as paragraph breaks.
fn paragraphs(text: &str) -> String {
    let mut roff = Roff::new();
    roff.control("PP", []);
    let mut in_item = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let item = (line.len() > trimmed.len())
            .then(|| trimmed.split_once("  "))
            .flatten();
        match item {
            _ if trimmed.is_empty() => {
                roff.control("PP", []);
                in_item = false;
            }
            Some((tag, what)) => {
                roff.control("TP", []);
                roff.text([bold(tag)]);
                roff.text([roman(what.trim_start())]);
                in_item = true;
            }
            None => {
                if in_item {
                    // A plain line after a list ends the list.
                    roff.control("PP", []);
                    in_item = false;
                }
                roff.text([roman(trimmed)]);
            }
        }
    }
    own(&roff)
}

/// The lines that define `\*(Aq`, the apostrophe `roff` writes: each rendering starts with them,
/// the page has them once, at the top.
const APOSTROPHE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];

/// What clap_mangen renders, without the apostrophe lines.
fn rendered(render: impl Fn(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<String> {
    let mut out = Vec::new();
    render(&mut out)?;
    Ok(without_apostrophe_lines(&String::from_utf8_lossy(&out)))
}

/// Roff of our own, without the apostrophe lines.
fn own(roff: &Roff) -> String {
    without_apostrophe_lines(&roff.render())
}

fn without_apostrophe_lines(roff: &str) -> String {
    roff.lines()
        .filter(|line| !APOSTROPHE.contains(line))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Every character beyond ASCII as a roff escape, so that troff reads the page whatever input
/// encoding it assumes.
fn escaped(page: &str) -> String {
    let mut out = String::with_capacity(page.len() * 2);
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}
