// The parent's side of the helper (hdf5_helper.h): started on the first job with posix_spawn of
// /proc/self/exe, asked to fork a child per job, started again when it went away. glibc's posix_spawn clones
// with CLONE_VM|CLONE_VFORK and runs no pthread_atfork handlers, so starting the helper is safe while other
// threads hold locks or run OpenBLAS (fork is not: its handlers and its copied locks are the reason for the
// helper). The helper is given only its socket and /dev/null; it learns the parent's end closed when the parent
// exits, however it exits (PR_SET_PDEATHSIG would follow the thread that spawned it, and a thread pool retires
// idle threads).
#define _GNU_SOURCE
#include "hdf5_helper.h"
#include "hdf5_guard_job.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/// How long a helper may take to start (a sanitized executable on a loaded machine).
#define HELPER_START_MS 60000

// Guarded by the guard's lock (hdf5_guard.c): one job at a time.
static int helper_sock = -1;
static pid_t helper_pid = 0;
/// Set when a helper could not be started: this process forks its children itself from then on.
static int helper_unusable = 0;

int ckpt_h5g_helper_pid(void) { return __atomic_load_n(&helper_pid, __ATOMIC_RELAXED); }

#ifdef __linux__

/// Waits up to `ms` for one message; returns 1, or 0 on timeout, end or error.
static int await(int sock, ckpt_h5g_message *m, int ms) {
    struct pollfd p = {sock, POLLIN, 0};
    for (;;) {
        int r = poll(&p, 1, ms);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        ssize_t n = recv(sock, m, sizeof *m, 0);
        if (n < 0 && errno == EINTR) continue;
        return n == (ssize_t)sizeof *m;
    }
}

/// The helper's environment: this process's, with the helper variable and one OpenBLAS thread (OpenBLAS starts
/// its threads in its constructor, before the helper's runs). In a sanitized build AddressSanitizer neither
/// symbolizes reports nor records allocation stacks in the helper and its children: their output goes to
/// /dev/null, and a child that dies is reported by its status alone (symbolizing each such report spawned
/// llvm-symbolizer, 17% of an HDF5 fuzz target's CPU). NULL when out of memory.
static char **helper_environment(const char *variable, char *asan_options, size_t asan_options_size) {
    static const char *dropped[] = {CKPT_H5G_HELPER_ENV "=", "OPENBLAS_NUM_THREADS=", "GOTO_NUM_THREADS=",
                                    "OMP_NUM_THREADS=", "ASAN_OPTIONS="};
    const char *inherited = getenv("ASAN_OPTIONS");
    snprintf(asan_options, asan_options_size, "ASAN_OPTIONS=%s%ssymbolize=0:malloc_context_size=0:quarantine_size_mb=0:thread_local_quarantine_size_kb=0",
             inherited ? inherited : "", inherited && *inherited ? ":" : "");
    size_t count = 0;
    while (environ && environ[count]) count++;
    char **env = (char **)calloc(count + 5, sizeof *env);
    if (!env) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        int keep = 1;
        for (size_t d = 0; d < sizeof dropped / sizeof dropped[0]; d++)
            if (strncmp(environ[i], dropped[d], strlen(dropped[d])) == 0) keep = 0;
        if (keep) env[n++] = environ[i];
    }
    env[n++] = (char *)variable;
    env[n++] = (char *)"OPENBLAS_NUM_THREADS=1";
    env[n++] = (char *)"OMP_NUM_THREADS=1";
    env[n++] = asan_options;
    env[n] = NULL;
    return env;
}

/// Spawns a helper on `sock`, its end of the pair; returns its process id, or 0.
static pid_t spawn_helper(int sock) {
    char variable[64];
    snprintf(variable, sizeof variable, CKPT_H5G_HELPER_ENV "=%d:%ld", CKPT_H5G_HELPER_FD, (long)getpid());
    char asan_options[1024];
    char **env = helper_environment(variable, asan_options, sizeof asan_options);
    if (!env) return 0;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    // The socket first (it may be 0–2 when this process has no standard input), then /dev/null for 0–2, then no
    // other descriptor: the helper must not keep a pipe or file of this process open.
    posix_spawn_file_actions_adddup2(&actions, sock, CKPT_H5G_HELPER_FD);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, CKPT_H5G_HELPER_FD + 1);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {(char *)"ckpt-hdf5-helper", NULL};
    pid_t pid = 0;
    int failed = posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, env);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    free(env);
    return failed ? 0 : pid;
}

/// Starts a helper unless one runs; returns 1 when one runs.
static int ensure_helper(void) {
    if (helper_sock >= 0) return 1;
    if (helper_unusable) return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return 0;
    // dup2 onto itself would keep close-on-exec: the helper's end must not already be its final number.
    if (sv[1] == CKPT_H5G_HELPER_FD) {
        int moved = fcntl(sv[1], F_DUPFD_CLOEXEC, CKPT_H5G_HELPER_FD + 1);
        close(sv[1]);
        sv[1] = moved;
    }
    pid_t pid = sv[1] >= 0 ? spawn_helper(sv[1]) : 0;
    if (sv[1] >= 0) close(sv[1]);
    ckpt_h5g_message ready;
    if (pid <= 0 || !await(sv[0], &ready, HELPER_START_MS) || ready.kind != 'R' || ready.value != pid) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        close(sv[0]);
        helper_unusable = 1;
        return 0;
    }
    helper_sock = sv[0];
    __atomic_store_n(&helper_pid, pid, __ATOMIC_RELAXED);
    // No atexit handler stops it: the helper ends when this process's end of the socket closes, however the
    // process ends. (One that closed, killed and reaped it from exit() made the test runner segfault at exit in
    // 3 of 3 runs on a loaded machine, with other threads still running; 0 of 2 without it.)
    return 1;
}

void ckpt_h5g_helper_discard(void) {
    if (helper_sock < 0) return;
    close(helper_sock);  // the helper sees its parent's end closed, kills its child and exits
    helper_sock = -1;
    kill(helper_pid, SIGKILL);
    waitpid(helper_pid, NULL, 0);
    __atomic_store_n(&helper_pid, 0, __ATOMIC_RELAXED);
}

/// Sends a fork request with the job's descriptors; returns 1 when sent.
static int request_fork(int image_fd, int control_fd, int out) {
    ckpt_h5g_message m = {'F', 0};
    int fds[3] = {image_fd, control_fd, out};
    int count = out >= 0 ? 3 : 2;
    union { struct cmsghdr align; char buf[CMSG_SPACE(3 * sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {&m, sizeof m};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = CMSG_SPACE(count * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(count * sizeof(int));
    memcpy(CMSG_DATA(c), fds, count * sizeof(int));
    for (;;) {
        ssize_t n = sendmsg(helper_sock, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        return n == (ssize_t)sizeof m;
    }
}

int ckpt_h5g_helper_start(int image_fd, int control_fd, int out, ckpt_h5g_child *child) {
    // The helper's answer ('S' with the child's id) is taken by the supervision with the rest: one wait less per
    // job. A helper that died since the last job is found out there, or here when the request cannot be sent.
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!ensure_helper()) return -1;
        if (request_fork(image_fd, control_fd, out)) {
            child->pid = 0;
            child->helper = helper_sock;
            return 0;
        }
        ckpt_h5g_helper_discard();
    }
    return -1;
}

void ckpt_h5g_helper_kill(const ckpt_h5g_child *child) {
    ckpt_h5g_message m = {'K', 0};
    (void)send(child->helper, &m, sizeof m, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int ckpt_h5g_helper_ended(ckpt_h5g_child *child, int *status) {
    ckpt_h5g_message m;
    ssize_t n = recv(child->helper, &m, sizeof m, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    if (n != (ssize_t)sizeof m) return -1;
    switch (m.kind) {
    case 'S': child->pid = (pid_t)m.value; return 0;
    case 'X': *status = m.value; return 1;
    case 'E': errno = m.value; return -2;
    default: return -1;
    }
}

// Keeps the helper's constructor (hdf5_helper.c) in every executable that can start a helper.
void (*const ckpt_h5g_helper_entry)(int) = ckpt_h5g_helper_serve;

#else

int ckpt_h5g_helper_start(int image_fd, int control_fd, int out, ckpt_h5g_child *child) {
    (void)image_fd; (void)control_fd; (void)out; (void)child;
    return -1;
}
void ckpt_h5g_helper_kill(const ckpt_h5g_child *child) { (void)child; }
int ckpt_h5g_helper_ended(ckpt_h5g_child *child, int *status) { (void)child; (void)status; return -1; }
void ckpt_h5g_helper_discard(void) {}

#endif
