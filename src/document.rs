//! JSON documents that span lines: one object (a job, an envelope, a summary), an array of
//! jobs streamed element by element, or pretty-printed values one after another. Lines
//! are counted for error positions, and no single value may grow past the record cap.

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};

use crate::catalog::Catalog;
use crate::exit::{ExitStatus, Failure};
use crate::input::{
    deliver, json_problem, with_location, Consumer, ReadError, Records, RECORD_CAP,
};
use crate::job::Record;
use crate::log::LogReader;

/// A byte reader that counts lines (for error positions) and refuses to let one value grow
/// past the record cap.
struct Counting<R> {
    inner: R,
    newlines: Rc<Cell<u64>>,
    since_mark: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let lines = memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        self.newlines.set(self.newlines.get() + lines);
        self.since_mark.set(self.since_mark.get() + n as u64);
        if self.since_mark.get() > RECORD_CAP as u64 {
            return Err(io::Error::other(format!(
                "one JSON value is over the {} MiB limit",
                RECORD_CAP >> 20
            )));
        }
        Ok(n)
    }
}

/// A JSON document that spans lines: one object (a job, an envelope, a summary), an array
/// of jobs streamed element by element, or several pretty-printed values one after another.
pub(crate) fn json_document<R: Read, C: Consumer>(
    name: &str,
    reader: R,
    catalog: &Catalog,
    consumer: &mut C,
) -> Result<(), ReadError> {
    let newlines = Rc::new(Cell::new(0));
    let since_mark = Rc::new(Cell::new(0));
    let counting = Counting {
        inner: BufReader::new(reader),
        newlines: Rc::clone(&newlines),
        since_mark: Rc::clone(&since_mark),
    };
    let mut de = serde_json::Deserializer::from_reader(counting);
    let mut log = LogReader::new();
    loop {
        since_mark.set(0);
        let mut failed = None;
        let seed = Values {
            start_line: newlines.get() + 1,
            name,
            catalog,
            consumer: &mut *consumer,
            log: &mut log,
            newlines: &newlines,
            since_mark: &since_mark,
            failed: &mut failed,
        };
        if let Err(err) = seed.deserialize(&mut de) {
            if let Some(failed) = failed {
                return Err(failed);
            }
            let what = if err.is_io() {
                err.to_string()
            } else {
                json_problem(&err)
            };
            return Err(ReadError::Failure(Failure::new(
                ExitStatus::DataError,
                format!("{name}: line {}: {what}", err.line()),
            )));
        }
        if consumer.stopped() {
            return Ok(());
        }
        // Several pretty-printed values may follow one another (`jq '.[]'`).
        if de.end().is_ok() {
            break;
        }
    }
    if let Some(report) = log.finish(catalog) {
        consumer.report(with_location(report, name, 1))?;
    }
    Ok(())
}

/// Reads one top-level JSON value, streaming the elements of an array.
struct Values<'s> {
    /// Where the top-level value starts; array elements are placed where they end.
    start_line: u64,
    name: &'s str,
    catalog: &'s Catalog,
    consumer: &'s mut dyn Records,
    log: &'s mut LogReader,
    newlines: &'s Rc<Cell<u64>>,
    since_mark: &'s Rc<Cell<u64>>,
    failed: &'s mut Option<ReadError>,
}

impl Values<'_> {
    fn take<E: serde::de::Error>(&mut self, record: Record<'_>, line: u64) -> Result<(), E> {
        let result = deliver(
            record,
            self.name,
            line,
            self.catalog,
            self.consumer,
            self.log,
        );
        self.since_mark.set(0);
        result.map_err(|err| {
            *self.failed = Some(err);
            E::custom("output failed")
        })
    }
}

impl<'de> DeserializeSeed<'de> for Values<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Values<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a job record or a list of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Record<'de>>()? {
            let line = self.newlines.get() + 1;
            self.take(record, line)?;
            if self.consumer.stopped() {
                // Drain without looking: the reader has gone.
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                break;
            }
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
        let record = crate::job::RecordVisitor::default().visit_map(map)?;
        let line = self.start_line;
        self.take(record, line)
    }

    fn visit_str<E: serde::de::Error>(mut self, _: &str) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_u64<E: serde::de::Error>(mut self, _: u64) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_i64<E: serde::de::Error>(mut self, _: i64) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_f64<E: serde::de::Error>(mut self, _: f64) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_bool<E: serde::de::Error>(mut self, _: bool) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_unit<E: serde::de::Error>(mut self) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }
}
