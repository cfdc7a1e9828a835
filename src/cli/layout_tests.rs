//! The CLI's shape, kept: commands use shared modules (arguments, renderers, the backend,
//! output) and never one another, no modules import each other in a circle, and no option takes
//! a free value (a PIN is never an argument).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One file per subcommand.
const COMMANDS: [&str; 10] = [
    "readers",
    "status",
    "verify",
    "change_pin",
    "check",
    "cert",
    "watch",
    "reset_demo",
    "virtual_card",
    "completions",
];

/// Each module of `src/cli/` and the sibling modules its non-test code names (`super::x`,
/// `crate::cli::x`, `CliError`/`ExitCode` counting as `error`).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let modules: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".rs").map(str::to_string)
        })
        .collect();
    let mut graph = BTreeMap::new();
    for module in &modules {
        let source = std::fs::read_to_string(dir.join(format!("{module}.rs"))).unwrap();
        let code = source.split("#[cfg(test)]").next().unwrap();
        let mut names = BTreeSet::new();
        for prefix in ["super::", "crate::cli::"] {
            for (at, _) in code.match_indices(prefix) {
                let rest = &code[at + prefix.len()..];
                let group = match rest.strip_prefix('{') {
                    Some(group) => &group[..group.find('}').unwrap_or(group.len())],
                    None => {
                        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'));
                        &rest[..end.unwrap_or(rest.len())]
                    }
                };
                for item in group.split(',') {
                    let item: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let item = match item.as_str() {
                        "CliError" | "ExitCode" => "error".to_string(),
                        _ => item,
                    };
                    if modules.contains(&item) && &item != module {
                        names.insert(item);
                    }
                }
            }
        }
        graph.insert(module.clone(), names);
    }
    graph
}

#[test]
fn commands_never_import_each_other() {
    let graph = imports();
    for command in COMMANDS {
        let uses = &graph[command];
        let others: Vec<_> = COMMANDS.iter().filter(|c| uses.contains(**c)).collect();
        assert!(
            others.is_empty(),
            "{command} imports the command(s) {others:?}"
        );
    }
    // The graph is read at all: the commands use the shared modules.
    assert!(graph["verify"].contains("backend") && graph["status"].contains("render"));
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    let graph = imports();
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = graph[start].iter().collect();
        while let Some(module) = todo.pop() {
            assert!(
                module != start,
                "{start} reaches itself through its imports"
            );
            if seen.insert(module) {
                todo.extend(graph.get(module).into_iter().flatten());
            }
        }
    }
}

#[test]
fn no_option_takes_a_value_that_could_be_a_pin() {
    // Every option that takes a value is one of these, and none of them is a PIN: `--pin` names
    // which PIN, from a fixed list.
    let allowed = [
        "reader", "lang", "pin", "shell", "vpcd", "state", "atr", "log", "faults", "which",
        "format", "out", "timeout",
    ];
    let command = <super::Cli as clap::CommandFactory>::command();
    for sub in command.get_subcommands().chain(std::iter::once(&command)) {
        for arg in sub
            .get_arguments()
            .filter(|arg| arg.get_action().takes_values())
        {
            let id = arg.get_id().as_str();
            assert!(
                allowed.contains(&id),
                "{} takes a value through {id}: is it a PIN?",
                sub.get_name()
            );
            if id == "pin" {
                let values: Vec<String> = arg
                    .get_possible_values()
                    .iter()
                    .map(|v| v.get_name().to_string())
                    .collect();
                assert!(
                    !values.is_empty(),
                    "--pin of {} takes a free value",
                    sub.get_name()
                );
                assert!(
                    values
                        .iter()
                        .all(|v| ["auth", "sign", "card-info", "all"].contains(&v.as_str())),
                    "{values:?}"
                );
            }
        }
    }
}
