// The process boundary around libhdf5 (hdf5_guard.h). The parent forks; the child, which runs only this C code
// and libhdf5 and ends with _exit (no atexit handlers, no stdio flush, no leak check), opens the image it
// inherited, does its work and writes the answer to a pipe (a description) or to shared memory (dataset bytes).
// The parent watches a progress counter in shared memory and kills a child that stalls.
#define _GNU_SOURCE
#include "hdf5_guard.h"
#include "hdf5_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/// The largest description accepted from a child.
#define MAX_DESCRIPTION ((size_t)1 << 30)
/// What a child may allocate beyond what it inherited.
#define CHILD_MEMORY ((rlim_t)512 << 20)

/// Exit statuses of a child.
enum { CHILD_OK = 0, CHILD_NO_MEMORY = 3, CHILD_NO_OUTPUT = 4, CHILD_FAILED = 5, CHILD_OPEN_FAILED = 6 };

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/// The child's first steps: death with its parent, no core files, default crash handlers (no Swift backtracer, no sanitizer report on
/// a signal), no output, and an address space capped at its current size plus CHILD_MEMORY.
// Declared weak: present only in sanitized builds (make sanitize, make fuzz).
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void enter_child(pid_t parent) {
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
    int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGPIPE, SIGTERM, SIGINT, SIGHUP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
        if (devnull > 2) close(devnull);
    }
    char buf[64] = {0};
    int fd = open("/proc/self/statm", O_RDONLY);
    if (fd >= 0) {
        ssize_t got = read(fd, buf, sizeof buf - 1);
        close(fd);
        long pages = got > 0 ? strtol(buf, NULL, 10) : 0;
        if (pages > 0) {
            rlim_t cap = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + CHILD_MEMORY;
            struct rlimit as = {cap, cap};
            setrlimit(RLIMIT_AS, &as);
        }
    }
    if (H5open() < 0) _exit(CHILD_FAILED);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static hid_t open_in_child(const void *image, size_t size, char *message) {
    char reason[400];
    hid_t file = ckpt_walk_open_image(image, size, reason, sizeof reason);
    if (file < 0) {
        snprintf(message, 512, reason[0] ? "not a readable HDF5 file: %s" : "not a readable HDF5 file", reason);
        _exit(CHILD_OPEN_FAILED);
    }
    return file;
}

/// The CPU time `pid` has used, in milliseconds (Linux /proc), or -1 where it cannot be read.
static int64_t cpu_ms(pid_t pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    const char *p = strrchr(buf, ')');  // the command name may hold spaces; fields follow its ')'
    if (!p) return -1;
    unsigned long long utime = 0, stime = 0;
    // After ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    long hz = sysconf(_SC_CLK_TCK);
    return hz > 0 ? (int64_t)((utime + stime) * 1000 / (unsigned long long)hz) : -1;
}

/// Waits for `pid`, mapping its end to a status; reads the pipe `fd` (when not -1) into `out->data` meanwhile.
/// The child is killed when it has used `stall_ms` of CPU time since its progress counter last moved (wall
/// time where CPU time cannot be read: a child that waits for a busy machine's cores is not stuck), or when
/// `limit_ms` of wall time have passed.
static void supervise(pid_t pid, int fd, volatile uint64_t *progress, int stall_ms, int limit_ms, ckpt_h5g_result *out) {
    size_t cap = 0;
    int64_t start = now_ms(), last_change = start, cpu_at_change = 0, checked = start;
    uint64_t last = *progress;
    int open_pipe = fd >= 0, killed = 0, too_large = 0;
    for (;;) {
        if (open_pipe) {
            struct pollfd p = {fd, POLLIN, 0};
            int r = poll(&p, 1, 20);
            if (r > 0) {
                if (out->size + 65536 > cap) {
                    size_t grown = cap ? cap * 2 : 1 << 16;
                    uint8_t *data = (uint8_t *)realloc(out->data, grown);
                    if (!data) { too_large = 1; kill(pid, SIGKILL); killed = 1; open_pipe = 0; continue; }
                    out->data = data;
                    cap = grown;
                }
                ssize_t n = read(fd, out->data + out->size, cap - out->size);
                if (n > 0) {
                    out->size += (size_t)n;
                    if (out->size > MAX_DESCRIPTION) { too_large = 1; kill(pid, SIGKILL); killed = 1; open_pipe = 0; }
                } else if (n == 0 || errno != EINTR) {
                    open_pipe = 0;
                }
            }
        } else {
            int status = 0;
            pid_t r = waitpid(pid, &status, WNOHANG);
            if (r == pid) {
                if (too_large) out->status = CKPT_H5G_TOO_LARGE;
                else if (killed) out->status = CKPT_H5G_STALLED;
                else if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK) out->status = CKPT_H5G_OK;
                else if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NO_MEMORY) out->status = CKPT_H5G_TOO_LARGE;
                else if (WIFEXITED(status) && (WEXITSTATUS(status) == CHILD_FAILED || WEXITSTATUS(status) == CHILD_OPEN_FAILED))
                    out->status = CKPT_H5G_FAILED;
                else out->status = CKPT_H5G_CRASHED;
                return;
            }
            if (r < 0 && errno != EINTR) { out->status = CKPT_H5G_NO_CHILD; return; }
            struct timespec ms = {0, 2000000};
            nanosleep(&ms, NULL);
        }
        if (killed) continue;
        int64_t t = now_ms();
        if (t - checked < 20) continue;
        checked = t;
        uint64_t seen = *progress;
        int64_t cpu = stall_ms > 0 ? cpu_ms(pid) : -1;
        if (seen != last) { last = seen; last_change = t; cpu_at_change = cpu; }
        int stalled = stall_ms > 0 && (cpu >= 0 && cpu_at_change >= 0 ? cpu - cpu_at_change > stall_ms : t - last_change > stall_ms);
        if (stalled || (limit_ms > 0 && t - start > limit_ms)) {
            kill(pid, SIGKILL);
            killed = 1;
            open_pipe = 0;
        }
    }
}

void ckpt_h5g_describe(const void *image, size_t size, int stall_ms, int limit_ms, ckpt_h5g_result *out) {
    memset(out, 0, sizeof *out);
    // The shared page holds the progress counter, then the child's message (why the file did not open).
    void *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fds[2];
    if (shared == MAP_FAILED) { out->status = CKPT_H5G_NO_CHILD; return; }
    // Close-on-exec: a program another thread starts meanwhile must not hold the write end (EOF would wait for it).
#ifdef __linux__
    int piped = pipe2(fds, O_CLOEXEC);
#else
    int piped = pipe(fds);
    if (piped == 0) { fcntl(fds[0], F_SETFD, FD_CLOEXEC); fcntl(fds[1], F_SETFD, FD_CLOEXEC); }
#endif
    if (piped != 0) { munmap(shared, 4096); out->status = CKPT_H5G_NO_CHILD; return; }
    volatile uint64_t *progress = (volatile uint64_t *)shared;
    char *message = (char *)shared + 64;
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        enter_child(parent);
        hid_t file = open_in_child(image, size, message);
        static ckpt_walk w;  // 64 KiB of buffer: not on the stack
        memset(&w, 0, sizeof w);
        w.fd = fds[1];
        w.progress = progress;
        w.file_size = size;
        w.image = image;
        ckpt_walk_file(&w, file);
        _exit(CHILD_OK);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        munmap(shared, 4096);
        out->status = CKPT_H5G_NO_CHILD;
        return;
    }
    supervise(pid, fds[0], progress, stall_ms, limit_ms, out);
    close(fds[0]);
    memcpy(out->message, message, sizeof out->message - 1);
    out->message[sizeof out->message - 1] = 0;
    munmap(shared, 4096);
    if (out->status != CKPT_H5G_OK) {
        free(out->data);
        out->data = NULL;
        out->size = 0;
    }
}

void ckpt_h5g_read(const void *image, size_t size, const char *path, void *dest, size_t bytes, int cpu_limit_ms,
                   int limit_ms, ckpt_h5g_result *out) {
    memset(out, 0, sizeof *out);
    size_t shared_size = 4096 + bytes;
    void *shared = mmap(NULL, shared_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) { out->status = CKPT_H5G_NO_CHILD; return; }
    volatile uint64_t *progress = (volatile uint64_t *)shared;
    char *message = (char *)shared + 64;
    uint8_t *data = (uint8_t *)shared + 4096;
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        enter_child(parent);
        hid_t file = open_in_child(image, size, message);
        hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
        hid_t t = d >= 0 ? H5Dget_type(d) : -1;
        char reason[400];
        if (d < 0 || t < 0) {
            ckpt_walk_last_error(reason, sizeof reason);
            snprintf(message, 512, reason[0] ? "cannot open dataset '%s': %s" : "cannot open dataset '%s'", path, reason);
            _exit(CHILD_FAILED);
        }
        if (H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
            ckpt_walk_last_error(reason, sizeof reason);
            snprintf(message, 512, reason[0] ? "cannot read dataset '%s': %s" : "cannot read dataset '%s'", path, reason);
            _exit(CHILD_FAILED);
        }
        _exit(CHILD_OK);
    }
    if (pid < 0) {
        munmap(shared, shared_size);
        out->status = CKPT_H5G_NO_CHILD;
        return;
    }
    supervise(pid, -1, progress, cpu_limit_ms, limit_ms, out);
    if (out->status == CKPT_H5G_OK) memcpy(dest, data, bytes);
    memcpy(out->message, message, sizeof out->message - 1);
    out->message[sizeof out->message - 1] = 0;
    munmap(shared, shared_size);
}

void ckpt_h5g_free(ckpt_h5g_result *result) {
    free(result->data);
    result->data = NULL;
    result->size = 0;
}
