// The description a guarded child writes of an HDF5 file: every object reachable from the root group through
// hard links, each once, with what ckpt's reader asks of it (HDF5File.swift decodes it). Records are in the
// child's native byte order (the parent is the same program):
//
//   description := "CKH5" object
//   object      := 'G' u64 address attributes links          a group
//                | 'D' u64 address attributes dataset        a dataset
//                | 'O' u64 address                           any other object (a named datatype)
//                | 'R' u64 address                           an object described earlier
//                | error
//   attributes  := ('a' string value)* ('.' | error)           in name order
//   links       := error | ('c' | 'n') ('l' string object)* ('.' | error)
//                                                              hard links in creation order ('c') where the
//                                                              group tracks and indexes it, else name order
//   value       := 's' u8 scalar u32 n string*n | 'i' u8 scalar u32 n i64*n | 'f' u8 scalar u32 n f64*n
//                | 'o' string (a description) | error
//   dataset     := 'N' (a null dataspace) | error
//                | 'S' u32 rank u64*rank type layout [value when the type is a string]
//   type        := i32 class, u64 size, u8 big-endian, u8 signed, i64*5 float fields (sign, exponent position and
//                  size, mantissa position and size; -1 unknown), u64 exponent bias, u8 enum is h5py's bool,
//                  u8 enum base is signed (2: unknown), u8 is h5py's complex {r, i} (then the member's type)
//   layout      := i32 external files, i32 layout, i32 filters, u64 data offset, u64 stored bytes
//   error       := '!' u8 kind ('m' malformed, 't' too large, 'u' unsupported) string
//   string      := u32 length, bytes
#ifndef CKPT_HDF5_WALK_H
#define CKPT_HDF5_WALK_H

#include "hdf5_address_set.h"

#include <hdf5.h>
#include <stdint.h>

/// Output of a walk: a buffer flushed to `fd`, and a progress counter the parent watches.
typedef struct {
    int fd;
    uint8_t buf[1 << 16];
    size_t len;
    volatile uint64_t *progress;
    size_t file_size;
    const void *image;
    hid_t file;
    int heaps_checked;   // 0 not yet, 1 valid, -1 corrupt
    char heap_error[128];
    ckpt_address_set seen;  // object addresses + 1 already described
} ckpt_walk;

/// Writes the description of `file` to `w->fd`. Returns 0, or -1 when writing failed.
int ckpt_walk_file(ckpt_walk *w, hid_t file);

/// Checks the image's global heap collections (where variable-length strings live) before libhdf5 reads them.
/// Returns 1 when consistent, 0 when corrupt (with the reason in `w->heap_error`).
int ckpt_walk_check_heaps(ckpt_walk *w, hid_t file);

/// Writes `n` bytes to the walk's buffer.
void ckpt_walk_put(ckpt_walk *w, const void *bytes, size_t n);

/// The innermost message on libhdf5's error stack (clearing it), or "" when the stack is empty.
void ckpt_walk_last_error(char *buf, size_t cap);

/// Opens `image[0..<size)` read-only as an HDF5 file without copying it; returns a file id or a negative value.
hid_t ckpt_walk_open_image(const void *image, size_t size, char *err, size_t cap);

#endif
