//! Files and directories the portal creates are private to its user:
//! directories 0700, files 0600 (data directory, agent store, compiled
//! cache, SQLite database, received uploads).

use std::io;
use std::path::Path;

/// Creates `dir` and any missing parents with mode 0700 (on Unix); an
/// existing directory's mode is left as it is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Sets `path`'s mode to 0600 if it exists (the SQLite database and its
/// `-wal`/`-shm` companions, created by the database driver).
pub fn make_private_file(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        match std::fs::metadata(path) {
            Ok(_) => std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}
