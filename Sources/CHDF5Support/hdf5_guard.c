// The process boundary around libhdf5, the parent's side (hdf5_guard.h): a job is written to shared memory (a
// memory file), a child is started for it by the helper (hdf5_helper_client.c) or, where no helper can run, by
// fork, and supervised (hdf5_guard_supervise.c) until it ends; the answer is in its pipe or in the shared memory.
#define _GNU_SOURCE
#include "hdf5_guard_job.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/// One job at a time per process: the helper serves one, and a child may need all of the memory allowance.
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;

/// Memory shared with a child: a memory file mapped here (fd >= 0), or an anonymous shared mapping that only a
/// forked child can see (fd -1, where memory files do not exist).
typedef struct {
    void *base;
    size_t size;
    int fd;
} shared_memory;

static int shared_create(size_t size, shared_memory *out) {
    out->size = size;
    out->fd = -1;
#ifdef __linux__
    out->fd = memfd_create("ckpt-hdf5", MFD_CLOEXEC);
    if (out->fd >= 0 && ftruncate(out->fd, (off_t)size) != 0) {
        close(out->fd);
        return -1;
    }
#endif
    int flags = out->fd >= 0 ? MAP_SHARED : MAP_SHARED | MAP_ANONYMOUS;
    out->base = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, out->fd, 0);
    if (out->base == MAP_FAILED) {
        if (out->fd >= 0) close(out->fd);
        return -1;
    }
    return 0;
}

static void shared_release(shared_memory *memory) {
    munmap(memory->base, memory->size);
    if (memory->fd >= 0) close(memory->fd);
}

int ckpt_h5g_image_copy(const void *bytes, size_t size, ckpt_h5g_image *out) {
    memset(out, 0, sizeof *out);
    shared_memory memory;
    if (size == 0 || shared_create(size, &memory) != 0) return -1;
    memcpy(memory.base, bytes, size);
    out->start = memory.base;
    out->size = size;
    out->fd = memory.fd;
    out->owned = 1;
    return 0;
}

void ckpt_h5g_image_release(ckpt_h5g_image *image) {
    if (image->owned && image->start) munmap((void *)image->start, image->size);
    if (image->fd >= 0) close(image->fd);
    image->start = NULL;
    image->fd = -1;
    image->owned = 0;
}

/// CKPT_HDF5_GUARD=fork: this process forks every child itself, as before the helper (to compare, or to rule the
/// helper out).
static int helper_wanted(void) {
    const char *mode = getenv("CKPT_HDF5_GUARD");
    return !mode || strcmp(mode, "fork") != 0;
}

/// Forks a child of this process for the job; it inherits the image and the shared memory at their addresses.
static int fork_child(const ckpt_h5g_image *image, ckpt_h5g_control *control, int read_end, int out,
                      ckpt_h5g_child *child) {
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        if (read_end >= 0) close(read_end);
        ckpt_h5g_child_enter(parent);
        ckpt_h5g_child_run(control, image->start, image->size, out);
    }
    if (pid < 0) return -1;
    child->pid = pid;
    child->helper = -1;
    return 0;
}

/// Runs one job to its end: `out->status`, a description in `out->data`, a read's bytes in `shared`.
static void run_job(const ckpt_h5g_image *image, shared_memory *shared, int stall_ms, int limit_ms,
                    ckpt_h5g_result *out) {
    ckpt_h5g_control *control = (ckpt_h5g_control *)shared->base;
    int use_helper = image->fd >= 0 && shared->fd >= 0 && helper_wanted();
    pthread_mutex_lock(&guard_lock);
    // A helper lost mid-job (killed from outside) is replaced and the job run again; twice, then this process
    // forks the child itself.
    for (int attempt = 0;; attempt++) {
        control->progress = 0;
        control->message[0] = 0;
        free(out->data);
        out->data = NULL;
        out->size = 0;
        int fds[2] = {-1, -1};
        // Close-on-exec: a program another thread starts meanwhile must not hold the write end (EOF would wait for it).
        if (control->op == CKPT_H5G_DESCRIBE && pipe2(fds, O_CLOEXEC) != 0) {
            out->status = CKPT_H5G_NO_CHILD;
            break;
        }
        ckpt_h5g_child child;
        int started = use_helper && attempt < 2 && ckpt_h5g_helper_start(image->fd, shared->fd, fds[1], &child) == 0;
        if (!started) started = fork_child(image, control, fds[0], fds[1], &child) == 0;
        int saved = errno;
        if (fds[1] >= 0) close(fds[1]);
        if (!started) {
            if (fds[0] >= 0) close(fds[0]);
            out->status = CKPT_H5G_NO_CHILD;
            errno = saved;
            break;
        }
        ckpt_h5g_supervise(&child, fds[0], &control->progress, stall_ms, limit_ms, out);
        if (fds[0] >= 0) close(fds[0]);
        if (out->status != CKPT_H5G_HELPER_LOST) break;
        ckpt_h5g_helper_discard();
    }
    pthread_mutex_unlock(&guard_lock);
    memcpy(out->message, control->message, sizeof out->message - 1);
    out->message[sizeof out->message - 1] = 0;
    if (out->status != CKPT_H5G_OK) {
        free(out->data);
        out->data = NULL;
        out->size = 0;
    }
}

static void prepare(ckpt_h5g_control *control, uint32_t op, const ckpt_h5g_image *image, size_t bytes) {
    memset(control, 0, sizeof *control);
    control->op = op;
    control->image_offset = image->offset;
    control->image_size = image->size;
    control->bytes = bytes;
}

void ckpt_h5g_describe(const ckpt_h5g_image *image, int stall_ms, int limit_ms, ckpt_h5g_result *out) {
    memset(out, 0, sizeof *out);
    shared_memory shared;
    if (shared_create(CKPT_H5G_DATA, &shared) != 0) {
        out->status = CKPT_H5G_NO_CHILD;
        return;
    }
    prepare((ckpt_h5g_control *)shared.base, CKPT_H5G_DESCRIBE, image, 0);
    run_job(image, &shared, stall_ms, limit_ms, out);
    shared_release(&shared);
}

void ckpt_h5g_read(const ckpt_h5g_image *image, const char *path, void *dest, size_t bytes, int cpu_limit_ms,
                   int limit_ms, ckpt_h5g_result *out) {
    memset(out, 0, sizeof *out);
    size_t length = strlen(path);
    shared_memory shared;
    if (length > UINT32_MAX || bytes > SIZE_MAX - CKPT_H5G_DATA - length - 1 ||
        shared_create(CKPT_H5G_DATA + bytes + length + 1, &shared) != 0) {
        out->status = CKPT_H5G_NO_CHILD;
        return;
    }
    ckpt_h5g_control *control = (ckpt_h5g_control *)shared.base;
    prepare(control, CKPT_H5G_READ, image, bytes);
    control->path_length = (uint32_t)length;
    memcpy(ckpt_h5g_job_path(control), path, length + 1);
    run_job(image, &shared, cpu_limit_ms, limit_ms, out);
    if (out->status == CKPT_H5G_OK) memcpy(dest, (uint8_t *)shared.base + CKPT_H5G_DATA, bytes);
    shared_release(&shared);
}

void ckpt_h5g_free(ckpt_h5g_result *result) {
    free(result->data);
    result->data = NULL;
    result->size = 0;
}
