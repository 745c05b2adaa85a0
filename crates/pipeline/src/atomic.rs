//! Output files that appear whole or not at all: bytes go to a temporary file in the target's
//! folder, which is renamed over the target only once everything was written and flushed. A
//! failure (a full disk, an error half-way through a report, a killed process) leaves the
//! previous file, if any, untouched and no half-written one.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes the temporary files of one process.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A file being written: a temporary sibling of the target until [`AtomicFile::commit`].
/// Dropped without a commit, it removes the temporary file.
///
/// ```
/// use std::io::Write;
/// use pdscore_pipeline::AtomicFile;
///
/// let dir = std::env::temp_dir().join("pdscore-atomic-doc");
/// std::fs::create_dir_all(&dir)?;
/// let target = dir.join("out.csv");
/// let _ = std::fs::remove_file(&target);
/// let mut file = AtomicFile::create(&target)?;
/// writeln!(file, "id,pd")?;
/// assert!(!target.exists()); // nothing there until the commit
/// file.commit()?;
/// assert_eq!(std::fs::read_to_string(&target)?, "id,pd\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temporary: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `target` (through a temporary file beside it).
    ///
    /// # Errors
    /// When the temporary file cannot be created (a missing folder, no permission).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let name = target.file_name().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{}` names no file", target.display()),
            )
        })?;
        let temporary = target.with_file_name(format!(
            ".{}.tmp-{}-{}",
            name.to_string_lossy(),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let file = File::create(&temporary)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temporary,
            writer: Some(BufWriter::new(file)),
        })
    }

    /// Flushes, syncs and renames the temporary file over the target.
    ///
    /// # Errors
    /// Write, sync or rename errors; the temporary file is removed and the target untouched.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let result = writer
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
            .and_then(|file| file.sync_all())
            .and_then(|()| std::fs::rename(&self.temporary, &self.target));
        if result.is_err() {
            let _ = std::fs::remove_file(&self.temporary);
        }
        result
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.writer {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("the file was already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// Writes `bytes` to `path` whole or not at all (see [`AtomicFile`]).
///
/// # Errors
/// As [`AtomicFile::create`] and [`AtomicFile::commit`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("pdscore-atomic-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect()
    }

    #[test]
    fn an_abandoned_write_leaves_the_old_file_and_no_temporary() {
        let dir = dir("abandon");
        let target = dir.join("report.json");
        write_atomically(&target, b"old").expect("first write");
        {
            let mut file = AtomicFile::create(&target).expect("create");
            file.write_all(b"[half").expect("write");
            // dropped without commit: an error half-way
        }
        assert_eq!(std::fs::read(&target).expect("read"), b"old");
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
        write_atomically(&target, b"new").expect("second write");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        assert!(leftovers(&dir).is_empty());
    }

    #[test]
    fn a_missing_folder_is_an_error_not_a_panic() {
        let target = dir("missing").join("no/such/folder/out.csv");
        assert!(write_atomically(&target, b"x").is_err());
        assert!(AtomicFile::create(Path::new("/")).is_err());
    }
}
