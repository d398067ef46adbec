// libhdf5 behind a process boundary. Debian's libhdf5 1.10 trusts corrupt metadata: it frees bad pointers while
// iterating links, copies past global heap buffers and can loop forever. ckpt never calls it on a file it reads
// in its own process: a child process (running only this C code and libhdf5) walks the file and sends back a
// description of every object it reaches (hdf5_walk.h), or reads one dataset into shared memory. A child that
// dies, stalls or runs out of its memory allowance becomes an error in the parent, never a signal.
//
// The children are forked by a helper process (hdf5_helper.c), a copy of this executable started once with
// posix_spawn, small and single-threaded: this process never forks while its other threads may hold locks
// (OpenBLAS's pre-fork handler once waited forever for threads busy in sgemm), and a child costs a fork of the
// helper, not of a large process. The file reaches the child as a descriptor, never as this process's memory.
// Where no helper can run (no /proc/self/exe, no memory files, CKPT_HDF5_GUARD=fork), this process forks itself.
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

/// An HDF5 file image: `size` bytes at `start` in this process which are also, when `fd` >= 0, the bytes at
/// `offset` of the file (or memory file) `fd`, the way children are given them.
typedef struct {
    const void *start;
    size_t size;
    /// Owned by the image: closed by `ckpt_h5g_image_release`.
    int fd;
    uint64_t offset;
    /// `start` was mapped by `ckpt_h5g_image_copy` (released with the image).
    int owned;
} ckpt_h5g_image;

/// Makes an image of a copy of `bytes[0..<size)`, in a memory file where the system has them. Returns 0, or -1
/// with errno set.
int ckpt_h5g_image_copy(const void *bytes, size_t size, ckpt_h5g_image *out);

/// Closes the image's descriptor and releases its copy, if it owns one.
void ckpt_h5g_image_release(ckpt_h5g_image *image);

/// Describes the HDF5 file `image` from a child process (format: hdf5_walk.h). The child is killed when it uses
/// `stall_ms` of CPU time without progress, or runs longer than `limit_ms` (wall time).
void ckpt_h5g_describe(const ckpt_h5g_image *image, int stall_ms, int limit_ms, ckpt_h5g_result *out);

/// Reads the dataset at `path` of the image whole, in its file datatype, into `dest` (`bytes` bytes), from a
/// child process killed after `cpu_limit_ms` of CPU time or `limit_ms` of wall time.
void ckpt_h5g_read(const ckpt_h5g_image *image, const char *path, void *dest, size_t bytes, int cpu_limit_ms,
                   int limit_ms, ckpt_h5g_result *out);

/// Frees a result's data.
void ckpt_h5g_free(ckpt_h5g_result *result);

/// The process id of the helper that forks the children, or 0 while none runs (tests inspect it).
int ckpt_h5g_helper_pid(void);

#endif
