#![forbid(unsafe_code)]

fn main() {
    std::process::exit(mynapin::cli::main());
}
