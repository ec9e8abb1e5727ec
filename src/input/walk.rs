//! Directories given with `-i`: every file below, in a sorted, deterministic order (by
//! name at each level, files and folders together, as `find | sort` would list paths), one
//! directory's entries held at a time. A symlink loop or an entry that cannot be read is
//! reported and skipped; the walk goes on.

use std::path::{Path, PathBuf};

use crate::exit::{io_reason, Error};

/// What the walk meets, in order.
pub enum Found<'p> {
    /// A file and its length, read from the directory entry so that it is looked up once.
    File(&'p Path, u64),
    /// Something below that cannot be read; the walk goes on.
    Problem(Error),
}

/// Calls `visit` for every file below `dir` and every problem, in order. Stops early when
/// `visit` says so (the reader of the output has gone).
pub fn walk<E>(dir: &Path, visit: &mut dyn FnMut(Found<'_>) -> Result<bool, E>) -> Result<bool, E> {
    let mut ancestors = Vec::new();
    let mut files = 0u64;
    let mut counting = |found: Found<'_>| {
        if let Found::File(..) = found {
            files += 1;
        }
        visit(found)
    };
    let go_on = walk_dir(dir, &mut ancestors, &mut counting)?;
    if go_on && files == 0 {
        // Every input gets an answer or an error: a folder with no file is the latter.
        return visit(Found::Problem(Error::no_input(format!(
            "{}: a directory with no file in it",
            dir.display()
        ))));
    }
    Ok(go_on)
}

fn walk_dir<E>(
    dir: &Path,
    ancestors: &mut Vec<PathBuf>,
    visit: &mut dyn FnMut(Found<'_>) -> Result<bool, E>,
) -> Result<bool, E> {
    let mut problem = |error: Error| visit(Found::Problem(error));
    let shown = dir.display();
    let real = match std::fs::canonicalize(dir) {
        Ok(real) => real,
        Err(err) => {
            return problem(Error::no_input(format!("{shown}: {}", io_reason(&err))));
        }
    };
    if ancestors.contains(&real) {
        return problem(Error::no_input(format!(
            "{shown}: a symbolic link loop (it leads back to {}); skipped",
            real.display()
        )));
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            return problem(Error::no_input(format!("{shown}: {}", io_reason(&err))));
        }
    };
    let mut listed = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => listed.push((entry.path(), entry)),
            Err(err) => {
                if !problem(Error::no_input(format!("{shown}: {}", io_reason(&err))))? {
                    return Ok(false);
                }
            }
        }
    }
    // All in one folder: their names decide, and comparing names (taken once each) is much
    // cheaper than comparing whole paths component by component.
    listed.sort_by_cached_key(|(_, entry)| entry.file_name());
    ancestors.push(real);
    for (path, entry) in listed {
        // The entry's own type needs no lookup; a link is followed (a link to a folder is
        // walked, loops are caught above, a dangling one is reported).
        let is_link = entry.file_type().map_or(true, |t| t.is_symlink());
        let meta = if is_link {
            std::fs::metadata(&path)
        } else {
            entry.metadata()
        };
        let go_on = match meta {
            Ok(meta) if meta.is_dir() => walk_dir(&path, ancestors, visit)?,
            Ok(meta) => visit(Found::File(&path, meta.len()))?,
            Err(err) => visit(Found::Problem(Error::no_input(format!(
                "{}: {}",
                path.display(),
                io_reason(&err)
            ))))?,
        };
        if !go_on {
            return Ok(false);
        }
    }
    ancestors.pop();
    Ok(true)
}
