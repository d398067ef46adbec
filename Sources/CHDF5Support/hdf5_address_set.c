// A set of file addresses by open addressing with linear probing, kept at most half full.
#include "hdf5_address_set.h"

#include <stdlib.h>

static size_t slot(uint64_t key, size_t capacity) { return (size_t)(key * 0x9E3779B97F4A7C15ull) & (capacity - 1); }

int ckpt_address_set_insert(ckpt_address_set *s, uint64_t key) {
    if (s->count * 2 >= s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 256;
        uint64_t *table = (uint64_t *)calloc(capacity, sizeof *table);
        if (!table) return -1;
        for (size_t i = 0; i < s->capacity; i++) {
            if (!s->slots[i]) continue;
            size_t j = slot(s->slots[i], capacity);
            while (table[j]) j = (j + 1) & (capacity - 1);
            table[j] = s->slots[i];
        }
        free(s->slots);
        s->slots = table;
        s->capacity = capacity;
    }
    size_t j = slot(key, s->capacity);
    while (s->slots[j]) {
        if (s->slots[j] == key) return 1;
        j = (j + 1) & (s->capacity - 1);
    }
    s->slots[j] = key;
    s->count++;
    return 0;
}

void ckpt_address_set_free(ckpt_address_set *s) {
    free(s->slots);
    s->slots = NULL;
    s->count = s->capacity = 0;
}
