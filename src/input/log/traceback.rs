//! A Python traceback read line by line: its innermost frame, the first frame in the
//! project's `spiders` package (the callback that raised), and the exception line that
//! ends it, where a chained traceback (`During handling ...`) may go on after one. It knows
//! nothing of the log around it: the log reader says where one begins, and ends it on a
//! line in the log's own shape.

use crate::input::logformat;

/// A traceback is read for at most so many lines after its `Traceback` line.
pub const TRACEBACK_LINES: u32 = 200;

/// The traceback being read, and buffers kept from one traceback to the next (a log of
/// thousands of errors reads thousands of tracebacks).
#[derive(Debug, Default)]
pub struct Tracebacks {
    open: Option<Open>,
    /// The innermost frame line so far.
    frame_line: String,
    /// The function of the first frame in the project's spiders, and the frame line it was
    /// read from (a failing callback fails the same way many times: read once).
    callback: String,
    callback_frame: String,
    /// The exception line that may end the open traceback.
    candidate: String,
}

#[derive(Debug)]
struct Open {
    left: u32,
    /// The indent of its `Traceback` line: frames are indented deeper, the exception line
    /// that ends it is not (a pasted log may indent everything).
    indent: usize,
    /// The shape of what stands before its `Traceback` word (a wrapper's prefix, as
    /// `logformat::shape` gives it), taken off each of its lines that starts so.
    wrapper: Vec<u8>,
    has_frame: bool,
    has_callback: bool,
    /// The line of the exception line that may end it.
    candidate: Option<u64>,
    /// The ERROR line just before the `Traceback` line belongs to it.
    after: bool,
}

/// What one line did to the open traceback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The line was part of it.
    Taken,
    /// The line was part of it, and the last it reads: it was given up without an end.
    GivenUp,
    /// The traceback had ended before this line (call `end`), which is read as usual.
    Over,
}

/// A traceback that ended on its exception line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended<'t> {
    pub exception: &'t str,
    pub line: u64,
    pub frame: Option<&'t str>,
    pub callback: Option<&'t str>,
    /// The ERROR line before its `Traceback` line belongs to it.
    pub after: bool,
}

impl Tracebacks {
    /// A `Traceback` line: `indent` and `wrapper` are those of its own prefix.
    pub fn begin(&mut self, indent: usize, wrapper: Vec<u8>, after: bool) {
        self.open = Some(Open {
            left: TRACEBACK_LINES,
            indent,
            wrapper,
            has_frame: false,
            has_callback: false,
            candidate: None,
            after,
        });
    }

    /// One line after the `Traceback` line, as text, that is not in the log's own shape.
    pub fn line(&mut self, text: &str, line_no: u64) -> Step {
        let Some(open) = &mut self.open else {
            return Step::Over;
        };
        let trimmed = logformat::without_shape(text.trim_end(), &open.wrapper)
            .unwrap_or_else(|| text.trim_end());
        let frame = trimmed.trim_start();
        if open.candidate.is_some() {
            // After an exception line only a chained traceback goes on.
            let chained = frame.is_empty()
                || frame.starts_with("During handling")
                || frame.starts_with("The above exception")
                || frame.starts_with("Traceback");
            if !chained {
                return Step::Over;
            }
            if frame.starts_with("Traceback") {
                open.candidate = None;
            }
            return Step::Taken;
        }
        let indent = trimmed.len() - frame.len();
        let still_frames = frame.is_empty() || frame.starts_with('^') || indent > open.indent;
        if still_frames
            || frame.starts_with("Traceback")
            || frame.starts_with("During handling")
            || frame.starts_with("The above exception")
        {
            if frame.starts_with("File \"") {
                self.frame_line.clear();
                self.frame_line.push_str(frame);
                open.has_frame = true;
                if !open.has_callback {
                    if self.callback_frame != frame {
                        self.callback_frame.clear();
                        self.callback_frame.push_str(frame);
                        self.callback.clear();
                        if let Some(function) = crate::evidence::spider_function(frame) {
                            self.callback.push_str(function);
                        }
                    }
                    open.has_callback = !self.callback.is_empty();
                }
            }
            open.left = open.left.saturating_sub(1);
            if open.left == 0 {
                self.open = None;
                return Step::GivenUp;
            }
            return Step::Taken;
        }
        open.candidate = Some(line_no);
        self.candidate.clear();
        self.candidate.push_str(frame);
        Step::Taken
    }

    /// Closes the open traceback: what it showed, if it reached its exception line.
    pub fn end(&mut self) -> Option<Ended<'_>> {
        let open = self.open.take()?;
        let line = open.candidate?;
        Some(Ended {
            exception: &self.candidate,
            line,
            frame: open.has_frame.then_some(self.frame_line.as_str()),
            callback: open.has_callback.then_some(self.callback.as_str()),
            after: open.after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &[&str]) -> (Vec<Step>, Option<Ended<'static>>) {
        let mut tracebacks = Tracebacks::default();
        tracebacks.begin(0, Vec::new(), true);
        let mut steps = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            let step = tracebacks.line(line, n as u64 + 2);
            steps.push(step);
            if step != Step::Taken {
                break;
            }
        }
        let ended = tracebacks.end().map(|e| Ended {
            exception: Box::leak(e.exception.to_string().into_boxed_str()),
            line: e.line,
            frame: e.frame.map(|f| &*Box::leak(f.to_string().into_boxed_str())),
            callback: e
                .callback
                .map(|f| &*Box::leak(f.to_string().into_boxed_str())),
            after: e.after,
        });
        (steps, ended)
    }

    #[test]
    fn a_traceback_ends_on_its_exception_line_with_its_innermost_frame_and_callback() {
        let (steps, ended) = read(&[
            "  File \"/app/proj/spiders/books.py\", line 12, in parse_page",
            "    price = row.css('x').get()[1:]",
            "  File \"/usr/lib/python3/site-packages/parsel/selector.py\", line 5, in get",
            "    return x",
            "TypeError: 'NoneType' object is not subscriptable",
            "2026-01-01 00:00:00 [scrapy.core.engine] INFO: Closing spider (finished)",
        ]);
        assert_eq!(steps.last(), Some(&Step::Over));
        let ended = ended.expect("ended");
        assert_eq!(
            ended.exception,
            "TypeError: 'NoneType' object is not subscriptable"
        );
        assert_eq!(ended.line, 6);
        assert_eq!(
            ended.frame,
            Some("File \"/usr/lib/python3/site-packages/parsel/selector.py\", line 5, in get")
        );
        assert_eq!(ended.callback, Some("parse_page"));
        assert!(ended.after);
    }

    #[test]
    fn a_chained_traceback_ends_on_the_last_exception() {
        let (_, ended) = read(&[
            "  File \"x.py\", line 1, in f",
            "KeyError: 'a'",
            "",
            "During handling of the above exception, another exception occurred:",
            "",
            "Traceback (most recent call last):",
            "  File \"y.py\", line 2, in g",
            "ValueError: b",
            "next",
        ]);
        let ended = ended.expect("ended");
        assert_eq!((ended.exception, ended.line), ("ValueError: b", 9));
        assert_eq!(ended.callback, None);
    }

    #[test]
    fn a_traceback_without_an_end_is_given_up_after_its_line_budget() {
        let frames: Vec<String> = (0..TRACEBACK_LINES)
            .map(|i| format!("  File \"f{i}.py\", line 1, in f"))
            .collect();
        let lines: Vec<&str> = frames.iter().map(String::as_str).collect();
        let (steps, ended) = read(&lines);
        assert_eq!(steps.last(), Some(&Step::GivenUp));
        assert_eq!(steps.len(), TRACEBACK_LINES as usize);
        assert_eq!(ended, None);
    }

    #[test]
    fn a_wrappers_prefix_is_taken_off_each_line() {
        let mut tracebacks = Tracebacks::default();
        // `worker-1 | Traceback (most recent call last):`: the wrapper, then an indent of 1.
        let wrapper = logformat::shape("worker-1 |");
        tracebacks.begin(1, wrapper, false);
        assert_eq!(
            tracebacks.line("worker-1 |   File \"a.py\", line 1, in f", 2),
            Step::Taken
        );
        assert_eq!(
            tracebacks.line("worker-1 | OSError: disk full", 3),
            Step::Taken
        );
        assert_eq!(tracebacks.line("worker-1 | next", 4), Step::Over);
        let ended = tracebacks.end().expect("ended");
        assert_eq!(ended.exception, "OSError: disk full");
        assert!(!ended.after);
        assert_eq!(tracebacks.end(), None, "closed by the first end");
    }
}
