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
/// and must not exist on disk. Returns a file id, or a negative value with libhdf5's reason in `err` (512 bytes).
static inline hid_t ckpt_h5_open_image(ckpt_h5_image *img, const char *name, char *err) {
    err[0] = 0;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    H5FD_file_image_callbacks_t cb = {ckpt_h5_image_malloc, ckpt_h5_image_memcpy, ckpt_h5_image_realloc,
                                      ckpt_h5_image_free, ckpt_h5_udata_copy, ckpt_h5_udata_free, img};
    hid_t file = -1;
    if (H5Pset_fapl_core(fapl, 64 * 1024, 0) >= 0 && H5Pset_file_image_callbacks(fapl, &cb) >= 0 &&
        H5Pset_file_image(fapl, (void *)img->buf, img->len) >= 0) {
        file = H5Fopen(name, H5F_ACC_RDONLY, fapl);
    }
    if (file < 0) ckpt_h5_last_error(err); // before H5Pclose, which clears the error stack
    H5Pclose(fapl);
    return file;
}

// ---------------------------------------------------------------------------------------------------------
// Crash probe. libhdf5 1.10 trusts corrupt metadata in places (global heap indices and sizes, object header
// messages) and can crash on them. Before the reader walks a file, a forked child walks every object and
// reads every attribute and string dataset the same way; if the child dies, the file is refused as corrupt.
// The child runs only this C code, then _exit()s: no Swift runtime, no stdio flushing.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static herr_t ckpt_probe_resource_cb(unsigned n, const H5E_error2_t *err, void *data) {
    (void)n;
    if (err && err->maj_num == H5E_RESOURCE) *(int *)data = 1;
    return 0;
}

/// Exits the child with status 3 when the last call failed for want of memory: the file declares a value
/// (a variable-length length, say) far larger than it can hold, and the reader must not allocate it.
static void ckpt_probe_check(herr_t status) {
    if (status >= 0) return;
    int resource = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, ckpt_probe_resource_cb, &resource);
    H5Eclear2(H5E_DEFAULT);
    if (resource) _exit(3);
}

/// Caps the child's address space at its current size plus 1 GiB, so a corrupt length fails to allocate.
static void ckpt_probe_limit_memory(void) {
    char buf[64] = {0};
    int fd = open("/proc/self/statm", O_RDONLY);
    if (fd < 0) return;
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got <= 0) return;
    long pages = strtol(buf, NULL, 10);
    if (pages <= 0) return;
    rlim_t cap = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)1 << 30);
    struct rlimit as = {cap, cap};
    setrlimit(RLIMIT_AS, &as);
}

static void ckpt_probe_read(hid_t type, hid_t space, hid_t obj, int is_attr, size_t file_size) {
    hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0 || n > (1 << 24)) return;
    size_t count = n > 0 ? (size_t)n : 1;
    size_t stored = H5Tis_variable_str(type) > 0 ? 16 : H5Tget_size(type);
    if (is_attr && (stored == 0 || count > file_size / stored)) return; // the reader refuses these unread
    if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
        hid_t mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5Tget_cset(type));
        char **buf = (char **)calloc(count, sizeof(char *));
        if (buf) {
            ckpt_probe_check(is_attr ? H5Aread(obj, mem, buf) : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
        }
        return; // the child exits: nothing is freed
    }
    size_t size = H5Tget_size(type);
    if (size == 0 || count > (64u << 20) / size) return;
    void *buf = calloc(count, size);
    if (buf) {
        ckpt_probe_check(is_attr ? H5Aread(obj, type, buf) : H5Dread(obj, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
    }
}

static herr_t ckpt_probe_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
    (void)info;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return 0;
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    if (t >= 0 && s >= 0) ckpt_probe_read(t, s, a, 1, *(size_t *)data);
    return 0;
}

static herr_t ckpt_probe_link(hid_t group, const char *name, const H5L_info_t *info, void *data) {
    (void)group; (void)name; (void)info; (void)data;
    return 0;
}

static herr_t ckpt_probe_object(hid_t parent, const char *name, const H5O_info_t *info, void *data) {
    hid_t o = H5Oopen(parent, name, H5P_DEFAULT);
    if (o < 0) return 0;
    H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, ckpt_probe_attr, data);
    if (info->type == H5O_TYPE_GROUP) {
        // The reader lists links by creation order when the group indexes it: walk that index too.
        hid_t gcpl = H5Gget_create_plist(o);
        unsigned flags = 0;
        if (gcpl >= 0 && H5Pget_link_creation_order(gcpl, &flags) >= 0 &&
            (flags & H5P_CRT_ORDER_TRACKED) && (flags & H5P_CRT_ORDER_INDEXED)) {
            hsize_t at = 0;
            H5Literate(o, H5_INDEX_CRT_ORDER, H5_ITER_INC, &at, ckpt_probe_link, NULL);
        }
    } else if (info->type == H5O_TYPE_DATASET) {
        hid_t t = H5Dget_type(o), s = H5Dget_space(o), p = H5Dget_create_plist(o);
        (void)p;
        H5Dget_offset(o);
        H5Dget_storage_size(o);
        if (t >= 0 && s >= 0 && H5Tget_class(t) == H5T_STRING) ckpt_probe_read(t, s, o, 0, *(size_t *)data);
    }
    return 0;
}

/// Walks every object of `file` (an image of `file_size` bytes) in a forked child. Returns 0 when the child
/// finished, 1 when it crashed, 2 when it ran longer than `timeout_ms` (it is killed), 3 when a value needed
/// an allocation over 1 GiB, -1 when no child could be started.
static inline int ckpt_h5_probe(hid_t file, size_t file_size, int timeout_ms) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        // No core files and no inherited crash handlers (the Swift runtime's backtracer would print).
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP};
        for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) { dup2(devnull, 1); dup2(devnull, 2); }
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        ckpt_probe_limit_memory();
        H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, ckpt_probe_object, &file_size, H5O_INFO_BASIC);
        _exit(0);
    }
    int status = 0;
    for (int waited = 0;; waited++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0) return -1;
        if (waited >= timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return 2;
        }
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3) return 3;
    return 1;
}
