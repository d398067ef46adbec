// A set of file addresses (object headers the walks have visited), by open addressing.
#ifndef CKPT_HDF5_ADDRESS_SET_H
#define CKPT_HDF5_ADDRESS_SET_H

#include <stddef.h>
#include <stdint.h>

/// Zero-initialised it is empty.
typedef struct {
    uint64_t *slots;  // 0 marks an empty slot: keys are nonzero
    size_t count, capacity;
} ckpt_address_set;

/// Adds `key` (nonzero). Returns 1 when it was already there, 0 when added, -1 when out of memory.
int ckpt_address_set_insert(ckpt_address_set *s, uint64_t key);

/// Frees the set's memory; it is empty again.
void ckpt_address_set_free(ckpt_address_set *s);

#endif
