// Watching a guarded call's child (hdf5_guard_job.h): its output read as it comes, its progress counter and CPU
// time checked every 20 ms, its end taken from the helper's report (or from waitpid when this process forked
// it), and its end mapped to a status.
#define _GNU_SOURCE
#include "hdf5_guard_job.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/// The largest description accepted from a child.
#define MAX_DESCRIPTION ((size_t)1 << 30)

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/// The CPU time `pid` has used, in milliseconds (Linux /proc), or -1 where it cannot be read.
static int64_t cpu_ms(pid_t pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
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

/// Reads what the pipe holds into `out`; returns 0 at its end (or on an error), -1 past MAX_DESCRIPTION or out
/// of memory, 1 otherwise.
static int read_output(int fd, size_t *cap, ckpt_h5g_result *out) {
    if (out->size + 65536 > *cap) {
        size_t grown = *cap ? *cap * 2 : 1 << 16;
        uint8_t *data = (uint8_t *)realloc(out->data, grown);
        if (!data) return -1;
        out->data = data;
        *cap = grown;
    }
    ssize_t n = read(fd, out->data + out->size, *cap - out->size);
    if (n > 0) {
        out->size += (size_t)n;
        return out->size > MAX_DESCRIPTION ? -1 : 1;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
}

static int status_of(int status, int killed, int too_large) {
    if (too_large) return CKPT_H5G_TOO_LARGE;
    if (killed) return CKPT_H5G_STALLED;
    if (!WIFEXITED(status)) return CKPT_H5G_CRASHED;
    switch (WEXITSTATUS(status)) {
    case CHILD_OK: return CKPT_H5G_OK;
    case CHILD_NO_MEMORY: return CKPT_H5G_TOO_LARGE;
    case CHILD_FAILED:
    case CHILD_OPEN_FAILED: return CKPT_H5G_FAILED;
    default: return CKPT_H5G_CRASHED;
    }
}

static void kill_child(const ckpt_h5g_child *child) {
    if (child->helper >= 0) ckpt_h5g_helper_kill(child);
    else kill(child->pid, SIGKILL);
}

void ckpt_h5g_supervise(ckpt_h5g_child *child, int fd, volatile uint64_t *progress, int stall_ms, int limit_ms,
                        ckpt_h5g_result *out) {
    size_t cap = 0;
    int64_t start = now_ms(), last_change = start, cpu_at_change = 0, checked = start;
    uint64_t last = *progress;
    int open_pipe = fd >= 0, killed = 0, too_large = 0, ended = 0, status = 0;
    while (open_pipe || !ended) {
        struct pollfd p[2];
        int n = 0, pipe_slot = -1, helper_slot = -1;
        if (open_pipe) { pipe_slot = n; p[n++] = (struct pollfd){fd, POLLIN, 0}; }
        if (!ended && child->helper >= 0) { helper_slot = n; p[n++] = (struct pollfd){child->helper, POLLIN, 0}; }
        // A child of this process is looked for with waitpid every 2 ms; the helper reports its children's ends.
        int direct = !ended && child->helper < 0;
        int r = poll(p, (nfds_t)n, direct ? 2 : 20);
        if (r < 0 && errno != EINTR) { out->status = CKPT_H5G_NO_CHILD; return; }
        if (r > 0 && pipe_slot >= 0 && p[pipe_slot].revents) {
            int more = read_output(fd, &cap, out);
            if (more <= 0) open_pipe = 0;
            if (more < 0 && !killed) { too_large = 1; kill_child(child); killed = 1; }
        }
        if (r > 0 && helper_slot >= 0 && p[helper_slot].revents) {
            int e = ckpt_h5g_helper_ended(child, &status);
            if (e == -2) { out->status = CKPT_H5G_NO_CHILD; return; }
            if (e < 0) { out->status = CKPT_H5G_HELPER_LOST; return; }
            if (e > 0) ended = 1;
        }
        if (direct) {
            pid_t w = waitpid(child->pid, &status, WNOHANG);
            if (w == child->pid) ended = 1;
            else if (w < 0 && errno != EINTR) { out->status = CKPT_H5G_NO_CHILD; return; }
        }
        if (ended || killed || child->pid == 0) continue;  // (the helper tells the child's id at once)
        int64_t t = now_ms();
        if (t - checked < 20) continue;
        checked = t;
        uint64_t seen = *progress;
        int64_t cpu = stall_ms > 0 ? cpu_ms(child->pid) : -1;
        if (seen != last) { last = seen; last_change = t; cpu_at_change = cpu; }
        int stalled = stall_ms > 0 && (cpu >= 0 && cpu_at_change >= 0 ? cpu - cpu_at_change > stall_ms
                                                                      : t - last_change > stall_ms);
        if (stalled || (limit_ms > 0 && t - start > limit_ms)) {
            kill_child(child);
            killed = 1;
            open_pipe = 0;  // what it wrote is dropped; its end comes soon
        }
    }
    out->status = status_of(status, killed, too_large);
}
