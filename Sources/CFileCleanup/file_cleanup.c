// See file_cleanup.h.
#define _GNU_SOURCE
#include "file_cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 16
#define PATH_CAP 4096

static char paths[SLOTS][PATH_CAP];
static atomic_int used[SLOTS];
static atomic_int installed;
static const int signals[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig) {
    for (int i = 0; i < SLOTS; i++) {
        if (atomic_load(&used[i]) == 2) unlink(paths[i]);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return;
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction old;
        if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;  // nohup: keep ignoring
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(signals[i], &sa, NULL);
    }
}

int ckpt_cleanup_register(const char *path) {
    size_t n = strlen(path);
    if (n >= PATH_CAP) return -1;
    install();
    for (int i = 0; i < SLOTS; i++) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&used[i], &expected, 1)) {
            memcpy(paths[i], path, n + 1);
            atomic_store(&used[i], 2);  // visible to the handler only once complete
            return i;
        }
    }
    return -1;
}

void ckpt_cleanup_unregister(int slot) {
    if (slot >= 0 && slot < SLOTS) atomic_store(&used[slot], 0);
}

void ckpt_cleanup_block_signals(void *old_mask) {
    sigset_t set;
    sigemptyset(&set);
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaddset(&set, signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, (sigset_t *)old_mask);
}

void ckpt_cleanup_restore_signals(const void *old_mask) {
    pthread_sigmask(SIG_SETMASK, (const sigset_t *)old_mask, NULL);
}

int ckpt_open_unnamed(const char *folder) {
#ifdef O_TMPFILE
    return open(folder, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
#else
    (void)folder;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

int ckpt_link_unnamed(int fd, const char *path) {
#ifdef __linux__
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
#else
    (void)fd; (void)path;
    errno = EOPNOTSUPP;
    return -1;
#endif
}
