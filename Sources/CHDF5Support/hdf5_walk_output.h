// The walk's output primitives (its record format is in hdf5_walk.h), shared by the files that write records:
// fixed-size numbers in native byte order, length-prefixed strings, error records.
#ifndef CKPT_HDF5_WALK_OUTPUT_H
#define CKPT_HDF5_WALK_OUTPUT_H

#include "hdf5_walk.h"

#include <string.h>

#define MAX_DEPTH 64
#define MAX_RANK 64
#define MAX_NAME (1 << 16)
#define MAX_ATTRIBUTES (1 << 16)
#define MAX_LINKS 10000000
#define MAX_VALUE_BYTES ((size_t)64 << 20)

static inline void put_u8(ckpt_walk *w, uint8_t v) { ckpt_walk_put(w, &v, 1); }
static inline void put_u32(ckpt_walk *w, uint32_t v) { ckpt_walk_put(w, &v, 4); }
static inline void put_i32(ckpt_walk *w, int32_t v) { ckpt_walk_put(w, &v, 4); }
static inline void put_u64(ckpt_walk *w, uint64_t v) { ckpt_walk_put(w, &v, 8); }
static inline void put_i64(ckpt_walk *w, int64_t v) { ckpt_walk_put(w, &v, 8); }
static inline void put_bytes(ckpt_walk *w, const char *s, size_t n) {
    put_u32(w, (uint32_t)n);
    ckpt_walk_put(w, s, n);
}
static inline void put_str(ckpt_walk *w, const char *s) { put_bytes(w, s, strlen(s)); }


/// Writes what the buffer holds to the parent.
void ckpt_walk_flush(ckpt_walk *w);

/// An error record: `what`, then libhdf5's reason when `with_reason` and it has one.
void ckpt_walk_put_error(ckpt_walk *w, char kind, const char *what, int with_reason);

/// A whole string or numeric value (an attribute, or a string dataset) read through `attr` or `dset`.
void ckpt_walk_put_value(ckpt_walk *w, hid_t type, hid_t space, hid_t attr, hid_t dset, const char *what);

/// The attributes of the object at `path`, in name order, each read whole.
void ckpt_walk_put_attributes(ckpt_walk *w, hid_t file, const char *path);

#endif
