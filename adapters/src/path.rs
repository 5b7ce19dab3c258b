//! Field paths in mapping specs (`domicilio.cod_postal`, `identifier[0].notation`,
//! `$item.valor`) and their JSON-pointer rendering.

use std::fmt;

use serde_json::{Map, Value};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Where a source path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    /// The record being mapped.
    Record,
    /// The current element of an exploded array (`$item`).
    Item,
    /// The index of the current element (`$index`), a number.
    Index,
}

/// A resolved path: parsed once when the spec is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldPath {
    pub(crate) root: Root,
    pub(crate) segs: Vec<Seg>,
    pointer: String,
    /// Index of the first segment in the plan's sorted field table, set
    /// when the plan is compiled (record-rooted source paths only).
    pub(crate) slot: Option<usize>,
}

impl FieldPath {
    /// Parses `a.b[0].c`, `$item.x` or `$index`.
    pub(crate) fn parse(text: &str) -> Result<FieldPath, String> {
        let text = text.trim();
        let (root, rest) = if text == "$index" {
            (Root::Index, "")
        } else if text == "$item" {
            (Root::Item, "")
        } else if let Some(rest) = text.strip_prefix("$item.") {
            (Root::Item, rest)
        } else if text.starts_with('$') {
            return Err(format!(
                "unknown path root in '{text}'; use a field name, '$item' or '$index'"
            ));
        } else {
            (Root::Record, text)
        };
        if root == Root::Record && rest.is_empty() {
            return Err("empty path".to_owned());
        }
        let mut segs = Vec::new();
        if !rest.is_empty() {
            for part in rest.split('.') {
                let (name, mut indexes) = match part.find('[') {
                    Some(pos) => (&part[..pos], &part[pos..]),
                    None => (part, ""),
                };
                if name.is_empty() {
                    return Err(format!("empty field name in path '{text}'"));
                }
                if !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '@')
                {
                    return Err(format!("bad field name '{name}' in path '{text}'"));
                }
                segs.push(Seg::Key(name.to_owned()));
                while !indexes.is_empty() {
                    let close = indexes
                        .find(']')
                        .ok_or_else(|| format!("unclosed '[' in path '{text}'"))?;
                    let index = indexes[1..close]
                        .parse::<usize>()
                        .map_err(|_| format!("bad array index in path '{text}'"))?;
                    segs.push(Seg::Index(index));
                    indexes = &indexes[close + 1..];
                    if !indexes.is_empty() && !indexes.starts_with('[') {
                        return Err(format!("bad array index in path '{text}'"));
                    }
                }
            }
        }
        let mut pointer = String::new();
        if root == Root::Item {
            pointer.push_str("/$item");
        }
        for seg in &segs {
            pointer.push('/');
            match seg {
                Seg::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
                Seg::Index(i) => pointer.push_str(&i.to_string()),
            }
        }
        if root == Root::Index {
            pointer.push_str("/$index");
        }
        Ok(FieldPath {
            root,
            segs,
            pointer,
            slot: None,
        })
    }

    /// The JSON pointer of this path (`/domicilio/cod_postal`).
    pub(crate) fn pointer(&self) -> &str {
        &self.pointer
    }

    /// Reads the value at this path under `base`.
    pub(crate) fn get<'a>(&self, base: &'a Value) -> Option<&'a Value> {
        get(base, &self.segs)
    }

    /// Writes `value` at this path under `base`, creating objects and
    /// arrays on the way (arrays are padded with `null`).
    pub(crate) fn set(&self, base: &mut Value, value: Value) {
        set(base, &self.segs, value);
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pointer)
    }
}

pub(crate) fn get<'a>(base: &'a Value, segs: &[Seg]) -> Option<&'a Value> {
    let mut current = base;
    for seg in segs {
        current = match (seg, current) {
            (Seg::Key(key), Value::Object(map)) => map.get(key)?,
            (Seg::Index(i), Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Whether one path is a prefix of the other (or equal), segment-wise.
pub(crate) fn overlaps(a: &FieldPath, b: &FieldPath) -> bool {
    a.root == b.root && a.segs.iter().zip(&b.segs).all(|(x, y)| x == y)
}

pub(crate) fn set(base: &mut Value, segs: &[Seg], value: Value) {
    let Some((first, rest)) = segs.split_first() else {
        *base = value;
        return;
    };
    match first {
        Seg::Key(key) => {
            if !base.is_object() {
                *base = Value::Object(Map::new());
            }
            if let Value::Object(map) = base {
                if rest.is_empty() {
                    map.insert(key.clone(), value);
                } else if let Some(child) = map.get_mut(key) {
                    set(child, rest, value);
                } else {
                    let mut child = Value::Null;
                    set(&mut child, rest, value);
                    map.insert(key.clone(), child);
                }
            }
        }
        Seg::Index(i) => {
            if !base.is_array() {
                *base = Value::Array(Vec::new());
            }
            if let Value::Array(items) = base {
                if items.len() <= *i {
                    items.resize(*i + 1, Value::Null);
                }
                set(&mut items[*i], rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    #[test]
    fn parse_and_pointer() {
        let path = FieldPath::parse("identifier[0].notation").unwrap();
        assert_eq!(path.pointer(), "/identifier/0/notation");
        assert_eq!(
            FieldPath::parse("$item.valor").unwrap().pointer(),
            "/$item/valor"
        );
        assert_eq!(FieldPath::parse("$index").unwrap().root, Root::Index);
        for bad in ["", "a..b", "a[x]", "a[0", "$foo", "a b", "a[0]x"] {
            assert!(FieldPath::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn get_and_set() {
        let mut out = Value::Null;
        FieldPath::parse("a.b[1].c")
            .unwrap()
            .set(&mut out, json!(1));
        assert_eq!(out, json!({"a": {"b": [null, {"c": 1}]}}));
        assert_eq!(
            FieldPath::parse("a.b[1].c").unwrap().get(&out),
            Some(&json!(1))
        );
        assert_eq!(FieldPath::parse("a.b[5].c").unwrap().get(&out), None);
        assert_eq!(FieldPath::parse("a.b.c").unwrap().get(&out), None);
    }
}
