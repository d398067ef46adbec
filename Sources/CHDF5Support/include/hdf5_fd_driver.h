// A libhdf5 file driver over an open file descriptor, for writing: AtomicFile hands writers an unnamed file
// (/proc/self/fd/N), which libhdf5's own drivers cannot create by name (they resolve the path with realpath(3),
// and an unnamed file has none).
#ifndef CKPT_HDF5_FD_DRIVER_H
#define CKPT_HDF5_FD_DRIVER_H

#include <stdint.h>

/// A new file access property list (an `hid_t`) whose driver reads and writes `fd` with pread/pwrite; the file
/// name given to H5Fcreate is then ignored. `fd` stays open after H5Fclose: the caller closes it. Negative on
/// failure. Call holding ckpt's libhdf5 lock.
int64_t ckpt_h5_fd_fapl(int fd);

#endif
