//! Symbol interning.

use crate::calc::SymbolId;
use rustc_hash::FxHashMap;

/// Symbol interning: names ↔ dense ids.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    ids: FxHashMap<Box<str>, SymbolId>,
    names: Vec<Box<str>>,
}

impl Symbols {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> SymbolId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as SymbolId;
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }

    /// The id of `name`, if known.
    pub fn get(&self, name: &str) -> Option<SymbolId> {
        self.ids.get(name).copied()
    }

    /// The name of `id`.
    pub fn name(&self, id: SymbolId) -> &str {
        self.names.get(id as usize).map_or("?", |n| n)
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
