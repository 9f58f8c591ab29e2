//! The documentation's console examples are real, and its links lead somewhere.
//!
//! Every ```console block of README.md and of each docs/*.md file is run: a `$ idx ...` line
//! (or a pipeline `$ idx a | idx b`) is a command, and the lines after it, up to the next `$`
//! line or the end of the block, are what it prints. Lines that start with `error:`,
//! `warning:` or `  hint:` are its stderr, the others its stdout; both must match exactly.
//! An example that shows an `error:` must fail (a non-zero exit), any other must succeed.
//!
//! Commands run in the repository root. A `.csv` file named in an example that is not there is
//! taken from tests/data/readme/, and its path is shown as written in the messages. A file an
//! example writes with `-o FILE` goes to a temporary directory and must equal, byte for byte,
//! the FILE of that name in the repository (such as the README's chart); a failing example
//! must write nothing.
//!
//! Every relative link (`](docs/x.md)`, `](commands.md#idx-check)`, `](#anchor)`) must name an
//! existing file, and an anchor into a Markdown file must be one of its headings.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

struct Example {
    /// The Markdown file it is in, for messages.
    file: String,
    /// The commands of a pipeline (`idx a | idx b`), each as its arguments after `idx`.
    stages: Vec<Vec<String>>,
    stdout: String,
    stderr: String,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every docs/*.md, in a fixed order.
fn doc_files() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    let mut files = vec![root().join("README.md")];
    files.extend(docs);
    files
}

fn name_of(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

fn is_diagnostic(line: &str) -> bool {
    line.starts_with("error:") || line.starts_with("warning:") || line.starts_with("  hint:")
}

fn examples_in(path: &Path) -> Vec<Example> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let file = name_of(path);
    let mut out = Vec::new();
    let mut in_console = false;
    let mut current: Option<Example> = None;
    for line in text.lines() {
        if line.starts_with("```console") {
            in_console = true;
            continue;
        }
        if in_console && line.starts_with("```") {
            in_console = false;
            out.extend(current.take());
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.extend(current.take());
            let stages = cmd
                .split(" | ")
                .map(|stage| {
                    let words = split_words(stage);
                    assert_eq!(
                        words[0], "idx",
                        "{file}: example does not start with idx: {cmd}"
                    );
                    words[1..].to_vec()
                })
                .collect();
            current = Some(Example {
                file: file.clone(),
                stages,
                stdout: String::new(),
                stderr: String::new(),
            });
        } else if let Some(ex) = current.as_mut() {
            let to = if is_diagnostic(line) {
                &mut ex.stderr
            } else {
                &mut ex.stdout
            };
            to.push_str(line);
            to.push('\n');
        } else {
            panic!("{file}: a console block must start with a `$ idx` line: {line}");
        }
    }
    out
}

/// Words as a shell splits them, for the quoting the examples use: `"..."` keeps spaces.
fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quotes in {s}");
    if started {
        words.push(word);
    }
    words
}

/// Runs one example; returns a description of how it differs from what is shown, if it does.
fn run_example(ex: &Example, scratch: &Path) -> Option<String> {
    let root = root();
    let fixtures = root.join("tests/data/readme");
    let fixtures_prefix = format!("{}/", fixtures.display());
    let mut input: Option<Vec<u8>> = None;
    let mut stderr = String::new();
    let mut failed = false;
    // (the file in the repository, the file the example wrote)
    let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
    for stage in &ex.stages {
        let mut args: Vec<String> = Vec::new();
        for a in stage {
            let is_output = matches!(args.last().map(String::as_str), Some("-o" | "--output"));
            if is_output && a != "-" {
                let tmp = scratch.join(format!("{}-{}", written.len(), a.replace('/', "_")));
                written.push((root.join(a), tmp.clone()));
                args.push(tmp.display().to_string());
            } else if a.ends_with(".csv") && !root.join(a).exists() && fixtures.join(a).exists() {
                args.push(fixtures.join(a).display().to_string());
            } else {
                args.push(a.clone());
            }
        }
        let mut cmd = Command::cargo_bin("idx").unwrap();
        cmd.current_dir(root).args(&args);
        cmd.write_stdin(input.take().unwrap_or_default());
        let out = cmd.output().unwrap();
        failed |= !out.status.success();
        stderr.push_str(&String::from_utf8_lossy(&out.stderr));
        input = Some(out.stdout);
    }
    let stderr = stderr.replace(&fixtures_prefix, "");
    let stdout = String::from_utf8_lossy(&input.unwrap_or_default()).into_owned();
    let shows_error = ex.stderr.lines().any(|l| l.starts_with("error:"));
    let mut problems = Vec::new();
    if stdout != ex.stdout {
        problems.push(format!(
            "stdout differs:\n--- shown\n{}--- printed\n{stdout}",
            ex.stdout
        ));
    }
    if stderr != ex.stderr {
        problems.push(format!(
            "stderr differs:\n--- shown\n{}--- printed\n{stderr}",
            ex.stderr
        ));
    }
    if failed != shows_error {
        problems.push(format!(
            "it {} but the example {} an error",
            if failed { "failed" } else { "succeeded" },
            if shows_error {
                "shows"
            } else {
                "does not show"
            }
        ));
    }
    for (committed, tmp) in written {
        if failed {
            // A failed run writes nothing.
            if tmp.exists() {
                problems.push(format!("it failed but wrote {}", name_of(&committed)));
            }
            continue;
        }
        let made = std::fs::read(&tmp).unwrap_or_default();
        match std::fs::read(&committed) {
            Ok(bytes) if bytes == made => {}
            Ok(_) => problems.push(format!("it writes a different {}", name_of(&committed))),
            Err(_) => problems.push(format!(
                "it writes {}, which is not in the repository",
                name_of(&committed)
            )),
        }
    }
    if problems.is_empty() {
        return None;
    }
    let shown: Vec<String> = ex
        .stages
        .iter()
        .map(|s| format!("idx {}", s.join(" ")))
        .collect();
    Some(format!(
        "{}: `{}`: {}",
        ex.file,
        shown.join(" | "),
        problems.join("\n")
    ))
}

#[test]
fn console_examples_of_the_readme_and_docs_produce_their_documented_output() {
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for path in doc_files() {
        let exs = examples_in(&path);
        if path.ends_with("README.md") {
            // One per command (compute, returns, weights, share, relative, chart, check) at least.
            assert!(
                exs.len() >= 7,
                "expected the README's examples, found {}",
                exs.len()
            );
        }
        failures.extend(exs.iter().filter_map(|ex| run_example(ex, scratch.path())));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_command_has_a_console_example_in_the_readme() {
    let exs = examples_in(&root().join("README.md"));
    for command in [
        "compute", "returns", "weights", "share", "relative", "chart", "check",
    ] {
        assert!(
            exs.iter()
                .any(|ex| ex.stages.iter().any(|s| s[0] == command)),
            "the README has no console example of idx {command}"
        );
    }
}

/// The lines of a Markdown file outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fenced = false;
    text.lines()
        .filter(|l| {
            if l.starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

/// The anchors GitHub gives a file's headings: lower case, spaces to `-`, punctuation other
/// than `-` and `_` dropped; a repeated heading gets `-1`, `-2` ...
fn anchors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in prose_lines(text) {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let slug: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let n = out
            .iter()
            .filter(|a| **a == slug || a.strip_prefix(&slug).is_some_and(is_suffix))
            .count();
        out.push(if n == 0 { slug } else { format!("{slug}-{n}") });
    }
    out
}

fn is_suffix(rest: &str) -> bool {
    rest.strip_prefix('-')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// The targets of the inline links `[text](target)` of a line.
fn link_targets(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

#[test]
fn relative_links_of_the_readme_and_docs_lead_to_existing_files_and_headings() {
    let mut broken = Vec::new();
    let mut count = 0;
    for path in doc_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let dir = path.parent().unwrap();
        for line in prose_lines(&text) {
            for target in link_targets(line) {
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                count += 1;
                let (file, anchor) = match target.split_once('#') {
                    Some((f, a)) => (f, Some(a)),
                    None => (target, None),
                };
                let linked = if file.is_empty() {
                    path.clone()
                } else {
                    dir.join(file)
                };
                if !linked.exists() {
                    broken.push(format!("{}: {target}: no such file", name_of(&path)));
                    continue;
                }
                if let Some(anchor) = anchor {
                    if linked.extension().is_some_and(|e| e == "md") {
                        let heads = anchors(&std::fs::read_to_string(&linked).unwrap());
                        if !heads.iter().any(|h| h == anchor) {
                            broken.push(format!("{}: {target}: no such heading", name_of(&path)));
                        }
                    }
                }
            }
        }
    }
    assert!(
        count >= 10,
        "expected the documentation's links, found {count}"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    let text =
        "# Title\n## `idx check`\n```sh\n# not a heading\n```\n## Output: `--format`, `-o`\n\
                ## Output\n## Output\n#nope\n";
    assert_eq!(
        anchors(text),
        [
            "title",
            "idx-check",
            "output---format--o",
            "output",
            "output-1"
        ]
    );
}
