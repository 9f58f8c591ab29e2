//! Source layout rules of issue 13, checked over `src/`:
//!
//! * no source file over [`MAX_FILE_LINES`] lines outside tests: `tests.rs` files are not
//!   counted, nor the lines of items marked `#[cfg(test)]`;
//! * no function over [`MAX_FN_LINES`] lines, measured from the line of its `fn` keyword to the
//!   line of its closing brace, both included.
//!
//! Lines are counted as `wc -l` counts them: the number of newline characters.
//!
//! `cargo test --test layout` lists every offender in its failure.

use std::fs;
use std::path::{Path, PathBuf};

/// The most lines a source file may have, not counting its test code.
const MAX_FILE_LINES: usize = 800;

/// The most lines a function may have, from its `fn` line to its closing brace.
const MAX_FN_LINES: usize = 120;

/// A token of Rust source, as far as this check needs: comments, strings and character
/// literals are skipped, so a brace or a `fn` inside them is not seen.
#[derive(Debug, PartialEq)]
enum Tok {
    /// An identifier or keyword.
    Word(String),
    /// Any other single character outside comments and literals.
    Punct(char),
}

/// Tokens of `src` with the 0-based line each starts on.
fn tokens(src: &str) -> Vec<(usize, Tok)> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut line = 0;
    let mut i = 0;
    // Advances over `c[from..to]`, counting newlines.
    let skip = |from: usize, to: usize, line: &mut usize| {
        *line += c[from..to.min(c.len())]
            .iter()
            .filter(|&&ch| ch == '\n')
            .count();
        to
    };
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '/' && next == Some('/') {
            let mut j = i;
            while j < c.len() && c[j] != '\n' {
                j += 1;
            }
            i = skip(i, j, &mut line);
        } else if ch == '/' && next == Some('*') {
            let mut depth = 0;
            let mut j = i;
            while j < c.len() {
                if c[j] == '/' && c.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if c[j] == '*' && c.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            i = skip(i, j, &mut line);
        } else if let Some(end) = raw_string_end(&c, i) {
            i = skip(i, end, &mut line);
        } else if ch == '"' || (ch == 'b' && next == Some('"')) {
            let mut j = if ch == 'b' { i + 2 } else { i + 1 };
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            i = skip(i, j + 1, &mut line);
        } else if ch == '\'' || (ch == 'b' && next == Some('\'')) {
            let q = if ch == 'b' { i + 1 } else { i };
            if c.get(q + 1) == Some(&'\\') {
                // An escaped character literal: up to the next unescaped quote.
                let mut j = q + 3;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                i = skip(i, j + 1, &mut line);
            } else if c.get(q + 2) == Some(&'\'') {
                i = skip(i, q + 3, &mut line);
            } else {
                // A lifetime or label: the quote alone, the name follows as a word.
                out.push((line, Tok::Punct('\'')));
                i = q + 1;
            }
        } else if ch.is_alphanumeric() || ch == '_' {
            let mut j = i;
            while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
                j += 1;
            }
            out.push((line, Tok::Word(c[i..j].iter().collect())));
            i = j;
        } else {
            if ch == '\n' {
                line += 1;
            } else if !ch.is_whitespace() {
                out.push((line, Tok::Punct(ch)));
            }
            i += 1;
        }
    }
    out
}

/// If a raw string literal (`r"…"`, `r#"…"#`, `br#"…"#`) starts at `i`, the index just past it.
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    if i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if c.get(j) == Some(&'b') {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while c.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if c.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < c.len() {
        if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(c.len())
}

/// The index of the token closing the brace opened at `open`.
fn matching_brace(toks: &[(usize, Tok)], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, (_, t)) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len() - 1
}

/// The index of the `{` opening the body of the item whose header starts at `from`, or `None`
/// when the item ends with `;` first (a declaration without a body, a `mod x;`).
fn body_start(toks: &[(usize, Tok)], from: usize) -> Option<usize> {
    let mut nesting = 0i32;
    for (k, (_, t)) in toks.iter().enumerate().skip(from) {
        match t {
            Tok::Punct('(' | '[') => nesting += 1,
            Tok::Punct(')' | ']') => nesting -= 1,
            Tok::Punct('{') if nesting == 0 => return Some(k),
            Tok::Punct(';') if nesting == 0 => return None,
            _ => {}
        }
    }
    None
}

/// What the check found in one file.
struct Measure {
    /// Lines as `wc -l` counts them.
    lines: usize,
    /// Lines inside items marked `#[cfg(test)]`.
    test_lines: usize,
    /// Each function with a body: name, first line (1-based) and length in lines.
    functions: Vec<(String, usize, usize)>,
}

/// Measures one source file.
fn measure(src: &str) -> Measure {
    let toks = tokens(src);
    let is = |k: usize, p: char| matches!(toks.get(k), Some((_, Tok::Punct(x))) if *x == p);
    let word = |k: usize| match toks.get(k) {
        Some((_, Tok::Word(w))) => Some(w.as_str()),
        _ => None,
    };
    let mut test_lines = 0;
    let mut functions = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        // `#[cfg(test)] item`: the lines from the attribute to the item's end.
        if is(k, '#')
            && is(k + 1, '[')
            && word(k + 2) == Some("cfg")
            && is(k + 3, '(')
            && word(k + 4) == Some("test")
            && is(k + 5, ')')
            && is(k + 6, ']')
        {
            let first = toks[k].0;
            let last = match body_start(&toks, k + 7) {
                Some(open) => toks[matching_brace(&toks, open)].0,
                None => toks[(k + 7..toks.len()).find(|&j| is(j, ';')).unwrap_or(k)].0,
            };
            test_lines += last - first + 1;
            // Functions inside are still measured: the scan goes on within the item.
        }
        if word(k) == Some("fn") {
            if let Some(name) = word(k + 1) {
                if let Some(open) = body_start(&toks, k + 2) {
                    let first = toks[k].0;
                    let last = toks[matching_brace(&toks, open)].0;
                    functions.push((name.to_string(), first + 1, last - first + 1));
                }
            }
        }
        k += 1;
    }
    Measure {
        lines: src.matches('\n').count(),
        test_lines,
        functions,
    }
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// The offenders of both rules over `src/`, one line each.
fn offenders() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for path in rust_files(&root.join("src")) {
        let src = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let m = measure(&src);
        let is_tests_file = path.file_name().is_some_and(|n| n == "tests.rs");
        let counted = m.lines - m.test_lines.min(m.lines);
        if !is_tests_file && counted > MAX_FILE_LINES {
            out.push(format!(
                "{shown}: {counted} lines outside tests ({} in all), more than {MAX_FILE_LINES}",
                m.lines
            ));
        }
        for (name, line, len) in m.functions {
            if len > MAX_FN_LINES {
                out.push(format!(
                    "{shown}:{line}: fn {name} is {len} lines, more than {MAX_FN_LINES}"
                ));
            }
        }
    }
    out
}

#[test]

fn no_long_files_or_functions_in_src() {
    let found = offenders();
    assert!(
        found.is_empty(),
        "{} layout offenders:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_measure_counts_lines_as_wc_and_skips_literals_and_test_items() {
    let src = "fn short() {\n    let s = \"}\";\n    let c = '}';\n    let r = r#\"{\"#;\n}\n\
               // fn not_a_function() {\n\
               /* { */\n\
               #[cfg(test)]\nmod tests {\n    fn inner<'a>(x: &'a [u8; 2]) -> &'a u8 {\n        &x[0]\n    }\n}\n";
    let m = measure(src);
    assert_eq!(m.lines, 13);
    assert_eq!(m.test_lines, 6);
    assert_eq!(
        m.functions,
        vec![("short".to_string(), 1, 5), ("inner".to_string(), 10, 3)]
    );
}

/// Whether `toks` name clap, or the command layer (`crate::cli`, `crate::cmd`, `super::cmd`).
fn command_layer_names(toks: &[(usize, Tok)]) -> Vec<(usize, String)> {
    let word = |k: usize| match toks.get(k) {
        Some((_, Tok::Word(w))) => Some(w.as_str()),
        _ => None,
    };
    let colons = |k: usize| {
        matches!(toks.get(k), Some((_, Tok::Punct(':'))))
            && matches!(toks.get(k + 1), Some((_, Tok::Punct(':'))))
    };
    let mut out = Vec::new();
    for (k, (line, _)) in toks.iter().enumerate() {
        let line = line + 1;
        if word(k) == Some("clap") {
            out.push((line, "clap".to_string()));
        }
        if matches!(word(k), Some("crate" | "idx")) && colons(k + 1) {
            if let Some(m @ ("cli" | "cmd")) = word(k + 3) {
                out.push((line, format!("{}::{m}", word(k).unwrap_or_default())));
            }
        }
    }
    out
}

/// Only `src/cmd/`, `src/cli.rs` (with `src/cli/`) and `src/main.rs` see clap's types and the command layer: the
/// library modules take typed requests, and no import runs from the library back up to the
/// commands (so the command layer cannot be part of an import cycle).
#[test]
fn only_the_command_layer_sees_clap() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut found = Vec::new();
    for path in rust_files(&src) {
        let rel = path.strip_prefix(&src).unwrap_or(&path);
        if rel.starts_with("cmd")
            || rel.starts_with("cli")
            || rel == Path::new("cli.rs")
            || rel == Path::new("main.rs")
        {
            continue;
        }
        if rel == Path::new("lib.rs") {
            // It declares the modules (`pub mod cli; pub mod cmd;`) and nothing else of them.
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        for (line, name) in command_layer_names(&tokens(&text)) {
            found.push(format!("{}:{line}: {name}", rel.display()));
        }
    }
    assert!(
        found.is_empty(),
        "outside the command layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_clap_check_sees_what_it_should() {
    let names = |s: &str| command_layer_names(&tokens(s));
    assert_eq!(
        names("use crate::cli::CheckArgs;\nfn f(a: clap::Args) {}\n"),
        vec![(1, "crate::cli".to_string()), (2, "clap".to_string())]
    );
    // Comments and strings are not code.
    assert_eq!(names("// crate::cli\nconst S: &str = \"clap\";\n"), vec![]);
}
