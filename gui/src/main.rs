//! `mynapin-gui`: the window. No console window on Windows.
#![windows_subsystem = "windows"]

fn main() -> std::process::ExitCode {
    let args = match mynapin_gui::Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            return std::process::ExitCode::from(2);
        }
    };
    match mynapin_gui::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mynapin-gui: the window could not open: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
