//! Static limits on the code of a component, checked with wasmparser before
//! Cranelift sees a byte: compile time and memory grow with function size,
//! locals, block nesting and element segments, so a component over any of
//! [`CompileLimits`] is refused by name instead of being compiled.

use wasmparser::{ElementItems, Operator, Parser, Payload};

use crate::error::LoadError;

/// Caps on what a component may ask the compiler to do. The defaults leave
/// room for every reference agent (Rust, and the interpreters behind Python
/// and JavaScript components) and keep one compilation within a few hundred
/// MiB; the compiler's child process is capped separately
/// ([`Compiler::child_process`](crate::Compiler::child_process)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompileLimits {
    /// Largest body of one function, in bytes. Default: 1 MiB.
    pub max_function_body_bytes: usize,
    /// Most locals one function may declare. Default: 50 000 (also
    /// wasmparser's own cap).
    pub max_locals_per_function: u64,
    /// Deepest nesting of `block`, `loop`, `if` and `try_table` in one
    /// function. Default: 5 000.
    pub max_nesting_depth: usize,
    /// Most functions defined across the component's core modules.
    /// Default: 100 000.
    pub max_functions: u64,
    /// Most items in one element segment. Default: 100 000.
    pub max_element_segment_items: u64,
    /// Most element items across one core module. Default: 200 000.
    pub max_element_items: u64,
    /// Largest data segment, in bytes. Default: 16 MiB.
    pub max_data_segment_bytes: usize,
}

impl Default for CompileLimits {
    fn default() -> Self {
        CompileLimits {
            max_function_body_bytes: 1 << 20,
            max_locals_per_function: 50_000,
            max_nesting_depth: 5_000,
            max_functions: 100_000,
            max_element_segment_items: 100_000,
            max_element_items: 200_000,
            max_data_segment_bytes: 16 << 20,
        }
    }
}

/// Walks every core module inside `bytes` and refuses the first thing over
/// `limits`. Assumes `bytes` already parsed as a component (see `inspect`).
pub(crate) fn check(bytes: &[u8], limits: &CompileLimits) -> Result<(), LoadError> {
    let over = |limit, value, cap, advice| Err(over(limit, value, cap, advice));
    let mut functions: u64 = 0;
    let mut element_items: u64 = 0;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|err| LoadError::Malformed {
            reason: err.to_string(),
        })?;
        match payload {
            Payload::ModuleSection { .. } => element_items = 0,
            Payload::CodeSectionStart { count, .. } => {
                functions += u64::from(count);
                if functions > limits.max_functions {
                    return over(
                        "max_functions",
                        functions,
                        limits.max_functions,
                        "split the agent or drop unused code (release build, LTO)",
                    );
                }
            }
            Payload::CodeSectionEntry(body) => check_body(&body, limits)?,
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.map_err(malformed)?;
                    let items = u64::from(match element.items {
                        ElementItems::Functions(items) => items.count(),
                        ElementItems::Expressions(_, items) => items.count(),
                    });
                    if items > limits.max_element_segment_items {
                        return over(
                            "max_element_segment_items",
                            items,
                            limits.max_element_segment_items,
                            "no agent needs a function table this large",
                        );
                    }
                    element_items += items;
                    if element_items > limits.max_element_items {
                        return over(
                            "max_element_items",
                            element_items,
                            limits.max_element_items,
                            "no agent needs function tables this large",
                        );
                    }
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(malformed)?;
                    if data.data.len() > limits.max_data_segment_bytes {
                        return over(
                            "max_data_segment_bytes",
                            len_u64(data.data.len()),
                            len_u64(limits.max_data_segment_bytes),
                            "initialise large data at run time instead",
                        );
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_body(
    body: &wasmparser::FunctionBody<'_>,
    limits: &CompileLimits,
) -> Result<(), LoadError> {
    let size = body.range().len();
    if size > limits.max_function_body_bytes {
        return Err(over(
            "max_function_body_bytes",
            len_u64(size),
            len_u64(limits.max_function_body_bytes),
            "split the function (no compiler emits one this large for normal code)",
        ));
    }
    let mut locals: u64 = 0;
    for group in body.get_locals_reader().map_err(malformed)? {
        let (count, _) = group.map_err(malformed)?;
        locals += u64::from(count);
        if locals > limits.max_locals_per_function {
            return Err(over(
                "max_locals_per_function",
                locals,
                limits.max_locals_per_function,
                "split the function",
            ));
        }
    }
    let mut depth: usize = 0;
    let mut reader = body.get_operators_reader().map_err(malformed)?;
    while !reader.eof() {
        match reader.read().map_err(malformed)? {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. } => {
                depth += 1;
                if depth > limits.max_nesting_depth {
                    return Err(over(
                        "max_nesting_depth",
                        len_u64(depth),
                        len_u64(limits.max_nesting_depth),
                        "flatten the deeply nested blocks or loops",
                    ));
                }
            }
            Operator::End => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn over(limit: &'static str, value: u64, cap: u64, advice: &'static str) -> LoadError {
    LoadError::OverCompileLimit {
        limit,
        value,
        cap,
        advice,
    }
}

fn malformed(err: wasmparser::BinaryReaderError) -> LoadError {
    LoadError::Malformed {
        reason: err.to_string(),
    }
}

fn len_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
