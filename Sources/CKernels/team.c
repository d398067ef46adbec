// A team of threads for a recurrent layer's time steps: `ckpt_team_run` runs `work(context, chunk, step)` for
// every chunk of every step, all chunks of a step finishing before any chunk of the next starts. One step of an
// LSTM of hidden 256 at batch 16 is about 35 µs of arithmetic on two cores, so the hand-over between steps must
// cost well under a microsecond when the cores are free: waiting threads spin on the count of finished steps
// (with `pause`) for a bounded time, then sleep on it (Linux futex; elsewhere sched_yield), so a loaded machine
// is not burnt by spinning while the other thread waits for a core.
//
// Chunks are claimed, not assigned: tickets are taken from one counter (ticket / chunks is the step, ticket %
// chunks the chunk), so when a helper thread gets no core the caller takes its chunks too and the sequence
// goes on at one core's speed instead of waiting for the other. Threads are created per call (tens of
// microseconds, once per layer and direction) rather than pooled, so nothing outlives the call.
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include "CKernels.h"

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#if defined(__x86_64__)
#include <immintrin.h>
#define CKPT_PAUSE() _mm_pause()
#else
#define CKPT_PAUSE() ((void)0)
#endif

/// Spins before sleeping: a few tens of microseconds of `pause` on current x86 cores.
#define CKPT_SPINS 2000
#define CKPT_MAX_TEAM 64

struct team {
    void (*work)(void *, long, long);
    void *context;
    long chunks, steps;
    long tickets;   // the next ticket to claim
    long finished;  // chunks finished, over all steps
    int completed;  // steps completed (every chunk finished); waiters watch it
    int sleepers;   // threads that may be asleep on `completed`
};

// Waits until at least `step` steps are complete.
static void wait_for(struct team *t, int step) {
    for (int spin = 0; spin < CKPT_SPINS; spin++) {
        if (__atomic_load_n(&t->completed, __ATOMIC_ACQUIRE) >= step) return;
        CKPT_PAUSE();
    }
    for (;;) {
        int seen = __atomic_load_n(&t->completed, __ATOMIC_ACQUIRE);
        if (seen >= step) return;
#if defined(__linux__)
        __atomic_add_fetch(&t->sleepers, 1, __ATOMIC_SEQ_CST);
        // Sleeps only while `completed` is still the value seen (the futex compares it atomically).
        syscall(SYS_futex, &t->completed, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
        __atomic_sub_fetch(&t->sleepers, 1, __ATOMIC_SEQ_CST);
#else
        sched_yield();
#endif
    }
}

static void *member_main(void *arg) {
    struct team *t = arg;
    long total = t->chunks * t->steps;
    for (;;) {
        long ticket = __atomic_fetch_add(&t->tickets, 1, __ATOMIC_ACQ_REL);
        if (ticket >= total) return NULL;
        long step = ticket / t->chunks;
        wait_for(t, (int)step);
        t->work(t->context, ticket % t->chunks, step);
        if (__atomic_add_fetch(&t->finished, 1, __ATOMIC_ACQ_REL) == (step + 1) * t->chunks) {
            __atomic_store_n(&t->completed, (int)step + 1, __ATOMIC_SEQ_CST);
#if defined(__linux__)
            if (__atomic_load_n(&t->sleepers, __ATOMIC_SEQ_CST) > 0)
                syscall(SYS_futex, &t->completed, FUTEX_WAKE_PRIVATE, 1 << 30, NULL, NULL, 0);
#endif
        }
    }
}

void ckpt_team_run(long workers, long steps, void (*work)(void *, long, long), void *context) {
    if (workers > CKPT_MAX_TEAM) workers = CKPT_MAX_TEAM;
    if (workers < 1) workers = 1;
    struct team t = {work, context, workers, steps, 0, 0, 0, 0};
    pthread_t threads[CKPT_MAX_TEAM];
    long started = 0;
    // A thread that cannot start is no loss: its chunks are claimed by the others.
    for (long w = 1; w < workers; w++)
        if (pthread_create(&threads[started], NULL, member_main, &t) == 0) started++;
    member_main(&t);
    for (long w = 0; w < started; w++) pthread_join(threads[w], NULL);
}
