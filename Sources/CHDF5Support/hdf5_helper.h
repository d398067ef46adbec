// The helper's protocol (hdf5_helper.c serves it, hdf5_helper_client.c uses it): fixed-size messages on a
// SOCK_SEQPACKET socket pair, descriptors passed with SCM_RIGHTS.
//
//   helper → parent   'R' pid             ready (the constructor took over; pid is the helper's own)
//   parent → helper   'F' + fds           fork a child for a job: image, control (hdf5_guard_job.h), output or none
//   helper → parent   'S' pid | 'E' errno the child started, or could not be
//   parent → helper   'K'                 kill the child (if it has not ended)
//   helper → parent   'X' wait status     the child ended (reaped: its id may be reused from now on)
//
// The helper ends when its socket reports the parent's end closed: the parent exited or gave it up.
#ifndef CKPT_HDF5_HELPER_H
#define CKPT_HDF5_HELPER_H

#include <stdint.h>

/// The variable that makes a copy of the executable a helper: "<socket fd>:<parent pid>".
#define CKPT_H5G_HELPER_ENV "CKPT_HDF5_HELPER"

/// The helper's end of the socket pair, in the helper.
#define CKPT_H5G_HELPER_FD 3

typedef struct {
    uint32_t kind;
    int32_t value;
} ckpt_h5g_message;

/// The helper's main loop (hdf5_helper.c); never returns. Referenced by the client so that an executable that
/// can start helpers also holds the constructor that makes them.
__attribute__((noreturn)) void ckpt_h5g_helper_serve(int sock);

#endif
