// See hdf5_fd_driver.h. The driver is libhdf5's sec2 driver reduced to what writing a new file needs, with the
// descriptor coming from the file access property list instead of open(2).
#include "hdf5_fd_driver.h"

#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    H5FD_t pub;  // first: libhdf5 casts between the two
    int fd;
    haddr_t eoa, eof;
} fd_file;

static void *fapl_copy(const void *info) {
    int *copy = (int *)malloc(sizeof(int));
    if (copy) *copy = *(const int *)info;
    return copy;
}

static herr_t fapl_free(void *info) {
    free(info);
    return 0;
}

static H5FD_t *fd_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
    (void)name; (void)maxaddr;
    const int *fd = (const int *)H5Pget_driver_info(fapl);
    if (!fd || *fd < 0) return NULL;
    if ((flags & H5F_ACC_TRUNC) && ftruncate(*fd, 0) != 0) return NULL;
    fd_file *f = (fd_file *)calloc(1, sizeof *f);
    if (!f) return NULL;
    f->fd = *fd;
    off_t end = lseek(*fd, 0, SEEK_END);
    f->eof = end < 0 ? 0 : (haddr_t)end;
    return &f->pub;
}

static herr_t fd_close(H5FD_t *file) {
    free(file);
    return 0;
}

static int fd_cmp(const H5FD_t *a, const H5FD_t *b) {
    int x = ((const fd_file *)a)->fd, y = ((const fd_file *)b)->fd;
    return x < y ? -1 : x > y;
}

static herr_t fd_query(const H5FD_t *file, unsigned long *flags) {
    (void)file;
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA;
    return 0;
}

static haddr_t fd_get_eoa(const H5FD_t *file, H5FD_mem_t type) {
    (void)type;
    return ((const fd_file *)file)->eoa;
}

static herr_t fd_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr) {
    (void)type;
    ((fd_file *)file)->eoa = addr;
    return 0;
}

static haddr_t fd_get_eof(const H5FD_t *file, H5FD_mem_t type) {
    (void)type;
    return ((const fd_file *)file)->eof;
}

static herr_t fd_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, void *buffer) {
    (void)type; (void)dxpl;
    fd_file *f = (fd_file *)file;
    uint8_t *out = (uint8_t *)buffer;
    while (size > 0) {
        ssize_t n = pread(f->fd, out, size, (off_t)addr);
        if (n < 0) return -1;
        if (n == 0) {  // past the end of the file: zeros, as sec2 gives
            memset(out, 0, size);
            return 0;
        }
        out += n;
        addr += (haddr_t)n;
        size -= (size_t)n;
    }
    return 0;
}

static herr_t fd_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, const void *buffer) {
    (void)type; (void)dxpl;
    fd_file *f = (fd_file *)file;
    const uint8_t *in = (const uint8_t *)buffer;
    while (size > 0) {
        ssize_t n = pwrite(f->fd, in, size, (off_t)addr);
        if (n <= 0) return -1;
        in += n;
        addr += (haddr_t)n;
        size -= (size_t)n;
    }
    if (addr > f->eof) f->eof = addr;
    return 0;
}

static herr_t fd_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing) {
    (void)dxpl; (void)closing;
    fd_file *f = (fd_file *)file;
    if (f->eoa == f->eof) return 0;
    if (ftruncate(f->fd, (off_t)f->eoa) != 0) return -1;
    f->eof = f->eoa;
    return 0;
}

static const H5FD_class_t fd_class = {
    .name = "ckpt_fd",
    .maxaddr = ((haddr_t)1 << 62) - 1,
    .fc_degree = H5F_CLOSE_WEAK,
    .fapl_size = sizeof(int),
    .fapl_copy = fapl_copy,
    .fapl_free = fapl_free,
    .open = fd_open,
    .close = fd_close,
    .cmp = fd_cmp,
    .query = fd_query,
    .get_eoa = fd_get_eoa,
    .set_eoa = fd_set_eoa,
    .get_eof = fd_get_eof,
    .read = fd_read,
    .write = fd_write,
    .truncate = fd_truncate,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

int64_t ckpt_h5_fd_fapl(int fd) {
    static hid_t driver = -1;
    if (driver < 0 || H5Iis_valid(driver) <= 0) driver = H5FDregister(&fd_class);
    if (driver < 0) return -1;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    if (H5Pset_driver(fapl, driver, &fd) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}
