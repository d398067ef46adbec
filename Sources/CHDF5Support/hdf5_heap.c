// Checks an HDF5 file's global heap collections (where variable-length strings live) before libhdf5 reads them:
// libhdf5 1.10 trusts a collection's object sizes and copies past its buffers when one is corrupt (HDF5 2.0
// checks). Layout (HDF5 spec, "Global Heap"): "GCOL", version 1, three reserved bytes, the collection size (a
// length-sized field), then objects of index (2 bytes), reference count (2), reserved (4), size (length-sized)
// and data padded to 8; object 0 is the free space. Only bytes outside contiguous dataset data are scanned, so
// the tensors of a big file are not read and cannot look like a heap.
#include "hdf5_walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The walk's own bound on group nesting (hdf5_walk.c).
#define MAX_VISIT_DEPTH 64

typedef struct { uint64_t start, end; } extent_t;
typedef struct {
    extent_t *items;
    size_t count, cap;
    size_t file_size;
    size_t budget;
    volatile uint64_t *progress;
    ckpt_address_set seen;  // no object header lives at address 0
    int cycle;
} extents_t;

/// Marks `address` visited; returns 1 when it already was, -1 when out of memory.
static int visited(extents_t *x, uint64_t address) {
    return address == 0 ? 0 : ckpt_address_set_insert(&x->seen, address);
}

static herr_t collect_extent(hid_t parent, const char *name, const H5O_info_t *info, void *data) {
    extents_t *x = (extents_t *)data;
    (*x->progress)++;
    if (x->budget-- == 0) return 1;
    // libhdf5 remembers visited objects only when their header counts more than one link: a corrupt group that
    // links back to an ancestor with a count of one is entered again and again, each time with a longer path
    // (a walk that makes progress forever). An object met twice, or nesting past the walk's bound, ends the visit.
    int depth = 1;
    for (const char *c = name; *c; c++) depth += *c == '/';
    int again = visited(x, (uint64_t)info->addr);
    if (again != 0 || depth > MAX_VISIT_DEPTH) {
        x->cycle = 1;
        return 1;
    }
    if (info->type != H5O_TYPE_DATASET) return 0;
    hid_t d = H5Dopen2(parent, name, H5P_DEFAULT);
    if (d < 0) return 0;
    haddr_t address = H5Dget_offset(d);
    hsize_t stored = H5Dget_storage_size(d);
    H5Dclose(d);
    if (address == HADDR_UNDEF || address >= x->file_size || stored == 0 || stored > x->file_size - address) return 0;
    if (x->count == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        extent_t *items = (extent_t *)realloc(x->items, cap * sizeof *items);
        if (!items) return -1;
        x->items = items;
        x->cap = cap;
    }
    x->items[x->count++] = (extent_t){address, address + stored};
    return 0;
}

static int by_start(const void *a, const void *b) {
    uint64_t x = ((const extent_t *)a)->start, y = ((const extent_t *)b)->start;
    return x < y ? -1 : x > y;
}

static uint64_t read_le(const uint8_t *p, int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/// Returns 1 when the collection at `offset` is consistent.
static int collection_ok(const uint8_t *image, size_t size, size_t offset, int length_size) {
    size_t header = 8 + (size_t)length_size;
    if (offset + header > size) return 0;
    uint64_t collection = read_le(image + offset + 8, length_size);
    if (collection < header || collection > size - offset) return 0;
    size_t end = offset + (size_t)collection, p = offset + header;
    while (p < end) {
        if (p + 8 + (size_t)length_size > end) break;  // too small for an object: free space
        uint64_t index = read_le(image + p, 2), object = read_le(image + p + 8, length_size);
        if (object > end - p) return 0;
        size_t need = index > 0 ? 8 + (size_t)length_size + ((size_t)object + 7) / 8 * 8 : (size_t)object;
        if (need == 0 || need > end - p) return 0;
        p += need;
    }
    return 1;
}

int ckpt_walk_check_heaps(ckpt_walk *w, hid_t file) {
    size_t address_size = 0, length_size = 0;
    hid_t fcpl = H5Fget_create_plist(file);
    if (fcpl < 0 || H5Pget_sizes(fcpl, &address_size, &length_size) < 0 ||
        (length_size != 2 && length_size != 4 && length_size != 8)) {
        snprintf(w->heap_error, sizeof w->heap_error, "cannot read the file's sizes of lengths");
        if (fcpl >= 0) H5Pclose(fcpl);
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    H5Pclose(fcpl);
    extents_t x = {NULL, 0, 0, w->file_size, 1 << 20, w->progress, {NULL, 0, 0}, 0};
    H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, collect_extent, &x, H5O_INFO_BASIC);
    H5Eclear2(H5E_DEFAULT);
    ckpt_address_set_free(&x.seen);
    if (x.cycle) {
        snprintf(w->heap_error, sizeof w->heap_error, "corrupt HDF5 file: a group links back into itself or nests deeper than %d",
                 MAX_VISIT_DEPTH);
        free(x.items);
        return 0;
    }
    qsort(x.items, x.count, sizeof *x.items, by_start);
    static const uint8_t signature[8] = {'G', 'C', 'O', 'L', 1, 0, 0, 0};
    const uint8_t *image = (const uint8_t *)w->image;
    size_t gap = 0;
    for (size_t i = 0; i <= x.count; i++) {
        size_t stop = i < x.count ? (size_t)x.items[i].start : w->file_size;
        if (stop > w->file_size) stop = w->file_size;
        for (size_t p = gap; p + sizeof signature <= stop; p++) {
            const uint8_t *hit = (const uint8_t *)memchr(image + p, 'G', stop - sizeof signature + 1 - p);
            if (!hit) break;
            p = (size_t)(hit - image);
            if (memcmp(hit, signature, sizeof signature) == 0 && !collection_ok(image, w->file_size, p, (int)length_size)) {
                snprintf(w->heap_error, sizeof w->heap_error, "corrupt HDF5 global heap at byte %zu", p);
                free(x.items);
                return 0;
            }
        }
        if (i < x.count && x.items[i].end > gap) gap = (size_t)x.items[i].end;
    }
    free(x.items);
    return 1;
}
