//! Parsing a prices file on several threads.
//!
//! The file is cut into chunks of about [`CHUNK`] bytes at line ends outside quoted fields.
//! Worker threads parse chunks with their own copy of the row parser and symbol table, and the
//! chunks come back to the caller in file order, with the symbols they introduced, so the
//! result is the same as reading the file from start to end on one thread. At most
//! [`IN_FLIGHT`] chunks are parsed ahead of the caller, which bounds memory.

use super::{Cells, DateParser, RowParser, Symbols};
use crate::calc::MemberList;
use crate::error::DataError;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

/// Bytes a chunk aims at.
pub(crate) const CHUNK: usize = 1 << 18;
/// Chunks parsed ahead of the caller at most.
pub(crate) const IN_FLIGHT: usize = 4;

/// A parsed chunk of rows, in file order.
pub(crate) struct Chunk {
    /// The rows; symbols at or past `first_new` (and groups) are local to this chunk.
    pub(crate) rows: Vec<super::Row>,
    /// Names of the symbols the chunk introduced, for local ids `first_new..`.
    pub(crate) new_names: Vec<String>,
    /// The chunk's group labels, by local group id.
    pub(crate) group_names: Vec<String>,
    /// Records read (including skipped ones).
    pub(crate) records: u64,
    /// Bytes of the file up to the chunk's end.
    pub(crate) end: u64,
    /// Rows skipped for a bad value (`--skip-bad-rows`), as messages.
    pub(crate) skipped: Vec<String>,
}

impl Chunk {
    /// The rows with symbol and group ids of the global tables: the chunk's new symbols are
    /// added to `symbols` (whose first `first_new` ids the workers knew) and its groups to
    /// `group_names`, in file order.
    pub(crate) fn into_global(
        self,
        symbols: &mut Symbols,
        first_new: u32,
        group_names: &mut Vec<String>,
    ) -> Vec<super::Row> {
        let ids: Vec<u32> = self.new_names.iter().map(|n| symbols.intern(n)).collect();
        let groups: Vec<u32> = self
            .group_names
            .iter()
            .map(|g| match group_names.iter().position(|x| x == g) {
                Some(i) => i as u32,
                None => {
                    group_names.push(g.clone());
                    group_names.len() as u32 - 1
                }
            })
            .collect();
        let mut rows = self.rows;
        for row in &mut rows {
            if row.quote.symbol >= first_new {
                row.quote.symbol = ids[(row.quote.symbol - first_new) as usize];
            }
            row.group = row.group.map(|g| groups[g as usize]);
        }
        rows
    }
}

/// What the caller does with each chunk: `false` stops the reading.
pub(crate) type Consumer<'a> = dyn FnMut(Result<Chunk, DataError>) -> bool + 'a;

/// A chunk to parse: its index, bytes, first line and end offset.
type Taken = (usize, Vec<u8>, u64, u64);

/// The reading position shared by the workers.
struct Cursor {
    file: File,
    carry: Vec<u8>,
    next: usize,
    line: u64,
    offset: u64,
    eof: bool,
}

/// The end of the last complete line of `buf` that lies outside quotes, if any (the buffer
/// starts outside quotes).
fn cut(buf: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map(|i| i + 1);
    }
    let mut quoted = false;
    let mut last = None;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => last = Some(i + 1),
            _ => {}
        }
    }
    last
}

impl Cursor {
    /// The next chunk: `(index, bytes, first line, end offset)`.
    fn take(&mut self) -> std::io::Result<Option<Taken>> {
        loop {
            let at = if self.eof {
                (!self.carry.is_empty()).then_some(self.carry.len())
            } else if self.carry.len() >= CHUNK {
                // `cut` scans quotes from the start: only the first chunk-sized block can hold
                // the line end, so search the whole buffer.
                cut(&self.carry)
            } else {
                None
            };
            if let Some(at) = at {
                let rest = self.carry.split_off(at);
                let bytes = std::mem::replace(&mut self.carry, rest);
                let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
                let first = self.line;
                self.line += lines;
                self.offset += bytes.len() as u64;
                let k = self.next;
                self.next += 1;
                return Ok(Some((k, bytes, first, self.offset)));
            }
            if self.eof {
                return Ok(None);
            }
            let start = self.carry.len();
            self.carry.resize(start + CHUNK, 0);
            let n = self.file.read(&mut self.carry[start..])?;
            self.carry.truncate(start + n);
            if n == 0 {
                self.eof = true;
            }
        }
    }
}

/// The work shared by the threads.
struct Shared<'a> {
    cursor: Mutex<Cursor>,
    /// Chunks taken but not yet consumed; `usize::MAX` when reading stops.
    in_flight: Mutex<usize>,
    room: Condvar,
    name: &'a str,
    headers: &'a [String],
    dates: &'a DateParser,
    members: Option<&'a MemberList>,
    symbols: &'a Symbols,
    thousands: Option<u8>,
}

impl Shared<'_> {
    /// Waits for room to take another chunk; `false` when reading has stopped.
    fn admit(&self) -> bool {
        let mut n = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        while *n != usize::MAX && *n >= IN_FLIGHT {
            n = self.room.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        if *n == usize::MAX {
            return false;
        }
        *n += 1;
        true
    }

    fn release(&self, stop: bool) {
        let mut n = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        // Once stopped, always stopped.
        *n = if stop || *n == usize::MAX {
            usize::MAX
        } else {
            n.saturating_sub(1)
        };
        self.room.notify_all();
    }

    fn parse(
        &self,
        parser: &mut RowParser,
        bytes: &[u8],
        first_line: u64,
        end: u64,
    ) -> Result<Chunk, DataError> {
        parser.reset();
        let mut symbols = self.symbols.clone();
        let first_new = symbols.len();
        // The csv settings of every reader; a chunk has no header row.
        let mut reader = super::csv_reader::csv_builder()
            .has_headers(false)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        let mut rows = Vec::with_capacity(bytes.len() / 32);
        let mut records = 0u64;
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = first_line + e.position().map_or(1, |p| p.line()) - 1;
                    return Err(DataError::new(format!("malformed CSV: {e}"))
                        .file(self.name)
                        .line(line));
                }
            }
            records += 1;
            let line = first_line + record.position().map_or(1, |p| p.line()) - 1;
            if record.len() != self.headers.len() {
                return Err(super::csv_reader::width_error(
                    self.name,
                    record.len(),
                    self.headers.len(),
                    line,
                ));
            }
            let cells = Cells {
                name: self.name,
                headers: self.headers,
                record: &record,
                line,
                thousands: self.thousands,
            };
            if let Some(row) = parser.parse(cells, self.dates, &mut symbols, self.members)? {
                rows.push(row);
            }
        }
        let new_names = (first_new..symbols.len())
            .map(|i| symbols.name(i as u32).to_string())
            .collect();
        Ok(Chunk {
            rows,
            new_names,
            group_names: parser.group_names().to_vec(),
            records,
            end,
            skipped: parser.take_skipped(),
        })
    }
}

/// Reads the data rows of `path` from byte `offset` (line `first_line`) on `threads` threads,
/// handing each chunk to `consume` in file order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_parallel(
    path: &Path,
    offset: u64,
    first_line: u64,
    name: &str,
    headers: &[String],
    parser: &RowParser,
    symbols: &Symbols,
    dates: &DateParser,
    members: Option<&MemberList>,
    thousands: Option<u8>,
    threads: usize,
    consume: &mut Consumer<'_>,
) -> Result<(), DataError> {
    let open_error =
        |e: std::io::Error| DataError::new(format!("cannot read the file: {e}")).file(name);
    let mut file = File::open(path).map_err(open_error)?;
    file.seek(SeekFrom::Start(offset)).map_err(open_error)?;
    let shared = Shared {
        cursor: Mutex::new(Cursor {
            file,
            carry: Vec::new(),
            next: 0,
            line: first_line,
            offset,
            eof: false,
        }),
        in_flight: Mutex::new(0),
        room: Condvar::new(),
        name,
        headers,
        dates,
        members,
        symbols,
        thousands,
    };
    let (tx, rx) = mpsc::channel::<(usize, Result<Chunk, DataError>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let tx = tx.clone();
            let shared = &shared;
            let mut parser = parser.clone();
            scope.spawn(move || {
                while shared.admit() {
                    let taken = shared
                        .cursor
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .take();
                    let (k, result) = match taken {
                        Ok(Some((k, bytes, line, end))) => {
                            (k, shared.parse(&mut parser, &bytes, line, end))
                        }
                        Ok(None) => {
                            shared.release(false);
                            break;
                        }
                        Err(e) => (usize::MAX, Err(open_error(e))),
                    };
                    if tx.send((k, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Hand the chunks over in order.
        let mut waiting: BTreeMap<usize, Result<Chunk, DataError>> = BTreeMap::new();
        let mut next = 0;
        for (k, result) in rx.iter() {
            if k == usize::MAX {
                // An I/O error: nothing after it can be read.
                consume(result);
                shared.release(true);
                break;
            }
            waiting.insert(k, result);
            let mut stop = false;
            while let Some(result) = waiting.remove(&next) {
                next += 1;
                let failed = result.is_err();
                if !consume(result) || failed {
                    stop = true;
                    break;
                }
                shared.release(false);
            }
            if stop {
                shared.release(true);
                break;
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests;
