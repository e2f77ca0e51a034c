//! The log: one line per event, whatever the event holds.
//!
//! Log fields carry what users typed (thing names, IdP error codes, usernames), and an error's
//! text can quote it. A CR or LF in it would start a new, forged log line. The writer here
//! escapes every control character of an event's text (`\n` as `\\n`, ESC as `\\x1b`, …) and
//! keeps only the event's own final newline, so no field can split or recolour a line,
//! however it was formatted.

use std::io::{self, Write};
use tracing_subscriber::fmt::MakeWriter;

/// Sets up the global subscriber: stderr, `RUST_LOG` or the default filter, escaped lines.
pub fn init() {
    tracing_subscriber::fmt()
        .with_writer(EscapedStderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn,aws_smithy_runtime=warn".into()),
        )
        .init();
}

/// Makes one [`EscapingWriter`] over stderr per event.
#[derive(Clone, Copy)]
pub struct EscapedStderr;

impl<'a> MakeWriter<'a> for EscapedStderr {
    type Writer = EscapingWriter<io::Stderr>;
    fn make_writer(&'a self) -> Self::Writer {
        EscapingWriter(io::stderr())
    }
}

/// Writes an event's text with its control characters escaped. The fmt layer hands over each
/// event whole, in one `write`, ending in its newline.
pub struct EscapingWriter<W: Write>(pub W);

impl<W: Write> Write for EscapingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_all(&escape_event(buf))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// `buf` with every control character but a final `\n` escaped.
pub fn escape_event(buf: &[u8]) -> Vec<u8> {
    let (body, end) = match buf.strip_suffix(b"\n") {
        Some(body) => (body, &b"\n"[..]),
        None => (buf, &b""[..]),
    };
    let mut out = Vec::with_capacity(buf.len() + 8);
    for &b in body {
        match b {
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.push(b'\t'),
            0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.extend_from_slice(end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_cannot_start_a_line_of_its_own() {
        let forged = b"WARN thing=evil\n2026-01-01 INFO signed in user=admin\r\x1b[31m\n";
        let out = String::from_utf8(escape_event(forged)).unwrap();
        assert_eq!(out.matches('\n').count(), 1, "{out}");
        assert!(out.ends_with("\\r\\x1b[31m\n"), "{out}");
        assert!(out.contains("evil\\n2026"), "{out}");
    }

    #[test]
    fn the_subscriber_writes_an_escaped_line_through_it() {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl Write for Buf {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let sink = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || EscapingWriter(sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let name = "x\nFAKE ERROR line";
            tracing::warn!(thing = %name, "refused {name}");
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("x\\nFAKE"), "{text}");
    }
}
