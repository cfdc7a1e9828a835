//! The window's few options. No argument parser crate: the window is started by a double-click,
//! and tests use `--demo` and `--lang`.

use mynapin::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// Open on the demo card instead of the card readers.
    pub demo: bool,
    /// The language; `None`: the system's.
    pub lang: Option<Lang>,
}

pub const USAGE: &str = "usage: mynapin-gui [--demo] [--lang ja|en]";

impl Args {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut parsed = Args {
            demo: false,
            lang: None,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => parsed.demo = true,
                "--lang" => {
                    parsed.lang = Some(match args.next().as_deref() {
                        Some("ja") => Lang::Ja,
                        Some("en") => Lang::En,
                        _ => return Err(format!("--lang takes ja or en\n{USAGE}")),
                    })
                }
                _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
            }
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn demo_and_language() {
        assert_eq!(
            parse(&["--lang", "ja", "--demo"]),
            Ok(Args {
                demo: true,
                lang: Some(Lang::Ja)
            })
        );
        assert_eq!(parse(&[]).map(|args| args.lang), Ok(None));
        assert!(parse(&["--lang", "fr"]).is_err());
        assert!(parse(&["--pin", "1234"]).is_err());
    }
}
