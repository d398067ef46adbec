// Weights in their checkpoint's dtype: widening bf16/f16 to float32, and few-row products reading them directly.
// Vector versions are compiled with target attributes and chosen once at run time by CPU features; the portable
// versions are the definition (the vector ones give the same widened values; sums may associate differently).
#include "CKernels.h"
#include "StoredKernels.h"
#include <string.h>

static float bf16_to_float(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

// IEEE binary16 → binary32, exact for every pattern (subnormals renormalised, NaN payloads kept).
static float f16_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff, bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        int shift = 0;
        while ((mantissa & 0x400) == 0) { mantissa <<= 1; shift++; }
        bits = sign | ((uint32_t)(113 - shift) << 23) | ((mantissa & 0x3ff) << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static void widen_bf16_portable(const uint16_t *src, float *dst, long n) {
    for (long i = 0; i < n; i++) dst[i] = bf16_to_float(src[i]);
}

static void widen_f16_portable(const uint16_t *src, float *dst, long n) {
    for (long i = 0; i < n; i++) dst[i] = f16_to_float(src[i]);
}

static void rows_times_stored_portable(long m, long k, const float *a, long lda, const uint16_t *w, int type,
                                       long j0, long j1, float *c, long ldc, float beta) {
    for (long j = j0; j < j1; j++) {
        const uint16_t *row = w + j * k;
        for (long i = 0; i < m; i++) {
            float sum = 0;
            const float *x = a + i * lda;
            for (long kk = 0; kk < k; kk++)
                sum += x[kk] * (type == CKPT_STORED_BF16 ? bf16_to_float(row[kk]) : f16_to_float(row[kk]));
            float *out = c + i * ldc + j;
            *out = beta == 0 ? sum : beta * *out + sum;
        }
    }
}

static uint16_t round_bf16_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}

void ckpt_round_bf16(const float *src, uint16_t *dst, long n) {
    for (long i = 0; i < n; i++) dst[i] = round_bf16_bits(src[i]);
}

static void bf16_rows_portable(long m, long k, const uint16_t *a, long lda, const uint16_t *w, long j0, long j1,
                               float *c, long ldc, float beta) {
    for (long j = j0; j < j1; j++)
        for (long i = 0; i < m; i++) {
            float sum = 0;
            for (long kk = 0; kk < k; kk++) sum += bf16_to_float(a[i * lda + kk]) * bf16_to_float(w[j * k + kk]);
            float *out = c + i * ldc + j;
            *out = beta == 0 ? sum : beta * *out + sum;
        }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define CKPT_AVX512 __attribute__((target("avx512f")))

static int has_avx512f(void) { return ckpt_kernel_isa() == 2; }  // the CPU's, lowered by CKPT_KERNEL_ISA

CKPT_AVX512 static inline __m512 load_bf16x16(const uint16_t *p) {
    __m256i h = _mm256_loadu_si256((const __m256i *)p);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

CKPT_AVX512 static inline __m512 load_f16x16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}

CKPT_AVX512 static void widen_bf16_avx512(const uint16_t *src, float *dst, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, load_bf16x16(src + i));
    for (; i < n; i++) dst[i] = bf16_to_float(src[i]);
}

CKPT_AVX512 static void widen_f16_avx512(const uint16_t *src, float *dst, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, load_f16x16(src + i));
    for (; i < n; i++) dst[i] = f16_to_float(src[i]);
}

// MR rows (1…4) against one stored row per step: one load and widening of the weights, MR fused multiply-adds.
#define CKPT_ROWS(MR)                                                                                            \
    CKPT_AVX512 static void rows##MR(long k, const float *a, long lda, const uint16_t *w, int type, long j0,       \
                                     long j1, float *c, long ldc, float beta) {                                  \
        for (long j = j0; j < j1; j++) {                                                                         \
            const uint16_t *row = w + j * k;                                                                     \
            __m512 acc[MR];                                                                                      \
            for (int r = 0; r < MR; r++) acc[r] = _mm512_setzero_ps();                                           \
            long kk = 0;                                                                                         \
            for (; kk + 16 <= k; kk += 16) {                                                                     \
                __m512 wv = type == CKPT_STORED_BF16 ? load_bf16x16(row + kk) : load_f16x16(row + kk);           \
                for (int r = 0; r < MR; r++) acc[r] = _mm512_fmadd_ps(_mm512_loadu_ps(a + r * lda + kk), wv, acc[r]); \
            }                                                                                                    \
            for (int r = 0; r < MR; r++) {                                                                       \
                float sum = _mm512_reduce_add_ps(acc[r]);                                                        \
                for (long t = kk; t < k; t++)                                                                    \
                    sum += a[r * lda + t] * (type == CKPT_STORED_BF16 ? bf16_to_float(row[t]) : f16_to_float(row[t])); \
                float *out = c + r * ldc + j;                                                                    \
                *out = beta == 0 ? sum : beta * *out + sum;                                                      \
            }                                                                                                    \
        }                                                                                                        \
    }
CKPT_ROWS(1)
CKPT_ROWS(2)
CKPT_ROWS(3)
CKPT_ROWS(4)

static void rows_times_stored_avx512(long m, long k, const float *a, long lda, const uint16_t *w, int type,
                                     long j0, long j1, float *c, long ldc, float beta) {
    // Bands of 16 weight rows stay in the cache while every group of four input rows reads them.
    for (long jb = j0; jb < j1; jb += 16) {
        long je = j1 - jb < 16 ? j1 : jb + 16;
        for (long i = 0; i < m; i += 4) {
            long rows = m - i < 4 ? m - i : 4;
            const float *ai = a + i * lda;
            float *ci = c + i * ldc;
            switch (rows) {
            case 1: rows1(k, ai, lda, w, type, jb, je, ci, ldc, beta); break;
            case 2: rows2(k, ai, lda, w, type, jb, je, ci, ldc, beta); break;
            case 3: rows3(k, ai, lda, w, type, jb, je, ci, ldc, beta); break;
            default: rows4(k, ai, lda, w, type, jb, je, ci, ldc, beta); break;
            }
        }
    }
}

#include <cpuid.h>
#define CKPT_BF16DOT __attribute__((target("avx512f,avx512bf16")))

// AVX512-BF16 is CPUID leaf 7 sub-leaf 1, EAX bit 5; AVX-512 state enabled by the OS comes with avx512f.
static int has_bf16_dot(void) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!has_avx512f() || !__get_cpuid_count(7, 1, &a, &b, &c, &d)) return 0;
    return (a >> 5) & 1;
}

CKPT_BF16DOT static void bf16_rows_dot(long m, long k, const uint16_t *a, long lda, const uint16_t *w, long j0, long j1,
                                       float *c, long ldc, float beta) {
    for (long jb = j0; jb < j1; jb += 16) {
        long je = j1 - jb < 16 ? j1 : jb + 16;
        for (long i = 0; i < m; i += 4) {
            long rows = m - i < 4 ? m - i : 4;
            for (long j = jb; j < je; j++) {
                const uint16_t *row = w + j * k;
                __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
                long kk = 0;
                for (; kk + 32 <= k; kk += 32) {
                    __m512bh wv = (__m512bh)_mm512_loadu_si512((const void *)(row + kk));
                    for (long r = 0; r < rows; r++)
                        acc[r] = _mm512_dpbf16_ps(acc[r], (__m512bh)_mm512_loadu_si512((const void *)(a + (i + r) * lda + kk)), wv);
                }
                for (long r = 0; r < rows; r++) {
                    float sum = _mm512_reduce_add_ps(acc[r]);
                    for (long t = kk; t < k; t++) sum += bf16_to_float(a[(i + r) * lda + t]) * bf16_to_float(row[t]);
                    float *out = c + (i + r) * ldc + j;
                    *out = beta == 0 ? sum : beta * *out + sum;
                }
            }
        }
    }
}

int ckpt_bf16_dot_available(void) { return has_bf16_dot(); }

void ckpt_bf16_rows_times_bf16(long m, long k, const uint16_t *a, long lda, const uint16_t *w, long j0, long j1,
                               float *c, long ldc, float beta) {
    static int vector = -1;
    if (vector < 0) vector = has_bf16_dot();
    if (vector) bf16_rows_dot(m, k, a, lda, w, j0, j1, c, ldc, beta);
    else bf16_rows_portable(m, k, a, lda, w, j0, j1, c, ldc, beta);
}

void ckpt_widen_bf16(const uint16_t *src, float *dst, long n) {
    static int vector = -1;
    if (vector < 0) vector = has_avx512f();
    if (vector) widen_bf16_avx512(src, dst, n); else widen_bf16_portable(src, dst, n);
}

void ckpt_widen_f16(const uint16_t *src, float *dst, long n) {
    static int vector = -1;
    if (vector < 0) vector = has_avx512f();
    if (vector) widen_f16_avx512(src, dst, n); else widen_f16_portable(src, dst, n);
}

int ckpt_stored_product_available(void) { return has_avx512f(); }

void ckpt_rows_times_stored(long m, long k, const float *a, long lda, const uint16_t *w, int type, long j0, long j1,
                            float *c, long ldc, float beta) {
    static int vector = -1;
    if (vector < 0) vector = has_avx512f();
    if (vector) rows_times_stored_avx512(m, k, a, lda, w, type, j0, j1, c, ldc, beta);
    else rows_times_stored_portable(m, k, a, lda, w, type, j0, j1, c, ldc, beta);
}

#else

void ckpt_widen_bf16(const uint16_t *src, float *dst, long n) { widen_bf16_portable(src, dst, n); }
void ckpt_widen_f16(const uint16_t *src, float *dst, long n) { widen_f16_portable(src, dst, n); }
int ckpt_stored_product_available(void) { return 0; }
int ckpt_bf16_dot_available(void) { return 0; }
void ckpt_bf16_rows_times_bf16(long m, long k, const uint16_t *a, long lda, const uint16_t *w, long j0, long j1,
                               float *c, long ldc, float beta) {
    bf16_rows_portable(m, k, a, lda, w, j0, j1, c, ldc, beta);
}
void ckpt_rows_times_stored(long m, long k, const float *a, long lda, const uint16_t *w, int type, long j0, long j1,
                            float *c, long ldc, float beta) {
    rows_times_stored_portable(m, k, a, lda, w, type, j0, j1, c, ldc, beta);
}

#endif
