// The walk's values: attributes and string datasets read whole, within the reader's limits.
#include "hdf5_walk_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/// Writes a whole string or numeric value (an attribute, or a string dataset) read through `attr` or `dset`.
void ckpt_walk_put_value(ckpt_walk *w, hid_t type, hid_t space, hid_t attr, hid_t dset, const char *what) {
    char line[1200];
    hssize_t points = H5Sget_simple_extent_npoints(space);
    if (points < 0) {
        snprintf(line, sizeof line, "cannot read the shape of %s", what);
        ckpt_walk_put_error(w, 'm', line, 1);
        return;
    }
    uint8_t scalar = H5Sget_simple_extent_type(space) == H5S_SCALAR;
    size_t n = (size_t)points, item = H5Tget_size(type);
    if (item == 0) item = 1;
    if (n > MAX_VALUE_BYTES / item || n > MAX_VALUE_BYTES / 8) {
        snprintf(line, sizeof line, "%s holds %zu values", what, n);
        ckpt_walk_put_error(w, 't', line, 0);
        return;
    }
    H5T_class_t cls = H5Tget_class(type);
    if (cls == H5T_STRING && H5Tis_variable_str(type) > 0) {
        if (n > 0 && w->heaps_checked == 0) w->heaps_checked = ckpt_walk_check_heaps(w, w->file) ? 1 : -1;
        if (n > 0 && w->heaps_checked < 0) {
            ckpt_walk_put_error(w, 'm', w->heap_error, 0);
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
            ckpt_walk_put_error(w, 'm', line, 1);
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
            ckpt_walk_put_error(w, 'm', line, 1);
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
            ckpt_walk_put_error(w, 'm', line, 1);
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
void ckpt_walk_put_attributes(ckpt_walk *w, hid_t file, const char *path) {
    char line[1200];
    H5O_info_t info;
    if (H5Oget_info_by_name2(file, path, &info, H5O_INFO_NUM_ATTRS, H5P_DEFAULT) < 0) {
        snprintf(line, sizeof line, "cannot read object '%s'", path);
        ckpt_walk_put_error(w, 'm', line, 1);
        return;
    }
    hsize_t count = info.num_attrs < MAX_ATTRIBUTES ? info.num_attrs : MAX_ATTRIBUTES;
    for (hsize_t i = 0; i < count; i++) {
        ssize_t n = H5Aget_name_by_idx(file, path, H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        char *name = n >= 0 && n < MAX_NAME ? (char *)calloc((size_t)n + 1, 1) : NULL;
        if (!name || H5Aget_name_by_idx(file, path, H5_INDEX_NAME, H5_ITER_INC, i, name, (size_t)n + 1, H5P_DEFAULT) < 0) {
            snprintf(line, sizeof line, "cannot list attributes of '%s'", path);
            ckpt_walk_put_error(w, 'm', line, 1);
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
            ckpt_walk_put_error(w, 'm', what, 1);
        } else {
            // An attribute's raw value is stored in the file (variable-length strings as 16-byte heap ids), so it
            // cannot be larger than the file: a corrupt size would have libhdf5 allocate and read that much.
            hssize_t points = H5Sget_simple_extent_npoints(s);
            size_t stored = H5Tis_variable_str(t) > 0 ? 16 : H5Tget_size(t);
            if (stored == 0) stored = 1;
            if (points < 0 || (size_t)points > w->file_size / stored) {
                char what[1300];
                snprintf(what, sizeof what, "%s claims more bytes than the file holds", line);
                ckpt_walk_put_error(w, 'm', what, 0);
            } else {
                ckpt_walk_put_value(w, t, s, a, -1, line);
            }
        }
        if (s >= 0) H5Sclose(s);
        if (t >= 0) H5Tclose(t);
        if (a >= 0) H5Aclose(a);
        free(name);
    }
    put_u8(w, '.');
}
