//! The devnode's modules form layers a reader can follow top-down: no module imports, directly
//! or through others, a module that imports it back. Read from the sources, so a new `use`
//! that closes a circle fails here.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

/// The module path of a source file under `src/` (`rpc/chain.rs` → `rpc::chain`).
fn module_name(relative: &Path) -> Option<String> {
    let stem = relative.with_extension("");
    let name = stem.to_str()?.replace('/', "::");
    match name.as_str() {
        "lib" | "main" => None,
        "rpc::mod" => Some("rpc".to_owned()),
        _ => Some(name),
    }
}

/// The identifiers that follow `prefix` in `code`, including each name of a `prefix{a, b::c}`
/// group (first path segment only).
fn paths_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices(prefix) {
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_ascii_alphabetic() || c == '_') => {
                        found.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Module → the crate modules its code (not its comments) names.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for dir in [src.clone(), src.join("rpc")] {
        for entry in fs::read_dir(&dir).expect("src/ and src/rpc/ are readable") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut raw = BTreeMap::new();
    for path in files {
        let relative = path.strip_prefix(&src).expect("under src/");
        let Some(name) = module_name(relative) else {
            continue;
        };
        let text = fs::read_to_string(&path).expect("a source file");
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut deps = paths_after(&code, "crate::");
        if let Some((parent, _)) = name.rsplit_once("::") {
            for sibling in paths_after(&code, "super::") {
                deps.insert(format!("{parent}::{sibling}"));
            }
        }
        raw.insert(name, deps);
    }
    let names: BTreeSet<String> = raw.keys().cloned().collect();
    raw.into_iter()
        .map(|(name, deps)| {
            let deps = deps
                .into_iter()
                .filter(|d| d != &name && names.contains(d))
                .collect();
            (name, deps)
        })
        .collect()
}

/// A cycle through `start`, if one exists (depth-first search).
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    node: &str,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    for next in graph.get(node).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_owned());
            return Some(cycle);
        }
        if seen.insert(next.clone()) {
            path.push(next.clone());
            if let Some(cycle) = cycle_from(graph, start, next, path, seen) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let graph = module_graph();
    // The graph was read: the core modules and their known edges are there.
    assert!(graph["exec"].contains("stylus"), "{graph:?}");
    assert!(graph["stylus"].contains("host"), "{graph:?}");
    assert!(graph["rpc::server"].contains("rpc::chain"), "{graph:?}");
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        if let Some(cycle) = cycle_from(&graph, start, start, &mut path, &mut BTreeSet::new()) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_reader_finds_a_planted_cycle() {
    let mut graph = module_graph();
    graph
        .get_mut("context")
        .expect("context is a module")
        .insert("exec".to_owned());
    let mut path = vec!["context".to_owned()];
    let cycle = cycle_from(
        &graph,
        "context",
        "context",
        &mut path,
        &mut BTreeSet::new(),
    );
    assert_eq!(
        cycle.as_ref().map(|c| c.first().cloned()),
        Some(Some("context".to_owned()))
    );
    assert_eq!(
        cycle.map(|c| c.last().cloned()),
        Some(Some("context".to_owned()))
    );
}
