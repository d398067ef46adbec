// The helper that forks libhdf5's children (hdf5_guard.h, protocol in hdf5_helper.h). It is this same
// executable, started by posix_spawn with CKPT_HDF5_HELPER set: the constructor below recognises it before main
// runs (before Swift's main, XCTest's or libFuzzer's) and never returns into main. The helper stays small and
// single-threaded (OpenBLAS is told to start no threads), so its forks are cheap and safe; it initialises
// libhdf5 once, so that its children start with it ready. It serves one job at a time: fork, report the start,
// kill on request, reap and report the end. It ends when the parent's end of the socket closes, killing a child
// still running.
#define _GNU_SOURCE
#include "hdf5_helper.h"
#include "hdf5_guard_job.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/signalfd.h>
#endif

#ifdef __linux__

static void reply(int sock, uint32_t kind, int32_t value) {
    ckpt_h5g_message m = {kind, value};
    // A parent that went away is seen by the next poll; nothing to do about it here.
    (void)send(sock, &m, sizeof m, MSG_NOSIGNAL);
}

/// Receives one message and the descriptors passed with it (up to 3); returns the message size, 0 when the
/// parent's end closed, -1 on an error.
static ssize_t receive(int sock, ckpt_h5g_message *m, int *fds, int *count) {
    union { struct cmsghdr align; char buf[CMSG_SPACE(3 * sizeof(int))]; } control;
    struct iovec iov = {m, sizeof *m};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    *count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n > 0 && c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (*count < 3) fds[(*count)++] = fd;
            else close(fd);
        }
    }
    return n;
}

/// 1 when the helper runs one thread (no library started one in a constructor): it then forks with _Fork.
static int single_threaded = 0;

static int count_threads(void) {
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    const char *line = strstr(buf, "\nThreads:");
    return line ? atoi(line + 9) : -1;
}

/// Forks the child for a job: image, control and (optionally) output descriptors. A single-threaded helper forks
/// with _Fork, which skips the pthread_atfork handlers: no other thread can hold a lock they would take, and
/// AddressSanitizer's (in sanitized builds) write its whole stack depot before and after every fork, a few
/// thousand page faults that cost more than the rest of a child's work.
static pid_t start_child(int sock, int events, const sigset_t *mask, const int *fds, int count) {
    pid_t helper = getpid();
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    pid_t pid = single_threaded ? _Fork() : fork();
#else
    pid_t pid = fork();
#endif
    if (pid != 0) return pid;
    close(sock);
    close(events);
    sigprocmask(SIG_SETMASK, mask, NULL);
    ckpt_h5g_child_enter(helper);
    ckpt_h5g_child_run_mapped(fds[0], fds[1], count > 2 ? fds[2] : -1);
}

void ckpt_h5g_helper_serve(int sock) {
    prctl(PR_SET_NAME, "ckpt-hdf5");
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN);  // ^C ends the parent, and with it the helper (the parent's cleanup may take a moment)
    // Children's ends arrive as readable events on a signalfd, beside the socket.
    sigset_t chld, mask;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &mask);
    int events = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (events < 0 || H5open() < 0) _exit(1);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    single_threaded = count_threads() == 1;
    reply(sock, 'R', (int32_t)getpid());
    pid_t child = 0;
    for (;;) {
        struct pollfd p[2] = {{sock, POLLIN, 0}, {events, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (p[1].revents) {
            struct signalfd_siginfo info;
            while (read(events, &info, sizeof info) > 0) {}
            int status = 0;
            if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
                child = 0;
                reply(sock, 'X', status);
            }
        }
        if (!p[0].revents) continue;
        ckpt_h5g_message m;
        int fds[3], count = 0;
        ssize_t n = receive(sock, &m, fds, &count);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (n == sizeof m && m.kind == 'K') {
            if (child > 0) kill(child, SIGKILL);
        } else if (n == sizeof m && m.kind == 'F' && child == 0 && count >= 2) {
            child = start_child(sock, events, &mask, fds, count);
            if (child > 0) reply(sock, 'S', (int32_t)child);
            else reply(sock, 'E', errno);
            if (child < 0) child = 0;
        } else {
            reply(sock, 'E', EPROTO);
        }
        for (int i = 0; i < count; i++) close(fds[i]);
    }
    // The parent is gone: so is its job.
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    _exit(0);
}

/// Makes this process a helper when it was started as one; otherwise returns (into main) at once.
__attribute__((constructor)) static void ckpt_h5g_helper_constructor(void) {
    const char *value = getenv(CKPT_H5G_HELPER_ENV);
    if (!value) return;
    int sock = -1;
    long parent = 0;
    int type = 0;
    socklen_t length = sizeof type;
    // A stray variable (no such socket) is ignored: the program runs as it would without it.
    if (sscanf(value, "%d:%ld", &sock, &parent) != 2 || sock != CKPT_H5G_HELPER_FD ||
        getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_SEQPACKET)
        return;
    if (getppid() != (pid_t)parent) _exit(0);  // started for a parent that is gone already
    ckpt_h5g_helper_serve(sock);
}

#else

void ckpt_h5g_helper_serve(int sock) {
    (void)sock;
    _exit(1);
}

#endif
