// What the three processes of a guarded call share (hdf5_guard.h): this process (the parent) asks, the helper
// forks, the child runs libhdf5. A job is described in shared memory, which the child is given as a descriptor
// (a memory file) by way of the helper, or inherits when the parent forks it itself.
#ifndef CKPT_HDF5_GUARD_JOB_H
#define CKPT_HDF5_GUARD_JOB_H

#include "hdf5_guard.h"

#include <stdint.h>
#include <sys/types.h>

/// What a child does.
enum { CKPT_H5G_DESCRIBE = 1, CKPT_H5G_READ = 2 };

/// Exit statuses of a child (hdf5_walk.c and hdf5_walk_output.c end with 3 and 4 too).
enum { CHILD_OK = 0, CHILD_NO_MEMORY = 3, CHILD_NO_OUTPUT = 4, CHILD_FAILED = 5, CHILD_OPEN_FAILED = 6 };

/// A status of the supervision only, never of a result: the helper went away mid-job (the job runs again).
#define CKPT_H5G_HELPER_LOST 100

/// The first page of a job's shared memory. A read's dataset bytes follow at CKPT_H5G_DATA, then its path
/// (`path_length` bytes and a NUL).
typedef struct {
    /// Moved by the child with every record and object: the parent's stall detection watches it.
    volatile uint64_t progress;
    uint32_t op;
    uint32_t path_length;
    /// Where the image is in the descriptor the child is given.
    uint64_t image_offset, image_size;
    /// A read's dataset size in bytes.
    uint64_t bytes;
    /// Why the child failed, one line (written by the child).
    char message[512];
} ckpt_h5g_control;

#define CKPT_H5G_DATA 4096

/// The path of a read job, in its shared memory.
static inline char *ckpt_h5g_job_path(ckpt_h5g_control *control) {
    return (char *)control + CKPT_H5G_DATA + control->bytes;
}

// ---- the child (hdf5_guard_child.c) ----------------------------------------------------------------------

/// A child's first steps: death with `parent`, no core files, default crash handlers (no Swift backtracer, no
/// sanitizer report on a signal), output to /dev/null.
void ckpt_h5g_child_enter(pid_t parent);

/// Runs the job `control` on `image[0..<size)`, writing a description to `out`; ends the process with a child
/// exit status. The address space is capped first at its current size plus the child's allowance.
__attribute__((noreturn)) void ckpt_h5g_child_run(ckpt_h5g_control *control, const void *image, size_t size, int out);

/// A child forked by the helper: maps the job (`control_fd`) and the image (`image_fd`) and runs it.
__attribute__((noreturn)) void ckpt_h5g_child_run_mapped(int image_fd, int control_fd, int out);

// ---- the helper, seen from the parent (hdf5_helper_client.c) --------------------------------------------

/// A child started for one job: its process id (0 until the helper has told it), and the socket of the helper
/// that forked it (-1 when this process forked it and waits for it itself).
typedef struct {
    pid_t pid;
    int helper;
} ckpt_h5g_child;

/// Asks the helper (started now if none runs) to fork a child for the job in `control_fd` on `image_fd`, with
/// `out` (or -1) as its output; the child's id comes with the helper's next message (`ckpt_h5g_helper_ended`).
/// Returns 0, or -1 when no helper can be used. Callers hold the guard's lock.
int ckpt_h5g_helper_start(int image_fd, int control_fd, int out, ckpt_h5g_child *child);

/// Asks the helper to kill the child (it does unless the child has ended already: no process id is reused).
void ckpt_h5g_helper_kill(const ckpt_h5g_child *child);

/// Takes the helper's next message about the child: 1 when it ended (its wait status in `status`), 0 when there is
/// none or it started (its id now in `child->pid`), -2 when it could not be started (errno set), -1 when the
/// helper is gone.
int ckpt_h5g_helper_ended(ckpt_h5g_child *child, int *status);

/// Stops the helper after it failed: the next job starts another.
void ckpt_h5g_helper_discard(void);

// ---- supervision (hdf5_guard_supervise.c) ----------------------------------------------------------------

/// Waits for `child` to end, mapping its end to a status in `out->status`, and reads the pipe `fd` (when not -1)
/// into `out->data` meanwhile. The child is killed when it has used `stall_ms` of CPU time since `*progress`
/// last moved (wall time where CPU time cannot be read: a child that waits for a busy machine's cores is not
/// stuck), or when `limit_ms` of wall time have passed. CKPT_H5G_HELPER_LOST when the helper went away.
void ckpt_h5g_supervise(ckpt_h5g_child *child, int fd, volatile uint64_t *progress, int stall_ms, int limit_ms,
                        ckpt_h5g_result *out);

#endif
