// Declarations shared between kernels.c (the AVX2 kernels and the run-time dispatch) and packed_avx512.c; not
// part of the module's public header.
#ifndef CKPT_PACKED_INTERNAL_H
#define CKPT_PACKED_INTERNAL_H
#if defined(__x86_64__)
void ckpt_gemm_packed_avx512(long m, long k, const float *a, long lda, const float *packed, const long *panel_ids,
                             long count, float *c, long ldc);
void ckpt_lstm_update_avx512(float *gates, long h, long lo, long hi, float *c, float *y, int keep);
#endif
#endif
