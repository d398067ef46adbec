// libhdf5 behind a process boundary. Debian's libhdf5 1.10 trusts corrupt metadata: it frees bad pointers while
// iterating links, copies past global heap buffers and can loop forever. ckpt never calls it on a file it reads
// in its own process: a forked child (running only this C code and libhdf5) walks the file and sends back a
// description of every object it reaches (hdf5_walk.h), or reads one dataset into shared memory. A child that
// dies, stalls or runs out of its memory allowance becomes an error in the parent, never a signal.
#ifndef CKPT_HDF5_GUARD_H
#define CKPT_HDF5_GUARD_H

#include <stddef.h>
#include <stdint.h>

/// How a guarded call ended.
enum {
    CKPT_H5G_OK = 0,
    /// The child died of a signal or sanitizer report: libhdf5 crashed on the file.
    CKPT_H5G_CRASHED = 1,
    /// The child made no progress for the stall limit (or ran past its time limit) and was killed.
    CKPT_H5G_STALLED = 2,
    /// libhdf5 asked for more memory than the child may use (a corrupt size), or the description grew too large.
    CKPT_H5G_TOO_LARGE = 3,
    /// No child could be started (fork, pipe or mmap failed).
    CKPT_H5G_NO_CHILD = 4,
    /// libhdf5 reported an error (read only: the message is in `message`).
    CKPT_H5G_FAILED = 5,
};

/// The result of a guarded call: a status, for `describe` the description bytes (malloc'd, free with
/// `ckpt_h5g_free`), and a one-line message.
typedef struct {
    int status;
    uint8_t *data;
    size_t size;
    char message[512];
} ckpt_h5g_result;

/// Describes the HDF5 file image `image[0..<size)` from a child process (format: hdf5_walk.h). The child is
/// killed when it uses `stall_ms` of CPU time without progress, or runs longer than `limit_ms` (wall time).
void ckpt_h5g_describe(const void *image, size_t size, int stall_ms, int limit_ms, ckpt_h5g_result *out);

/// Reads the dataset at `path` of the image whole, in its file datatype, into `dest` (`bytes` bytes), from a
/// child process killed after `cpu_limit_ms` of CPU time or `limit_ms` of wall time.
void ckpt_h5g_read(const void *image, size_t size, const char *path, void *dest, size_t bytes, int cpu_limit_ms,
                   int limit_ms, ckpt_h5g_result *out);

/// Frees a result's data.
void ckpt_h5g_free(ckpt_h5g_result *result);

#endif
