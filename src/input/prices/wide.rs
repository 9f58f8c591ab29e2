//! The wide layout of the prices file: `date` and one price column per symbol.

use super::packed::pack;
use super::{ColumnNames, PriceData, Row};
use crate::calc::{MemberList, Quote, SymbolId};
use crate::error::DataError;
use crate::input::{DateParser, Source, Symbols, Table};
use rust_decimal::Decimal;

/// The symbol columns of a wide file: every column but the date column, with its header. A
/// column without a name is an error (its prices would belong to no symbol).
pub(crate) fn wide_symbols(t: &Table, date_col: usize) -> Result<Vec<(usize, String)>, DataError> {
    let mut out = Vec::new();
    for (i, h) in t.headers().iter().enumerate() {
        if i == date_col {
            continue;
        }
        if h.is_empty() {
            return Err(DataError::new(format!(
                "column {} of the header has no name: in a wide file every column after the \
                 date holds one symbol's prices",
                i + 1
            ))
            .file(t.name())
            .line(1)
            .hint("write the symbol in the header, or remove the column"));
        }
        out.push((i, h.clone()));
    }
    Ok(out)
}

/// Reads a wide prices file: `date` and one price column per symbol (other known columns:
/// none). An empty cell is a symbol without a price that date; shares come from `--shares`.
pub(super) fn read_wide(
    source: &Source,
    columns: &ColumnNames,
    dates: &DateParser,
    symbols: &mut Symbols,
    members: Option<&MemberList>,
) -> Result<PriceData, DataError> {
    let mut t = Table::open_with(source, &columns.text)?;
    let date_col = t.require(&["date"], columns.date.as_deref(), Some("--date-col"), "")?;
    let mut cols: Vec<(usize, SymbolId)> = Vec::new();
    for (i, h) in wide_symbols(&t, date_col)? {
        let id = match members {
            Some(list) => match symbols.get(&h).filter(|&s| list.contains(s)) {
                Some(s) => s,
                None => continue,
            },
            None => symbols.intern(&h),
        };
        if cols.iter().any(|c| c.1 == id) {
            return Err(DataError::new(format!(
                "the symbol {} heads two columns",
                crate::error::escape_name(&h)
            ))
            .file(t.name())
            .line(1)
            .hint("keep one price column per symbol"));
        }
        cols.push((i, id));
    }
    if cols.is_empty() && members.is_none() {
        return Err(
            DataError::new("a wide file needs one price column per symbol")
                .file(t.name())
                .line(1)
                .hint("write the header as date,SYMBOL1,SYMBOL2,..."),
        );
    }
    cols.sort_by_key(|c| c.1);
    let mut data = PriceData::default();
    let mut records = 0u64;
    let mut rows: Vec<Row> = Vec::new();
    while t.next()? {
        records += 1;
        let cells = t.cells();
        let date = match cells.date(date_col, dates) {
            Ok(d) => d,
            Err(e) if columns.skip_bad_rows => {
                data.skipped.push(format!("skipped: {e}"));
                continue;
            }
            Err(e) => return Err(e),
        };
        for &(col, symbol) in &cols {
            let price = match cells.opt_decimal(col) {
                Ok(None) => continue,
                Ok(Some(p)) if p > Decimal::ZERO => p,
                Ok(Some(_)) => {
                    let e = cells
                        .error(col, "the price must be greater than 0")
                        .hint("fix the price or leave the cell empty");
                    if !columns.skip_bad_rows {
                        return Err(e);
                    }
                    data.skipped.push(format!("skipped: {e}"));
                    continue;
                }
                Err(e) if columns.skip_bad_rows => {
                    data.skipped.push(format!("skipped: {e}"));
                    continue;
                }
                Err(e) => return Err(e),
            };
            rows.push(Row {
                date,
                quote: Quote {
                    symbol,
                    price,
                    shares: None,
                    float: None,
                    line: cells.line,
                },
                divisor: None,
                group: None,
                currency: 0,
            });
        }
    }
    if records == 0 {
        return Err(DataError::new("no data rows: the file has only a header")
            .file(t.name())
            .hint("give at least one row of prices"));
    }
    for row in rows {
        data.rows.push(pack(row, &mut data.side));
    }
    let name = t.name().to_string();
    data.finish(&name, symbols)?;
    Ok(data)
}
