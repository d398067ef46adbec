// HDF5 for Swift: the H5T_NATIVE_* and H5F_ACC_* macros expand to globals behind H5open(), which Swift cannot
// import, so each one gets a static inline getter. Also: error-stack capture. (Reading untrusted files goes
// through CHDF5Support, which runs libhdf5 in a child process.)
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
