// The walk a guarded child makes of an HDF5 file (the format is in hdf5_walk.h). It makes the calls ckpt's
// reader needs, on every object, so that the parent never has to: group info and creation-order flags, one
// H5Literate pass per group, object info per link, every attribute read whole, and per dataset its dataspace,
// datatype, layout and (for strings) its value. Limits mirror the reader's (HDF5File.swift).
#include "hdf5_walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEPTH 64
#define MAX_RANK 64
#define MAX_NAME (1 << 16)
#define MAX_ATTRIBUTES (1 << 16)
#define MAX_LINKS 10000000
#define MAX_VALUE_BYTES ((size_t)64 << 20)

// ---- output ----------------------------------------------------------------------------------------------

static void flush(ckpt_walk *w) {
    size_t done = 0;
    while (done < w->len) {
        ssize_t n = write(w->fd, w->buf + done, w->len - done);
        if (n <= 0) _exit(4);  // the parent went away or refused more: nothing left to do
        done += (size_t)n;
    }
    w->len = 0;
}

void ckpt_walk_put(ckpt_walk *w, const void *bytes, size_t n) {
    const uint8_t *p = (const uint8_t *)bytes;
    while (n > 0) {
        if (w->len == sizeof w->buf) flush(w);
        size_t room = sizeof w->buf - w->len, take = n < room ? n : room;
        memcpy(w->buf + w->len, p, take);
        w->len += take;
        p += take;
        n -= take;
    }
    (*w->progress)++;
}

static void put_u8(ckpt_walk *w, uint8_t v) { ckpt_walk_put(w, &v, 1); }
static void put_u32(ckpt_walk *w, uint32_t v) { ckpt_walk_put(w, &v, 4); }
static void put_i32(ckpt_walk *w, int32_t v) { ckpt_walk_put(w, &v, 4); }
static void put_u64(ckpt_walk *w, uint64_t v) { ckpt_walk_put(w, &v, 8); }
static void put_i64(ckpt_walk *w, int64_t v) { ckpt_walk_put(w, &v, 8); }
static void put_bytes(ckpt_walk *w, const char *s, size_t n) {
    put_u32(w, (uint32_t)n);
    ckpt_walk_put(w, s, n);
}
static void put_str(ckpt_walk *w, const char *s) { put_bytes(w, s, strlen(s)); }

/// An error record: `what`, then libhdf5's reason when `with_reason` and it has one.
static void put_error(ckpt_walk *w, char kind, const char *what, int with_reason) {
    char reason[512], line[1200];
    ckpt_walk_last_error(reason, sizeof reason);
    if (with_reason && reason[0]) snprintf(line, sizeof line, "%s: %s", what, reason);
    else snprintf(line, sizeof line, "%s", what);
    put_u8(w, '!');
    put_u8(w, (uint8_t)kind);
    put_str(w, line);
}

// ---- libhdf5 plumbing ------------------------------------------------------------------------------------

static herr_t last_error_cb(unsigned n, const H5E_error2_t *err, void *data) {
    char **dest = (char **)data;
    if (n == 0 && err && err->desc) {
        strncpy(dest[0], err->desc, (size_t)(uintptr_t)dest[1] - 1);
        dest[0][(size_t)(uintptr_t)dest[1] - 1] = 0;
    }
    return 0;
}

void ckpt_walk_last_error(char *buf, size_t cap) {
    buf[0] = 0;
    char *args[2] = {buf, (char *)(uintptr_t)cap};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, last_error_cb, args);
    H5Eclear2(H5E_DEFAULT);
}

// The core driver over a caller-owned read-only buffer (what H5LTopen_file_image does with DONT_COPY|DONT_RELEASE).
typedef struct { const void *buf; size_t len; } image_t;
static void *image_malloc(size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)op;
    image_t *img = (image_t *)udata;
    return size == img->len ? (void *)img->buf : NULL;
}
static void *image_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)src; (void)size; (void)op; (void)udata;
    return dest;
}
static void *image_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)size; (void)op; (void)udata;
    return NULL;
}
static herr_t image_free(void *ptr, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)op; (void)udata;
    return 0;
}
static void *udata_copy(void *udata) { return udata; }
static herr_t udata_free(void *udata) { (void)udata; return 0; }

hid_t ckpt_walk_open_image(const void *image, size_t size, char *err, size_t cap) {
    static image_t img;  // the child opens one image and then exits
    img.buf = image;
    img.len = size;
    err[0] = 0;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    H5FD_file_image_callbacks_t cb = {image_malloc, image_memcpy, image_realloc, image_free, udata_copy, udata_free, &img};
    hid_t file = -1;
    if (H5Pset_fapl_core(fapl, 64 * 1024, 0) >= 0 && H5Pset_file_image_callbacks(fapl, &cb) >= 0 &&
        H5Pset_file_image(fapl, (void *)image, size) >= 0) {
        // The name must not exist on disk; one image per process, so it need not be unique.
        file = H5Fopen("/nonexistent-ckpt-hdf5-image/image.h5", H5F_ACC_RDONLY, fapl);
    }
    if (file < 0) ckpt_walk_last_error(err, cap);
    H5Pclose(fapl);
    return file;
}

// ---- seen objects ----------------------------------------------------------------------------------------

/// Marks `address` seen; returns 1 when it already was.
static int seen_before(ckpt_walk *w, uint64_t address) {
    uint64_t key = address + 1;  // 0 marks an empty slot
    if (w->seen_count * 2 >= w->seen_cap) {
        size_t cap = w->seen_cap ? w->seen_cap * 2 : 1024;
        uint64_t *table = (uint64_t *)calloc(cap, sizeof *table);
        if (!table) _exit(3);
        for (size_t i = 0; i < w->seen_cap; i++) {
            if (!w->seen[i]) continue;
            size_t j = (size_t)(w->seen[i] * 0x9E3779B97F4A7C15ull) & (cap - 1);
            while (table[j]) j = (j + 1) & (cap - 1);
            table[j] = w->seen[i];
        }
        free(w->seen);
        w->seen = table;
        w->seen_cap = cap;
    }
    size_t j = (size_t)(key * 0x9E3779B97F4A7C15ull) & (w->seen_cap - 1);
    while (w->seen[j]) {
        if (w->seen[j] == key) return 1;
        j = (j + 1) & (w->seen_cap - 1);
    }
    w->seen[j] = key;
    w->seen_count++;
    return 0;
}

// ---- values ----------------------------------------------------------------------------------------------

/// Writes a whole string or numeric value (an attribute, or a string dataset) read through `attr` or `dset`.
static void put_value(ckpt_walk *w, hid_t type, hid_t space, hid_t attr, hid_t dset, const char *what) {
    char line[1200];
    hssize_t points = H5Sget_simple_extent_npoints(space);
    if (points < 0) {
        snprintf(line, sizeof line, "cannot read the shape of %s", what);
        put_error(w, 'm', line, 1);
        return;
    }
    uint8_t scalar = H5Sget_simple_extent_type(space) == H5S_SCALAR;
    size_t n = (size_t)points, item = H5Tget_size(type);
    if (item == 0) item = 1;
    if (n > MAX_VALUE_BYTES / item || n > MAX_VALUE_BYTES / 8) {
        snprintf(line, sizeof line, "%s holds %zu values", what, n);
        put_error(w, 't', line, 0);
        return;
    }
    H5T_class_t cls = H5Tget_class(type);
    if (cls == H5T_STRING && H5Tis_variable_str(type) > 0) {
        if (n > 0 && w->heaps_checked == 0) w->heaps_checked = ckpt_walk_check_heaps(w, w->file) ? 1 : -1;
        if (n > 0 && w->heaps_checked < 0) {
            put_error(w, 'm', w->heap_error, 0);
            return;
        }
        hid_t mem = H5Tcopy(H5T_C_S1);
        char **ptrs = (char **)calloc(n ? n : 1, sizeof(char *));
        if (mem < 0 || !ptrs) _exit(3);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5Tget_cset(type));
        herr_t status = n == 0 ? 0 : attr >= 0 ? H5Aread(attr, mem, ptrs) : H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs);
        if (status < 0) {
            snprintf(line, sizeof line, "cannot read %s", what);
            put_error(w, 'm', line, 1);
        } else {
            put_u8(w, 's'); put_u8(w, scalar); put_u32(w, (uint32_t)n);
            for (size_t i = 0; i < n; i++) put_str(w, ptrs[i] ? ptrs[i] : "");
        }
        free(ptrs);  // the strings themselves die with the child
        H5Tclose(mem);
        return;
    }
    if (cls == H5T_STRING) {
        // Fixed-length (Keras 2 / numpy `S`): NULLTERM, NULLPAD or SPACEPAD.
        size_t size = H5Tget_size(type);
        hid_t mem = H5Tcopy(type);
        uint8_t *bytes = (uint8_t *)calloc(n * size + 1, 1);
        if (mem < 0 || !bytes) _exit(3);
        herr_t status = n == 0 ? 0 : attr >= 0 ? H5Aread(attr, mem, bytes) : H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes);
        if (status < 0) {
            snprintf(line, sizeof line, "cannot read %s", what);
            put_error(w, 'm', line, 1);
        } else {
            int space_padded = H5Tget_strpad(type) == H5T_STR_SPACEPAD;
            put_u8(w, 's'); put_u8(w, scalar); put_u32(w, (uint32_t)n);
            for (size_t i = 0; i < n; i++) {
                const uint8_t *s = bytes + i * size;
                const uint8_t *nul = (const uint8_t *)memchr(s, 0, size);
                size_t len = nul ? (size_t)(nul - s) : size;
                if (space_padded) while (len > 0 && s[len - 1] == ' ') len--;
                put_bytes(w, (const char *)s, len);
            }
        }
        free(bytes);
        H5Tclose(mem);
        return;
    }
    if (cls == H5T_INTEGER || cls == H5T_ENUM || cls == H5T_FLOAT) {
        int is_float = cls == H5T_FLOAT;
        void *values = calloc(n ? n : 1, 8);
        if (!values) _exit(3);
        hid_t mem = is_float ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
        herr_t status = n == 0 ? 0 : attr >= 0 ? H5Aread(attr, mem, values) : H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
        if (status < 0) {
            snprintf(line, sizeof line, "cannot read %s", what);
            put_error(w, 'm', line, 1);
        } else {
            put_u8(w, is_float ? 'f' : 'i'); put_u8(w, scalar); put_u32(w, (uint32_t)n);
            ckpt_walk_put(w, values, n * 8);
        }
        free(values);
        return;
    }
    snprintf(line, sizeof line, "HDF5 type class %d", (int)cls);
    put_u8(w, 'o');
    put_str(w, line);
}

/// The attributes of the object at `path` of `file`, in name order, each read whole.
static void put_attributes(ckpt_walk *w, hid_t file, const char *path) {
    char line[1200];
    H5O_info_t info;
    if (H5Oget_info_by_name2(file, path, &info, H5O_INFO_NUM_ATTRS, H5P_DEFAULT) < 0) {
        snprintf(line, sizeof line, "cannot read object '%s'", path);
        put_error(w, 'm', line, 1);
        return;
    }
    hsize_t count = info.num_attrs < MAX_ATTRIBUTES ? info.num_attrs : MAX_ATTRIBUTES;
    for (hsize_t i = 0; i < count; i++) {
        ssize_t n = H5Aget_name_by_idx(file, path, H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        char *name = n >= 0 && n < MAX_NAME ? (char *)calloc((size_t)n + 1, 1) : NULL;
        if (!name || H5Aget_name_by_idx(file, path, H5_INDEX_NAME, H5_ITER_INC, i, name, (size_t)n + 1, H5P_DEFAULT) < 0) {
            snprintf(line, sizeof line, "cannot list attributes of '%s'", path);
            put_error(w, 'm', line, 1);
            free(name);
            return;
        }
        put_u8(w, 'a');
        put_bytes(w, name, (size_t)n);
        snprintf(line, sizeof line, "attribute '%s' of '%s'", name, path);
        hid_t a = H5Aopen_by_name(file, path, name, H5P_DEFAULT, H5P_DEFAULT);
        hid_t t = a >= 0 ? H5Aget_type(a) : -1, s = a >= 0 ? H5Aget_space(a) : -1;
        if (a < 0 || t < 0 || s < 0) {
            char what[1300];
            snprintf(what, sizeof what, "cannot read %s", line);
            put_error(w, 'm', what, 1);
        } else {
            // An attribute's raw value is stored in the file (variable-length strings as 16-byte heap ids), so it
            // cannot be larger than the file: a corrupt size would have libhdf5 allocate and read that much.
            hssize_t points = H5Sget_simple_extent_npoints(s);
            size_t stored = H5Tis_variable_str(t) > 0 ? 16 : H5Tget_size(t);
            if (stored == 0) stored = 1;
            if (points < 0 || (size_t)points > w->file_size / stored) {
                char what[1300];
                snprintf(what, sizeof what, "%s claims more bytes than the file holds", line);
                put_error(w, 'm', what, 0);
            } else {
                put_value(w, t, s, a, -1, line);
            }
        }
        if (s >= 0) H5Sclose(s);
        if (t >= 0) H5Tclose(t);
        if (a >= 0) H5Aclose(a);
        free(name);
    }
    put_u8(w, '.');
}

// ---- types and datasets ----------------------------------------------------------------------------------

static int member_named(hid_t type, unsigned index, const char *expected) {
    char *name = H5Tget_member_name(type, index);
    if (!name) return 0;
    int same = strcmp(name, expected) == 0;
    H5free_memory(name);
    return same;
}

static void put_type(ckpt_walk *w, hid_t type, int depth) {
    H5T_class_t cls = H5Tget_class(type);
    size_t size = H5Tget_size(type);
    put_i32(w, (int32_t)cls);
    put_u64(w, size);
    put_u8(w, H5Tget_order(type) == H5T_ORDER_BE);
    put_u8(w, cls == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_2);
    size_t f[5] = {0};
    int fields = cls == H5T_FLOAT && H5Tget_fields(type, &f[0], &f[1], &f[2], &f[3], &f[4]) >= 0;
    for (int i = 0; i < 5; i++) put_i64(w, fields ? (int64_t)f[i] : -1);
    put_u64(w, cls == H5T_FLOAT ? H5Tget_ebias(type) : 0);
    // h5py's bool: an enum on int8 with FALSE=0 and TRUE=1.
    put_u8(w, cls == H5T_ENUM && size == 1 && H5Tget_nmembers(type) == 2 && member_named(type, 0, "FALSE") &&
                  member_named(type, 1, "TRUE"));
    uint8_t base_signed = 2;
    if (cls == H5T_ENUM) {
        hid_t base = H5Tget_super(type);
        if (base >= 0) {
            base_signed = H5Tget_sign(base) == H5T_SGN_2;
            H5Tclose(base);
        }
    }
    put_u8(w, base_signed);
    // h5py's complex: a compound {r, i} of two equal floats, i at half the size.
    hid_t first = -1, second = -1;
    int complex = cls == H5T_COMPOUND && depth == 0 && H5Tget_nmembers(type) == 2 && member_named(type, 0, "r") &&
                  member_named(type, 1, "i") && H5Tget_member_offset(type, 0) == 0 &&
                  H5Tget_member_offset(type, 1) == size / 2 && (first = H5Tget_member_type(type, 0)) >= 0 &&
                  (second = H5Tget_member_type(type, 1)) >= 0 && H5Tequal(first, second) > 0;
    put_u8(w, (uint8_t)complex);
    if (complex) put_type(w, first, depth + 1);
    if (first >= 0) H5Tclose(first);
    if (second >= 0) H5Tclose(second);
}

static void put_dataset(ckpt_walk *w, hid_t file, const char *path) {
    char line[1200];
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) {
        snprintf(line, sizeof line, "cannot open dataset '%s'", path);
        put_error(w, 'm', line, 1);
        return;
    }
    hid_t t = H5Dget_type(d), s = H5Dget_space(d), p = H5Dget_create_plist(d);
    int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    if (t < 0 || s < 0 || p < 0 || rank < 0) {
        snprintf(line, sizeof line, "cannot read the %s of '%s'", t < 0 ? "type" : p < 0 ? "layout" : "shape", path);
        put_error(w, 'm', line, 1);
    } else if (H5Sget_simple_extent_type(s) == H5S_NULL) {
        put_u8(w, 'N');
    } else if (rank > MAX_RANK) {
        snprintf(line, sizeof line, "dataset '%s' has rank %d", path, rank);
        put_error(w, 'm', line, 0);
    } else {
        hsize_t dims[MAX_RANK];
        if (rank > 0 && H5Sget_simple_extent_dims(s, dims, NULL) < 0) {
            snprintf(line, sizeof line, "cannot read the shape of '%s'", path);
            put_error(w, 'm', line, 1);
        } else {
            put_u8(w, 'S');
            put_u32(w, (uint32_t)rank);
            for (int i = 0; i < rank; i++) put_u64(w, dims[i]);
            put_type(w, t, 0);
            put_i32(w, H5Pget_external_count(p));
            H5D_layout_t layout = H5Pget_layout(p);
            put_i32(w, (int32_t)layout);
            put_i32(w, H5Pget_nfilters(p));
            put_u64(w, layout == H5D_CONTIGUOUS ? H5Dget_offset(d) : HADDR_UNDEF);
            put_u64(w, H5Dget_storage_size(d));
            H5Eclear2(H5E_DEFAULT);
            if (H5Tget_class(t) == H5T_STRING) {
                snprintf(line, sizeof line, "dataset '%s'", path);
                put_value(w, t, s, -1, d, line);
            }
        }
    }
    if (p >= 0) H5Pclose(p);
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    H5Dclose(d);
}

// ---- groups ----------------------------------------------------------------------------------------------

typedef struct { char *name; haddr_t address; } link_t;
typedef struct { link_t *items; size_t count, cap; ckpt_walk *w; } links_t;

static herr_t collect_link(hid_t group, const char *name, const H5L_info_t *info, void *data) {
    (void)group;
    links_t *links = (links_t *)data;
    (*links->w->progress)++;
    if (!name || !info || links->count >= MAX_LINKS) return -1;
    if (info->type != H5L_TYPE_HARD) return 0;  // soft, external and user-defined links are never followed
    if (links->count == links->cap) {
        size_t cap = links->cap ? links->cap * 2 : 16;
        link_t *items = (link_t *)realloc(links->items, cap * sizeof *items);
        if (!items) return -1;
        links->items = items;
        links->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) return -1;
    links->items[links->count++] = (link_t){copy, info->u.address};
    return 0;
}

static void put_object(ckpt_walk *w, hid_t file, const char *path, haddr_t address, H5O_type_t type, int depth);

static void put_links(ckpt_walk *w, hid_t file, const char *path, int depth) {
    char line[1200];
    if (depth >= MAX_DEPTH) {
        snprintf(line, sizeof line, "groups nested deeper than %d at '%s'", MAX_DEPTH, path);
        put_error(w, 'm', line, 0);
        return;
    }
    hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
    if (g < 0) {
        snprintf(line, sizeof line, "cannot open group '%s'", path);
        put_error(w, 'm', line, 1);
        return;
    }
    H5G_info_t ginfo;
    if (H5Gget_info(g, &ginfo) < 0) {
        snprintf(line, sizeof line, "cannot read group '%s'", path);
        put_error(w, 'm', line, 1);
        H5Gclose(g);
        return;
    }
    H5_index_t order = H5_INDEX_NAME;
    hid_t gcpl = H5Gget_create_plist(g);
    unsigned flags = 0;
    if (gcpl >= 0) {
        if (H5Pget_link_creation_order(gcpl, &flags) >= 0 && (flags & H5P_CRT_ORDER_TRACKED) && (flags & H5P_CRT_ORDER_INDEXED))
            order = H5_INDEX_CRT_ORDER;
        H5Pclose(gcpl);
    }
    H5Eclear2(H5E_DEFAULT);
    put_u8(w, order == H5_INDEX_CRT_ORDER ? 'c' : 'n');
    // One H5Literate pass: asking for names by index rebuilds the sorted table on every call (quadratic).
    links_t links = {NULL, 0, 0, w};
    hsize_t position = 0;
    herr_t status = H5Literate(g, order, H5_ITER_INC, &position, collect_link, &links);
    H5O_type_t *types = status >= 0 ? (H5O_type_t *)calloc(links.count + 1, sizeof *types) : NULL;
    size_t failed = links.count;
    if (status < 0) {
        snprintf(line, sizeof line, "cannot list group '%s'", path);
        put_error(w, 'm', line, 1);
    } else if (!types) {
        _exit(3);
    } else {
        for (size_t i = 0; i < links.count; i++) {
            H5O_info_t info;
            (*w->progress)++;
            if (H5Oget_info_by_name2(g, links.items[i].name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
                failed = i;
                break;
            }
            types[i] = info.type;
        }
        if (failed < links.count) {
            snprintf(line, sizeof line, "cannot read object '%s' in '%s'", links.items[failed].name, path);
            put_error(w, 'm', line, 1);
        } else {
            for (size_t i = 0; i < links.count; i++) {
                size_t plen = strlen(path), nlen = strlen(links.items[i].name);
                char *child = (char *)malloc(plen + nlen + 2);
                if (!child) _exit(3);
                if (strcmp(path, "/") == 0) snprintf(child, plen + nlen + 2, "/%s", links.items[i].name);
                else snprintf(child, plen + nlen + 2, "%s/%s", path, links.items[i].name);
                put_u8(w, 'l');
                put_str(w, links.items[i].name);
                put_object(w, file, child, links.items[i].address, types[i], depth + 1);
                free(child);
            }
            put_u8(w, '.');
        }
    }
    for (size_t i = 0; i < links.count; i++) free(links.items[i].name);
    free(links.items);
    free(types);
    H5Gclose(g);
}

static void put_object(ckpt_walk *w, hid_t file, const char *path, haddr_t address, H5O_type_t type, int depth) {
    if (seen_before(w, address)) {
        put_u8(w, 'R');
        put_u64(w, address);
        return;
    }
    if (type == H5O_TYPE_GROUP) {
        put_u8(w, 'G');
        put_u64(w, address);
        put_attributes(w, file, path);
        put_links(w, file, path, depth);
    } else if (type == H5O_TYPE_DATASET) {
        put_u8(w, 'D');
        put_u64(w, address);
        put_attributes(w, file, path);
        put_dataset(w, file, path);
    } else {
        put_u8(w, 'O');
        put_u64(w, address);
    }
}

int ckpt_walk_file(ckpt_walk *w, hid_t file) {
    w->file = file;
    ckpt_walk_put(w, "CKH5", 4);
    H5O_info_t info;
    if (H5Oget_info_by_name2(file, "/", &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
        put_error(w, 'm', "cannot read the root group", 1);
    } else {
        put_object(w, file, "/", info.addr, H5O_TYPE_GROUP, 0);
    }
    flush(w);
    return 0;
}
