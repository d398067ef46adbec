// Temporary files removed when the process is ended by SIGINT, SIGTERM or SIGHUP (AtomicFile.swift). The
// handler only calls unlink(2) on paths registered beforehand, then ends the process by the same signal, so it
// is async-signal-safe. SIGKILL cannot be caught: on Linux AtomicFile writes an unnamed O_TMPFILE file instead,
// and a named temporary exists only between linkat(2) and rename(2).
#ifndef CKPT_FILE_CLEANUP_H
#define CKPT_FILE_CLEANUP_H

/// Registers `path` for removal on SIGINT/SIGTERM/SIGHUP (installing the handlers on first use). Returns a
/// slot to pass to `ckpt_cleanup_unregister`, or -1 when every slot is taken or the path is too long.
int ckpt_cleanup_register(const char *path);

/// Forgets the path in `slot` (after it was renamed into place or removed).
void ckpt_cleanup_unregister(int slot);

/// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (writing the old mask to an opaque 128-byte buffer),
/// so that a short critical section (link, then rename) finishes before a signal ends the process.
void ckpt_cleanup_block_signals(void *old_mask);

/// Restores the mask saved by `ckpt_cleanup_block_signals`; a signal that came meanwhile is delivered now.
void ckpt_cleanup_restore_signals(const void *old_mask);

/// Opens an unnamed regular file in `folder` (Linux O_TMPFILE) for writing; -1 where unsupported.
int ckpt_open_unnamed(const char *folder);

/// Gives the unnamed file open as `fd` the name `path` (linkat through /proc/self/fd); 0, or -1 with errno.
int ckpt_link_unnamed(int fd, const char *path);

#endif
