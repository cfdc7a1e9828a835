fn main() {
    std::process::exit(mynapin::cli::main());
}
