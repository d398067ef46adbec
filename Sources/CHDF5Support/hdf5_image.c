// libhdf5 plumbing for the walk: its error stack read as one line, and a file opened from a caller-owned image.
#include "hdf5_walk.h"

#include <stdio.h>
#include <string.h>

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
