// HDF5 for Swift: the H5T_NATIVE_* and H5F_ACC_* macros expand to globals behind H5open(), which Swift cannot
// import, so each one gets a static inline getter. Also: error-stack capture and opening a file image in place.
#include <hdf5.h>
#include <string.h>

static inline hid_t ckpt_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t ckpt_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t ckpt_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t ckpt_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t ckpt_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t ckpt_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t ckpt_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t ckpt_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline unsigned ckpt_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned ckpt_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned ckpt_H5P_CRT_ORDER_TRACKED(void) { return H5P_CRT_ORDER_TRACKED; }
static inline unsigned ckpt_H5P_CRT_ORDER_INDEXED(void) { return H5P_CRT_ORDER_INDEXED; }
static inline size_t ckpt_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline haddr_t ckpt_HADDR_UNDEF(void) { return HADDR_UNDEF; }

static inline hid_t ckpt_H5T_NATIVE_INT8(void) { return H5T_NATIVE_INT8; }
static inline hid_t ckpt_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t ckpt_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t ckpt_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t ckpt_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t ckpt_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t ckpt_H5T_STD_I8LE(void) { return H5T_STD_I8LE; }
static inline hid_t ckpt_H5T_STD_I16LE(void) { return H5T_STD_I16LE; }
static inline hid_t ckpt_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t ckpt_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t ckpt_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }
static inline hid_t ckpt_H5T_STD_U16LE(void) { return H5T_STD_U16LE; }
static inline hid_t ckpt_H5T_STD_U32LE(void) { return H5T_STD_U32LE; }
static inline hid_t ckpt_H5T_STD_U64LE(void) { return H5T_STD_U64LE; }

/// Initialises the library and turns off its automatic printing of error stacks.
static inline int ckpt_h5_init(void) {
    if (H5open() < 0) return -1;
    return (int)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static herr_t ckpt_h5_walk_cb(unsigned n, const H5E_error2_t *err, void *data) {
    char *buf = (char *)data;
    if (n == 0 && err && err->desc) {
        strncpy(buf, err->desc, 511);
        buf[511] = 0;
    }
    return 0;
}

/// Copies the innermost (most specific) message of the current error stack into `buf` (512 bytes) and clears the stack.
static inline void ckpt_h5_last_error(char *buf) {
    buf[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, ckpt_h5_walk_cb, buf);
    H5Eclear2(H5E_DEFAULT);
}

// File-image callbacks that let the core driver use a caller-owned read-only buffer without copying it
// (what H5LTopen_file_image does with H5LT_FILE_IMAGE_DONT_COPY | H5LT_FILE_IMAGE_DONT_RELEASE).
typedef struct { const void *buf; size_t len; } ckpt_h5_image;

static void *ckpt_h5_image_malloc(size_t size, H5FD_file_image_op_t op, void *udata) {
    ckpt_h5_image *img = (ckpt_h5_image *)udata;
    (void)op;
    if (size != img->len) return NULL;
    return (void *)img->buf;
}
static void *ckpt_h5_image_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)dest; (void)src; (void)size; (void)op; (void)udata;
    return dest; // the image is never copied: dest already is the buffer
}
static void *ckpt_h5_image_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)size; (void)op; (void)udata;
    return NULL; // read-only
}
static herr_t ckpt_h5_image_free(void *ptr, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)op; (void)udata;
    return 0;
}
static void *ckpt_h5_udata_copy(void *udata) { return udata; }
static herr_t ckpt_h5_udata_free(void *udata) { (void)udata; return 0; }

/// Opens `buf[0..<len)` read-only as an HDF5 file without copying it. `img` must outlive the file
/// (and so must the buffer). `name` must be unique among open images (libhdf5 shares open files by name)
/// and must not exist on disk. Returns a file id or a negative value.
static inline hid_t ckpt_h5_open_image(ckpt_h5_image *img, const char *name) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    H5FD_file_image_callbacks_t cb = {ckpt_h5_image_malloc, ckpt_h5_image_memcpy, ckpt_h5_image_realloc,
                                      ckpt_h5_image_free, ckpt_h5_udata_copy, ckpt_h5_udata_free, img};
    hid_t file = -1;
    if (H5Pset_fapl_core(fapl, 64 * 1024, 0) >= 0 && H5Pset_file_image_callbacks(fapl, &cb) >= 0 &&
        H5Pset_file_image(fapl, (void *)img->buf, img->len) >= 0) {
        file = H5Fopen(name, H5F_ACC_RDONLY, fapl);
    }
    H5Pclose(fapl);
    return file;
}
