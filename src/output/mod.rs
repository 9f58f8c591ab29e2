//! Writing results: rounding, CSV and JSON rendering, and atomic output files.
//!
//! Rounding happens here and only here: half away from zero to the requested number of
//! decimals (`--decimals`), with trailing zeros kept so a column lines up (`1000.00`).

pub mod index;
pub mod returns;
pub mod text;

pub use index::{level_labels, rounded, LevelTable, Written};

use crate::error::Error;
use rust_decimal::{Decimal, RoundingStrategy};
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output format for data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects, one per row; numbers are JSON numbers written exactly.
    Json,
    /// Aligned text: the first column left-aligned, the others right-aligned.
    Table,
    /// A Markdown pipe table.
    Markdown,
}

/// One cell of a result table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Text (a date, a symbol); quoted in JSON.
    Text(String),
    /// A number already formatted as plain decimal text; bare in JSON.
    Number(String),
    /// No value (empty in CSV, `null` in JSON).
    Empty,
}

impl Cell {
    /// The cell as CSV text (empty for [`Cell::Empty`]).
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) => s,
            Cell::Empty => "",
        }
    }
}

/// A rectangular result: a header and rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<Cell>>,
}

/// Rounds half away from zero to `decimals` places and writes exactly that many decimals.
///
/// ```
/// use rust_decimal::Decimal;
/// // 12487.7494… (1650 / 0.132129493, the DJIA arithmetic) to the cent:
/// let level = Decimal::new(1650, 0) / Decimal::new(132129493, 9);
/// assert_eq!(idx::output::fixed(level, 2), "12487.75");
/// assert_eq!(idx::output::fixed(Decimal::new(2345, 3), 2), "2.35");
/// assert_eq!(idx::output::fixed(Decimal::new(1000, 0), 2), "1000.00");
/// ```
pub fn fixed(value: Decimal, decimals: u32) -> String {
    let r = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    format!("{:.*}", decimals as usize, r)
}

/// Writes a value with all its precision and no trailing zeros (`400`, `1.4`).
pub fn full(value: Decimal) -> String {
    value.normalize().to_string()
}

impl Table {
    /// Renders the table in `format`.
    pub fn render(&self, format: Format) -> Vec<u8> {
        match format {
            Format::Csv => self.csv(),
            Format::Json => self.json(),
            Format::Table => text::plain(&[self.text()], &[]).into_bytes(),
            Format::Markdown => text::markdown(&[self.text()], &[]).into_bytes(),
        }
    }

    /// The table as text cells, untitled.
    fn text(&self) -> text::TextTable {
        text::TextTable {
            title: String::new(),
            headers: self.headers.clone(),
            rows: self
                .rows
                .iter()
                .map(|r| r.iter().map(|c| c.text().to_string()).collect())
                .collect(),
        }
    }

    fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&self.headers);
        for row in &self.rows {
            let _ = w.write_record(row.iter().map(Cell::text));
        }
        w.into_inner().unwrap_or_default()
    }

    fn json(&self) -> Vec<u8> {
        let keys: Vec<String> = self
            .headers
            .iter()
            .map(|h| serde_json::to_string(h).unwrap_or_default())
            .collect();
        let mut out = String::from("[");
        for (i, row) in self.rows.iter().enumerate() {
            out.push_str(if i == 0 { "\n  {" } else { ",\n  {" });
            for (j, (k, c)) in keys.iter().zip(row).enumerate() {
                if j > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                match c {
                    Cell::Text(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
                    Cell::Number(s) => out.push_str(s),
                    Cell::Empty => out.push_str("null"),
                }
            }
            out.push('}');
        }
        out.push_str(if self.rows.is_empty() { "]\n" } else { "\n]\n" });
        out.into_bytes()
    }
}

/// Writes `bytes` to stdout, or to the output file `path`, so that a failed run never leaves a
/// partial file behind.
///
/// How `path` is written depends on what it names (see [`target`]):
/// - a regular file, or nothing yet: atomically, through a temporary file beside it that is then
///   renamed over it; the result keeps the permissions of the file it replaces (or gets 0644);
/// - a symbolic link (or a chain of them): the file it finally names, in the same way, so the
///   link stays a link; a dangling link creates the file it names;
/// - a device, a FIFO, a socket, or `/dev/stdout` and its kin (links into `/proc`): directly,
///   opened for writing without renaming anything over it;
/// - a directory: an error.
///
/// Every write error (a full device, a missing directory) is an [`Error::Write`] naming `path`.
pub fn emit(bytes: &[u8], path: Option<&Path>) -> Result<(), Error> {
    let Some(path) = path else {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(|source| Error::Write {
                target: "stdout".into(),
                source,
            });
    };
    let write_err = |source| Error::Write {
        target: path.display().to_string(),
        source,
    };
    match target(path).map_err(write_err)? {
        Target::Replace(file) => replace(bytes, &file).map_err(write_err),
        Target::Direct => write_direct(bytes, path).map_err(write_err),
    }
}

/// Writes a diagnostic (a warning, an error and its hint) to stderr as one write; see
/// [`diagnostic_to`].
pub fn diagnostic(text: &str) -> bool {
    diagnostic_to(&mut std::io::stderr().lock(), text)
}

/// Writes `text` and a newline to `w` and flushes; says whether that worked. A diagnostic that
/// cannot be written (stderr full, closed, or a pipe whose reader has gone: `EPIPE`, as Rust
/// ignores `SIGPIPE`) is dropped: it never panics and never changes the run's outcome, unlike
/// `eprintln!`, which panics.
pub fn diagnostic_to(w: &mut dyn Write, text: &str) -> bool {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    w.write_all(line.as_bytes()).and_then(|_| w.flush()).is_ok()
}

/// How an output path is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Atomically replace (or create) this regular file: the path itself, or the file its
    /// symbolic links finally name.
    Replace(PathBuf),
    /// Open the path as given and write to it (a device, a FIFO, `/dev/stdout`).
    Direct,
}

/// The most symbolic links followed, as on Linux.
const MAX_LINKS: usize = 40;

/// Decides how to write `path`: see [`emit`]. A directory is an error (`InvalidInput`).
pub fn target(path: &Path) -> std::io::Result<Target> {
    let (file, magic) = follow_links(path)?;
    if magic {
        // A link into /proc (/dev/stdout, /dev/fd/N) names an open file, not a path: only
        // the kernel can follow it, and renaming over what it names would go unseen.
        return Ok(Target::Direct);
    }
    match std::fs::metadata(&file) {
        Ok(m) if m.is_dir() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a directory",
        )),
        Ok(m) if m.is_file() => Ok(Target::Replace(file)),
        Ok(_) => Ok(Target::Direct),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::Replace(file)),
        Err(e) => Err(e),
    }
}

/// Follows the symbolic links starting at `path` (relative ones from the link's directory) to
/// the path that is not a link (or does not exist). The flag says whether a link lies in
/// `/proc`, whose links (`/proc/self/fd/1`) only the kernel can follow.
fn follow_links(path: &Path) -> std::io::Result<(PathBuf, bool)> {
    let mut p = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let dir = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                if std::fs::canonicalize(&dir).is_ok_and(|d| d.starts_with("/proc")) {
                    return Ok((p, true));
                }
                let next = std::fs::read_link(&p)?;
                p = if next.is_absolute() {
                    next
                } else {
                    dir.join(next)
                };
            }
            _ => return Ok((p, false)),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Writes `bytes` to a temporary file beside `file` and renames it over `file`.
fn replace(bytes: &[u8], file: &Path) -> std::io::Result<()> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".idx-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.flush()?;
    // A temporary file is private (0600): give the result the permissions of the file it
    // replaces, or the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Opens `path` for writing, without creating, truncating or renaming anything, and writes
/// `bytes` to it. A regular file reached this way (`/dev/stdout` redirected to a file) is
/// appended to, so whatever the shell or an earlier command put there stays.
fn write_direct(bytes: &[u8], path: &Path) -> std::io::Result<()> {
    let append = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .append(append)
        .open(path)?;
    f.write_all(bytes)?;
    f.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn output_files_are_not_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        emit(b"x\n", Some(&path)).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        // Replacing a file keeps its permissions.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        emit(b"y\n", Some(&path)).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"y\n");
    }

    /// A scratch directory and a path in it.
    #[cfg(unix)]
    fn scratch() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        (dir, root)
    }

    #[cfg(unix)]
    #[test]
    fn target_of_a_new_path_or_a_regular_file_is_itself() {
        let (_dir, root) = scratch();
        let path = root.join("out.csv");
        assert_eq!(target(&path).unwrap(), Target::Replace(path.clone()));
        std::fs::write(&path, "old\n").unwrap();
        assert_eq!(target(&path).unwrap(), Target::Replace(path.clone()));
        // A bare relative name is written in the current directory.
        assert_eq!(
            target(Path::new("no-such-idx-output.csv")).unwrap(),
            Target::Replace(PathBuf::from("no-such-idx-output.csv"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn target_follows_absolute_relative_chained_and_dangling_links() {
        use std::os::unix::fs::symlink;
        let (_dir, root) = scratch();
        std::fs::create_dir(root.join("sub")).unwrap();
        let real = root.join("sub").join("real.csv");
        std::fs::write(&real, "old\n").unwrap();
        symlink(&real, root.join("abs")).unwrap();
        // Relative links are read from the link's directory, not the current one.
        symlink("sub/real.csv", root.join("rel")).unwrap();
        symlink("../rel", root.join("sub").join("up")).unwrap();
        symlink("abs", root.join("chain")).unwrap();
        for link in ["abs", "rel", "chain"] {
            let t = target(&root.join(link)).unwrap();
            assert_eq!(t, Target::Replace(real.clone()), "{link}");
        }
        assert_eq!(
            target(&root.join("sub").join("up")).unwrap(),
            Target::Replace(root.join("sub").join("../sub/real.csv"))
        );
        // A dangling link names the file to create.
        symlink("sub/new.csv", root.join("dangling")).unwrap();
        assert_eq!(
            target(&root.join("dangling")).unwrap(),
            Target::Replace(root.join("sub/new.csv"))
        );
        // A loop is an error, not a hang.
        symlink("loop2", root.join("loop1")).unwrap();
        symlink("loop1", root.join("loop2")).unwrap();
        let e = target(&root.join("loop1")).unwrap_err();
        assert_eq!(e.to_string(), "too many levels of symbolic links");
    }

    #[cfg(unix)]
    #[test]
    fn target_of_a_device_fifo_or_dev_stdout_is_direct() {
        let (_dir, root) = scratch();
        assert_eq!(target(Path::new("/dev/null")).unwrap(), Target::Direct);
        let fifo = root.join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert_eq!(target(&fifo).unwrap(), Target::Direct);
        // A link to a device is written through, directly.
        std::os::unix::fs::symlink("/dev/null", root.join("null")).unwrap();
        assert_eq!(target(&root.join("null")).unwrap(), Target::Direct);
        // /proc/self/fd/1 names whatever stdout is, even a regular file: never renamed over.
        if Path::new("/proc/self/fd/1").exists() {
            std::os::unix::fs::symlink("/proc/self/fd/1", root.join("out")).unwrap();
            assert_eq!(target(&root.join("out")).unwrap(), Target::Direct);
            assert_eq!(
                target(Path::new("/proc/self/fd/1")).unwrap(),
                Target::Direct
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_is_not_a_target() {
        let (_dir, root) = scratch();
        let e = target(&root).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        let e = emit(b"x\n", Some(&root)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("cannot write {}: it is a directory", root.display())
        );
        assert_eq!(e.exit_code(), crate::error::EXIT_DATA);
        assert_eq!(e.hint(), Some("name a file to write, not a directory"));
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn emit_writes_through_links_and_keeps_them() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, root) = scratch();
        let real = root.join("real.csv");
        std::fs::write(&real, "old\n").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink("real.csv", root.join("link")).unwrap();
        emit(b"new\n", Some(&root.join("link"))).unwrap();
        let link = std::fs::symlink_metadata(root.join("link")).unwrap();
        assert!(link.file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new\n");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        // Nothing else is left in the directory (no temporary file).
        let mut names: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["link", "real.csv"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn emit_to_devices_writes_directly_and_reports_errors() {
        use std::os::unix::fs::FileTypeExt;
        emit(b"x\n", Some(Path::new("/dev/null"))).unwrap();
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        let e = emit(b"x\n", Some(Path::new("/dev/full"))).unwrap_err();
        assert!(e.to_string().starts_with("cannot write /dev/full: "), "{e}");
        assert_eq!(e.exit_code(), crate::error::EXIT_DATA);
        assert!(!e.is_broken_pipe());
    }

    #[cfg(unix)]
    #[test]
    fn emit_to_a_fifo_writes_the_bytes_through_it() {
        let (_dir, root) = scratch();
        let fifo = root.join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        emit(b"date,level\n2024-01-02,100.00\n", Some(&fifo)).unwrap();
        assert_eq!(reader.join().unwrap(), b"date,level\n2024-01-02,100.00\n");
        // Still a FIFO: nothing was renamed over it.
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
    }

    /// A writer that fails like a closed pipe.
    struct Closed(usize);

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            self.0 += 1;
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn diagnostics_are_written_whole_or_dropped() {
        let mut buf = Vec::new();
        assert!(diagnostic_to(&mut buf, "warning: x\n  hint: y"));
        assert!(diagnostic_to(&mut buf, "warning: z"));
        assert_eq!(buf, b"warning: x\n  hint: y\nwarning: z\n");
        let mut closed = Closed(0);
        assert!(!diagnostic_to(&mut closed, "warning: x"));
        assert_eq!(closed.0, 1, "one attempt, no retry, no panic");
        let mut full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        assert!(!diagnostic_to(&mut full, "warning: x"));
    }

    #[test]
    fn rounding_is_half_away_from_zero_and_padded() {
        assert_eq!(fixed(d("12487.7494"), 2), "12487.75");
        assert_eq!(fixed(d("2.345"), 2), "2.35");
        assert_eq!(fixed(d("-2.345"), 2), "-2.35");
        assert_eq!(fixed(d("2.344999"), 2), "2.34");
        assert_eq!(fixed(d("1000"), 2), "1000.00");
        assert_eq!(fixed(d("0.5"), 0), "1");
        assert_eq!(full(d("400.0000")), "400");
        assert_eq!(full(d("1.40")), "1.4");
    }

    #[test]
    fn csv_and_json_render_the_same_table() {
        let t = Table {
            headers: vec!["date".into(), "level".into(), "note".into()],
            rows: vec![
                vec![
                    Cell::Text("2024-01-02".into()),
                    Cell::Number("100.00".into()),
                    Cell::Empty,
                ],
                vec![
                    Cell::Text("2024-01-03".into()),
                    Cell::Number("101.50".into()),
                    Cell::Text("a \"b\"".into()),
                ],
            ],
        };
        assert_eq!(
            String::from_utf8(t.render(Format::Csv)).unwrap(),
            "date,level,note\n2024-01-02,100.00,\n2024-01-03,101.50,\"a \"\"b\"\"\"\n"
        );
        let json = String::from_utf8(t.render(Format::Json)).unwrap();
        assert_eq!(
            json,
            "[\n  {\"date\": \"2024-01-02\", \"level\": 100.00, \"note\": null},\n  \
             {\"date\": \"2024-01-03\", \"level\": 101.50, \"note\": \"a \\\"b\\\"\"}\n]\n"
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v[1]["level"], serde_json::json!(101.5));
    }
}
