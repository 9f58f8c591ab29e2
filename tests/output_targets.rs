//! What `-o PATH` does depends on what PATH names (issue 12): a regular file or a new path is
//! replaced atomically; a symbolic link is written through to the file it names and stays a link;
//! a device, a FIFO or `/dev/stdout` is written directly (never renamed over); a directory is an
//! error; write errors exit 1 naming the path. The same for every command that writes files.
//!
//! Every expected output is the stdout of the same run without `-o` (`-o -` for chart).

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{symlink, FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{std_command, Scratch, HALT_MEMBERS, HALT_PRICES, HALT_PW};

const PRICES: &str = HALT_PRICES;
const MEMBERS: &str = HALT_MEMBERS;
const COMPUTE_PW: &str = HALT_PW;
const THREE: &str = "\
date,symbol,price,shares
2024-03-01,AAA,10,300
2024-03-01,BBB,20,200
2024-03-01,CCC,40,125
2024-03-04,AAA,21,300
2024-03-04,BBB,19,200
2024-03-04,CCC,42,125
";
const LEVELS: &str = "\
date,a,b
2024-01-02,100,200
2024-01-03,110,200
2024-01-04,121,210
";
const SERIES: &str = "\
date,alpha,beta
2024-07-01,200,100
2024-07-31,210,90
2024-08-30,231,99
2024-09-30,254.1,108.9
";

/// A scratch directory holding the fixtures above; commands run inside it.
fn scratch() -> Scratch {
    Scratch::with(&[
        ("p.csv", PRICES),
        ("m.csv", MEMBERS),
        ("three.csv", THREE),
        ("levels.csv", LEVELS),
        ("series.csv", SERIES),
    ])
}

/// A command that writes a file: its arguments without `-o`, and how it writes to stdout.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    /// Extra arguments for stdout (chart needs `-o -`).
    to_stdout: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "compute",
        args: &[
            "compute",
            "-q",
            "-m",
            "pw",
            "--constituents",
            "m.csv",
            "p.csv",
        ],
        to_stdout: &[],
    },
    Case {
        name: "returns",
        args: &["returns", "series.csv"],
        to_stdout: &[],
    },
    Case {
        name: "weights",
        args: &["weights", "-m", "cw", "three.csv"],
        to_stdout: &[],
    },
    Case {
        name: "share",
        args: &["share", "-m", "cw", "--members", "AAA", "three.csv"],
        to_stdout: &[],
    },
    Case {
        name: "relative",
        args: &["relative", "levels.csv"],
        to_stdout: &[],
    },
    Case {
        name: "check",
        args: &["check", "p.csv"],
        to_stdout: &[],
    },
    Case {
        name: "chart",
        args: &["chart", "--format", "svg", "levels.csv"],
        to_stdout: &["-o", "-"],
    },
];

impl Case {
    /// The arguments with `-o out`.
    fn with_output<'a>(&self, out: &'a str) -> Vec<&'a str> {
        let mut v: Vec<&str> = self.args.to_vec();
        v.extend(["-o", out]);
        v
    }

    /// What the command prints on stdout (exit 0, nothing on stderr).
    fn expected(&self, s: &Scratch) -> Vec<u8> {
        let mut args: Vec<&str> = self.args.to_vec();
        args.extend(self.to_stdout);
        let out = s.output(&args);
        assert_eq!(out.status.code(), Some(0), "{}: {out:?}", self.name);
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{}", self.name);
        assert!(out.stdout.len() > 50, "{}: {out:?}", self.name);
        out.stdout
    }
}

/// Asserts a run with `-o` succeeded quietly, printing nothing.
fn assert_quiet_success(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{what}");
    assert_eq!(out.stdout, b"", "{what}");
}

fn is_symlink(p: &Path) -> bool {
    fs::symlink_metadata(p).unwrap().file_type().is_symlink()
}

fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().expect("mkfifo");
    assert!(st.success(), "mkfifo {}", p.display());
}

#[test]
fn the_compute_fixture_gives_the_worked_out_levels() {
    let s = scratch();
    assert_eq!(CASES[0].expected(&s), COMPUTE_PW.as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Symbolic links
// ---------------------------------------------------------------------------------------------

#[test]
fn every_command_writes_through_a_relative_link_and_keeps_it() {
    let s = scratch();
    fs::create_dir(s.join("sub")).unwrap();
    for case in CASES {
        let expected = case.expected(&s);
        fs::write(s.join("sub/real.out"), "old\n").unwrap();
        let link = format!("{}.link", case.name);
        symlink("sub/real.out", s.join(&link)).unwrap();
        assert_quiet_success(&s.output(&case.with_output(&link)), case.name);
        assert!(is_symlink(&s.join(&link)), "{}: link replaced", case.name);
        assert_eq!(
            fs::read_link(s.join(&link)).unwrap(),
            Path::new("sub/real.out")
        );
        assert_eq!(
            fs::read(s.join("sub/real.out")).unwrap(),
            expected,
            "{}",
            case.name
        );
        // The temporary file was renamed in the target's directory: nothing else is left.
        assert_eq!(s.listing_of("sub"), ["real.out"], "{}", case.name);
    }
}

#[test]
fn a_chain_of_links_ending_in_an_absolute_one_is_followed() {
    let s = scratch();
    let case = &CASES[0];
    fs::create_dir(s.join("data")).unwrap();
    let real = s.join("data/levels.csv");
    fs::write(&real, "old\n").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
    symlink(&real, s.join("first")).unwrap(); // absolute
    symlink("first", s.join("second")).unwrap(); // relative, to a link
    assert_quiet_success(&s.output(&case.with_output("second")), "chain");
    assert!(is_symlink(&s.join("second")) && is_symlink(&s.join("first")));
    assert_eq!(fs::read_to_string(&real).unwrap(), COMPUTE_PW);
    // The file keeps its permissions, as a replaced file always has.
    let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(s.listing_of("data"), ["levels.csv"]);
}

#[test]
fn a_relative_link_is_read_from_its_own_directory() {
    let s = scratch();
    fs::create_dir(s.join("out")).unwrap();
    fs::write(s.join("real.csv"), "old\n").unwrap();
    // out/link -> ../real.csv names <scratch>/real.csv, not ../real.csv from the current
    // directory (which would be outside the scratch directory).
    symlink("../real.csv", s.join("out/link")).unwrap();
    assert_quiet_success(&s.output(&CASES[0].with_output("out/link")), "relative");
    assert!(is_symlink(&s.join("out/link")));
    assert_eq!(fs::read_to_string(s.join("real.csv")).unwrap(), COMPUTE_PW);
    assert_eq!(s.listing_of("out"), ["link"]);
    assert!(!s.path().parent().unwrap().join("real.csv").exists());
}

#[test]
fn a_dangling_link_creates_the_file_it_names_if_its_directory_exists() {
    let s = scratch();
    fs::create_dir(s.join("new")).unwrap();
    symlink("new/levels.csv", s.join("dangling")).unwrap();
    assert_quiet_success(&s.output(&CASES[0].with_output("dangling")), "dangling");
    assert!(is_symlink(&s.join("dangling")));
    assert_eq!(
        fs::read_to_string(s.join("new/levels.csv")).unwrap(),
        COMPUTE_PW
    );
    let mode = fs::metadata(s.join("new/levels.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o644);

    // Into a directory that does not exist: a write error naming the path given.
    symlink("missing/levels.csv", s.join("nowhere")).unwrap();
    let out = s.output(&CASES[0].with_output("nowhere"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot write nowhere: "), "{err}");
    assert!(!s.join("missing").exists());
    assert!(is_symlink(&s.join("nowhere")));
}

#[test]
fn a_failed_run_leaves_the_link_and_its_file_untouched() {
    let s = scratch();
    fs::write(s.join("bad.csv"), "date,symbol,price\n2024-01-02,A,-5\n").unwrap();
    fs::write(s.join("real.csv"), "old\n").unwrap();
    symlink("real.csv", s.join("link")).unwrap();
    let out = s.output(&["compute", "-m", "pw", "bad.csv", "-o", "link"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read_to_string(s.join("real.csv")).unwrap(), "old\n");
    assert!(is_symlink(&s.join("link")));
    let before: Vec<&str> = vec![
        "bad.csv",
        "levels.csv",
        "link",
        "m.csv",
        "p.csv",
        "real.csv",
        "series.csv",
        "three.csv",
    ];
    assert_eq!(s.listing_of(""), before);
}

// ---------------------------------------------------------------------------------------------
// Devices, FIFOs, links to stdout (/dev/stdout)
// ---------------------------------------------------------------------------------------------

/// Entries of /dev that a temporary output file would have left.
fn dev_leftovers() -> Vec<String> {
    fs::read_dir("/dev")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".idx-"))
        .collect()
}

#[test]
fn every_command_writes_to_dev_null_and_leaves_it_a_device() {
    let s = scratch();
    for case in CASES {
        assert_quiet_success(&s.output(&case.with_output("/dev/null")), case.name);
        let ft = fs::symlink_metadata("/dev/null").unwrap().file_type();
        assert!(
            ft.is_char_device(),
            "{}: /dev/null is no longer a device",
            case.name
        );
        assert_eq!(dev_leftovers(), Vec::<String>::new(), "{}", case.name);
    }
    // A link to /dev/null is written through and stays a link.
    symlink("/dev/null", s.join("null.csv")).unwrap();
    assert_quiet_success(
        &s.output(&CASES[0].with_output("null.csv")),
        "link to /dev/null",
    );
    assert!(is_symlink(&s.join("null.csv")));
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn every_command_reports_a_full_device_and_exits_1() {
    let s = scratch();
    symlink("/dev/full", s.join("full.csv")).unwrap();
    for case in CASES {
        for target in ["/dev/full", "full.csv"] {
            let out = s.output(&case.with_output(target));
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{} -o {target}: {err}",
                case.name
            );
            assert_eq!(out.stdout, b"", "{}", case.name);
            assert!(
                err.starts_with(&format!(
                    "error: cannot write {target}: No space left on device"
                )),
                "{} -o {target}: {err}",
                case.name
            );
            assert!(!err.contains("panicked"), "{err}");
        }
        assert!(fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device());
    }
    assert!(is_symlink(&s.join("full.csv")));
    assert_eq!(dev_leftovers(), Vec::<String>::new());
}

#[test]
fn every_command_writes_into_a_fifo_what_it_prints_on_stdout() {
    let s = scratch();
    for case in CASES {
        let expected = case.expected(&s);
        let fifo = s.join(&format!("{}.fifo", case.name));
        mkfifo(&fifo);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).expect("read the FIFO"))
        };
        let name = fifo.file_name().unwrap().to_string_lossy().into_owned();
        let out = s.output(&case.with_output(&name));
        // If idx never opened the FIFO, the reader still waits for a writer: release it.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !reader.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if !reader.is_finished() {
            drop(fs::OpenOptions::new().write(true).open(&fifo));
            std::thread::sleep(Duration::from_secs(1));
        }
        // (A reader left waiting on a FIFO that was renamed over is abandoned, not joined.)
        assert!(
            reader.is_finished(),
            "{}: nothing was written to the FIFO: {out:?}",
            case.name
        );
        let got = reader.join().unwrap();
        assert_quiet_success(&out, case.name);
        assert_eq!(got, expected, "{}", case.name);
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }
}

/// Runs compute with `-o target` and stdout going to `stdout`.
fn compute_to(s: &Scratch, target: &str, stdout: Stdio) -> Output {
    std_command(s.path(), &CASES[0].with_output(target))
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn idx")
        .wait_with_output()
        .unwrap()
}

/// `/dev/stdout` is a link to `/proc/self/fd/1` on Linux. These tests use that and links to it
/// in a scratch directory rather than the real `/dev/stdout`, so that a regression (renaming a
/// temporary file over the link, as root) cannot damage the system's /dev.
#[test]
fn links_to_stdout_like_dev_stdout_write_to_stdout() {
    let s = scratch();
    symlink("/proc/self/fd/1", s.join("stdout")).unwrap();
    symlink("stdout", s.join("chained.csv")).unwrap();
    symlink("/proc/self/fd", s.join("fd")).unwrap();
    for target in ["/proc/self/fd/1", "stdout", "chained.csv", "fd/1"] {
        // stdout a pipe
        let out = compute_to(&s, target, Stdio::piped());
        assert_eq!(out.status.code(), Some(0), "{target}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), COMPUTE_PW, "{target}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{target}");
        // stdout a regular file opened for appending (`>>`): written after what is there,
        // in that very file (not renamed over it).
        let file = s.join("appended.txt");
        fs::write(&file, "before\n").unwrap();
        let f = fs::OpenOptions::new().append(true).open(&file).unwrap();
        let out = compute_to(&s, target, Stdio::from(f));
        assert_eq!(out.status.code(), Some(0), "{target}: {out:?}");
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            format!("before\n{COMPUTE_PW}"),
            "{target}"
        );
        // stdout a regular file truncated by the shell (`>`).
        let f = fs::File::create(s.join("redirected.txt")).unwrap();
        let out = compute_to(&s, target, Stdio::from(f));
        assert_eq!(out.status.code(), Some(0), "{target}: {out:?}");
        assert_eq!(
            fs::read_to_string(s.join("redirected.txt")).unwrap(),
            COMPUTE_PW
        );
    }
    assert!(is_symlink(&s.join("stdout")) && is_symlink(&s.join("chained.csv")));
}

#[test]
fn a_link_to_stdout_on_a_full_device_is_a_write_error() {
    let s = scratch();
    symlink("/proc/self/fd/1", s.join("stdout")).unwrap();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = compute_to(&s, "stdout", Stdio::from(full));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: cannot write stdout: No space left on device"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Directories
// ---------------------------------------------------------------------------------------------

#[test]
fn every_command_refuses_a_directory_as_output() {
    let s = scratch();
    fs::create_dir(s.join("dir")).unwrap();
    symlink("dir", s.join("dirlink")).unwrap();
    for case in CASES {
        for target in ["dir", "dirlink"] {
            let out = s.output(&case.with_output(target));
            assert_eq!(
                out.status.code(),
                Some(1),
                "{} -o {target}: {out:?}",
                case.name
            );
            assert_eq!(out.stdout, b"");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                format!(
                    "error: cannot write {target}: it is a directory\n  \
                     hint: name a file to write, not a directory\n"
                ),
                "{}",
                case.name
            );
        }
        assert!(s.listing_of("dir").is_empty(), "{}", case.name);
        assert!(is_symlink(&s.join("dirlink")));
    }
}
