// The walk a guarded child makes of an HDF5 file (the format is in hdf5_walk.h). It makes the calls ckpt's
// reader needs, on every object, so that the parent never has to: group info and creation-order flags, one
// H5Literate pass per group, object info per link, every attribute read whole, and per dataset its dataspace,
// datatype, layout and (for strings) its value. Limits mirror the reader's (HDF5File.swift).
#include "hdf5_walk_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// ---- seen objects ----------------------------------------------------------------------------------------

/// Marks `address` seen; returns 1 when it already was.
static int seen_before(ckpt_walk *w, uint64_t address) {
    int r = ckpt_address_set_insert(&w->seen, address + 1);  // + 1: keys are nonzero
    if (r < 0) _exit(3);
    return r;
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
        ckpt_walk_put_error(w, 'm', line, 1);
        return;
    }
    hid_t t = H5Dget_type(d), s = H5Dget_space(d), p = H5Dget_create_plist(d);
    int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    if (t < 0 || s < 0 || p < 0 || rank < 0) {
        snprintf(line, sizeof line, "cannot read the %s of '%s'", t < 0 ? "type" : p < 0 ? "layout" : "shape", path);
        ckpt_walk_put_error(w, 'm', line, 1);
    } else if (H5Sget_simple_extent_type(s) == H5S_NULL) {
        put_u8(w, 'N');
    } else if (rank > MAX_RANK) {
        snprintf(line, sizeof line, "dataset '%s' has rank %d", path, rank);
        ckpt_walk_put_error(w, 'm', line, 0);
    } else {
        hsize_t dims[MAX_RANK];
        if (rank > 0 && H5Sget_simple_extent_dims(s, dims, NULL) < 0) {
            snprintf(line, sizeof line, "cannot read the shape of '%s'", path);
            ckpt_walk_put_error(w, 'm', line, 1);
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
                ckpt_walk_put_value(w, t, s, -1, d, line);
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
        ckpt_walk_put_error(w, 'm', line, 0);
        return;
    }
    hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
    if (g < 0) {
        snprintf(line, sizeof line, "cannot open group '%s'", path);
        ckpt_walk_put_error(w, 'm', line, 1);
        return;
    }
    H5G_info_t ginfo;
    if (H5Gget_info(g, &ginfo) < 0) {
        snprintf(line, sizeof line, "cannot read group '%s'", path);
        ckpt_walk_put_error(w, 'm', line, 1);
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
        ckpt_walk_put_error(w, 'm', line, 1);
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
            ckpt_walk_put_error(w, 'm', line, 1);
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
        ckpt_walk_put_attributes(w, file, path);
        put_links(w, file, path, depth);
    } else if (type == H5O_TYPE_DATASET) {
        put_u8(w, 'D');
        put_u64(w, address);
        ckpt_walk_put_attributes(w, file, path);
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
        ckpt_walk_put_error(w, 'm', "cannot read the root group", 1);
    } else {
        put_object(w, file, "/", info.addr, H5O_TYPE_GROUP, 0);
    }
    ckpt_walk_flush(w);
    return 0;
}
