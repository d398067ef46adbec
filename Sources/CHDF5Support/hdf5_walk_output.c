// The walk's output: records buffered and written to the parent's pipe, error records (format in hdf5_walk.h).
#include "hdf5_walk_output.h"

#include <stdio.h>
#include <unistd.h>

void ckpt_walk_flush(ckpt_walk *w) {
    size_t done = 0;
    while (done < w->len) {
        ssize_t n = write(w->fd, w->buf + done, w->len - done);
        if (n <= 0) _exit(4);  // the parent went away or refused more: nothing left to do
        done += (size_t)n;
    }
    w->len = 0;
}

void ckpt_walk_put(ckpt_walk *w, const void *bytes, size_t n) {
    const uint8_t *p = (const uint8_t *)bytes;
    while (n > 0) {
        if (w->len == sizeof w->buf) ckpt_walk_flush(w);
        size_t room = sizeof w->buf - w->len, take = n < room ? n : room;
        memcpy(w->buf + w->len, p, take);
        w->len += take;
        p += take;
        n -= take;
    }
    (*w->progress)++;
}

void ckpt_walk_put_error(ckpt_walk *w, char kind, const char *what, int with_reason) {
    char reason[512], line[1200];
    ckpt_walk_last_error(reason, sizeof reason);
    if (with_reason && reason[0]) snprintf(line, sizeof line, "%s: %s", what, reason);
    else snprintf(line, sizeof line, "%s", what);
    put_u8(w, '!');
    put_u8(w, (uint8_t)kind);
    put_str(w, line);
}
