//! `mynapin --version`: the version, the git commit and the target, e.g.
//! `0.1.0 (commit 21bd275a1b2c, x86_64-unknown-linux-gnu)`. scripts/package sets MYNAPIN_COMMIT;
//! a build without it says so rather than guess from a checkout that may have changed since.

fn main() {
    println!("cargo:rerun-if-env-changed=MYNAPIN_COMMIT");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let target = std::env::var("TARGET").unwrap_or_default();
    let commit = match std::env::var("MYNAPIN_COMMIT") {
        Ok(commit) if !commit.is_empty() => format!("commit {commit}"),
        _ => "commit not recorded".to_string(),
    };
    println!("cargo:rustc-env=MYNAPIN_VERSION_LINE={version} ({commit}, {target})");
}
