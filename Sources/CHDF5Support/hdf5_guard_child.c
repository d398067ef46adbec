// The child of a guarded call (hdf5_guard_job.h): it runs only this C code and libhdf5 and ends with _exit (no
// atexit handlers, no stdio flush, no leak check). It opens the image, does its job and writes the answer to a
// pipe (a description) or to the job's shared memory (dataset bytes), counting progress as it goes.
#define _GNU_SOURCE
#include "hdf5_guard_job.h"
#include "hdf5_walk.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/// What a child may allocate beyond what it holds when its job starts.
#define CHILD_MEMORY ((rlim_t)512 << 20)

// Declared weak: present only in sanitized builds (make sanitize, make fuzz).
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

void ckpt_h5g_child_enter(pid_t parent) {
    // Under libFuzzer the sanitizer's death callback saves the input as a crash of the fuzzed process; a child
    // that a sanitizer ends (libhdf5 misusing memory on a corrupt file) is the guard doing its job.
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(NULL);
#ifdef __linux__
    // A child whose parent is gone (killed mid-read) must not go on spinning in libhdf5 with nobody watching.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(CHILD_FAILED);
#else
    (void)parent;
#endif
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
        if (devnull > 2) close(devnull);
    }
}

/// Caps the address space at its current size plus CHILD_MEMORY: a corrupt size that makes libhdf5 allocate
/// gigabytes ends as CHILD_NO_MEMORY, not as the machine swapping.
static void cap_memory(void) {
    char buf[64] = {0};
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    long pages = got > 0 ? strtol(buf, NULL, 10) : 0;
    if (pages <= 0) return;
    rlim_t cap = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + CHILD_MEMORY;
    struct rlimit as = {cap, cap};
    setrlimit(RLIMIT_AS, &as);
}

static hid_t open_image(const void *image, size_t size, char *message) {
    char reason[400];
    hid_t file = ckpt_walk_open_image(image, size, reason, sizeof reason);
    if (file < 0) {
        snprintf(message, 512, reason[0] ? "not a readable HDF5 file: %s" : "not a readable HDF5 file", reason);
        _exit(CHILD_OPEN_FAILED);
    }
    return file;
}

static void describe(ckpt_h5g_control *control, const void *image, size_t size, int out) {
    hid_t file = open_image(image, size, control->message);
    static ckpt_walk w;  // 64 KiB of buffer: not on the stack
    memset(&w, 0, sizeof w);
    w.fd = out;
    w.progress = &control->progress;
    w.file_size = size;
    w.image = image;
    ckpt_walk_file(&w, file);
}

static void read_dataset(ckpt_h5g_control *control, const void *image, size_t size) {
    hid_t file = open_image(image, size, control->message);
    const char *path = ckpt_h5g_job_path(control);
    uint8_t *data = (uint8_t *)control + CKPT_H5G_DATA;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t t = d >= 0 ? H5Dget_type(d) : -1;
    char reason[400];
    if (d < 0 || t < 0) {
        ckpt_walk_last_error(reason, sizeof reason);
        snprintf(control->message, 512, reason[0] ? "cannot open dataset '%s': %s" : "cannot open dataset '%s'", path,
                 reason);
        _exit(CHILD_FAILED);
    }
    if (H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        ckpt_walk_last_error(reason, sizeof reason);
        snprintf(control->message, 512, reason[0] ? "cannot read dataset '%s': %s" : "cannot read dataset '%s'", path,
                 reason);
        _exit(CHILD_FAILED);
    }
}

void ckpt_h5g_child_run(ckpt_h5g_control *control, const void *image, size_t size, int out) {
    cap_memory();
    if (H5open() < 0) _exit(CHILD_FAILED);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (control->op == CKPT_H5G_DESCRIBE) describe(control, image, size, out);
    else if (control->op == CKPT_H5G_READ) read_dataset(control, image, size);
    else _exit(CHILD_FAILED);
    _exit(CHILD_OK);
}

void ckpt_h5g_child_run_mapped(int image_fd, int control_fd, int out) {
    struct stat st;
    if (fstat(control_fd, &st) != 0 || (size_t)st.st_size < sizeof(ckpt_h5g_control)) _exit(CHILD_FAILED);
    void *shared = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, control_fd, 0);
    if (shared == MAP_FAILED) _exit(CHILD_NO_MEMORY);
    close(control_fd);
    ckpt_h5g_control *control = (ckpt_h5g_control *)shared;
    // The image from its descriptor, mapped from the page that holds its first byte (a STORED member of a zip
    // starts anywhere). A file shorter than the image (truncated since it was opened) is an error, not SIGBUS.
    uint64_t offset = control->image_offset, size = control->image_size;
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), skip = offset % page;
    if (fstat(image_fd, &st) != 0 || size == 0 || offset > (uint64_t)st.st_size || size > (uint64_t)st.st_size - offset) {
        snprintf(control->message, 512, "the file changed while it was read");
        _exit(CHILD_FAILED);
    }
    void *mapped = mmap(NULL, (size_t)(size + skip), PROT_READ, MAP_PRIVATE, image_fd, (off_t)(offset - skip));
    if (mapped == MAP_FAILED) _exit(CHILD_NO_MEMORY);
    close(image_fd);
    ckpt_h5g_child_run(control, (const uint8_t *)mapped + skip, (size_t)size, out);
}
