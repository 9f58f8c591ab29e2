use super::*;

#[test]
fn chunks_end_at_line_ends_outside_quotes() {
    assert_eq!(cut(b"a,1\nb,2\nc,"), Some(8));
    assert_eq!(cut(b"no line end"), None);
    // The second line end is inside a quoted field.
    assert_eq!(cut(b"a,1\nb,\"x\ny\",2"), Some(4));
    // An escaped quote ("") keeps the parity.
    assert_eq!(cut(b"a,\"say \"\"hi\"\"\"\nb"), Some(15));
}

#[test]
fn a_stop_is_never_undone() {
    // Regression: a worker finishing after the reading stopped used to turn the stop mark
    // (usize::MAX) into a count, and the other worker then waited for room forever.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    std::fs::write(&path, "x\n").unwrap();
    let symbols = Symbols::new();
    let dates = DateParser::default();
    let shared = Shared {
        cursor: Mutex::new(Cursor {
            file: File::open(&path).unwrap(),
            carry: Vec::new(),
            next: 0,
            line: 1,
            offset: 0,
            eof: false,
        }),
        in_flight: Mutex::new(0),
        room: Condvar::new(),
        name: "p.csv",
        headers: &[],
        dates: &dates,
        members: None,
        symbols: &symbols,
        thousands: None,
    };
    assert!(shared.admit());
    shared.release(true);
    shared.release(false);
    assert!(!shared.admit(), "reading stopped: no more chunks");
}
