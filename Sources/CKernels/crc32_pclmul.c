// CRC-32 (zlib's polynomial, reflected) by carry-less multiplication: four 128-bit lanes folded 64 bytes at a
// time, then folded to 128 bits, to 64 and Barrett-reduced to 32 (Gopal et al., "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction", Intel 2009; the constants and steps of Chromium's zlib
// crc32_simd.c). Chosen at run time when the CPU has PCLMULQDQ and SSE4.1; the caller checksums what is left
// (fewer than 16 bytes, or everything on other CPUs) with zlib's crc32. Where the CPU has VPCLMULQDQ with
// AVX-512 the main loop folds 256 bytes a step in four zmm registers.
#include <stddef.h>
#include <stdint.h>
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CKPT_CLMUL __attribute__((target("pclmul,sse4.1")))

static const uint64_t k1k2[2] __attribute__((aligned(16))) = {0x0154442bd4, 0x01c6e41596};
static const uint64_t k3k4[2] __attribute__((aligned(16))) = {0x01751997d0, 0x00ccaa009e};
static const uint64_t k5k0[2] __attribute__((aligned(16))) = {0x0163cd6124, 0x0000000000};
static const uint64_t poly[2] __attribute__((aligned(16))) = {0x01db710641, 0x01f7011641};

static uint32_t finish(__m128i x1, __m128i x2, __m128i x3, __m128i x4, const unsigned char *buf, size_t len);

// `len` a multiple of 16 and at least 64; `crc` and the result are the inverted running state.
CKPT_CLMUL static uint32_t fold(const unsigned char *buf, size_t len, uint32_t crc) {
    __m128i x0, x1, x2, x3, x4, x5, x6, x7, x8, y5, y6, y7, y8;
    x1 = _mm_loadu_si128((const __m128i *)(buf + 0x00));
    x2 = _mm_loadu_si128((const __m128i *)(buf + 0x10));
    x3 = _mm_loadu_si128((const __m128i *)(buf + 0x20));
    x4 = _mm_loadu_si128((const __m128i *)(buf + 0x30));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
    x0 = _mm_load_si128((const __m128i *)k1k2);
    buf += 64;
    len -= 64;
    while (len >= 64) {
        x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
        x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
        x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
        x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
        x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
        x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
        x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
        x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
        y5 = _mm_loadu_si128((const __m128i *)(buf + 0x00));
        y6 = _mm_loadu_si128((const __m128i *)(buf + 0x10));
        y7 = _mm_loadu_si128((const __m128i *)(buf + 0x20));
        y8 = _mm_loadu_si128((const __m128i *)(buf + 0x30));
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), y5);
        x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), y6);
        x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), y7);
        x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), y8);
        buf += 64;
        len -= 64;
    }
    return finish(x1, x2, x3, x4, buf, len);
}

// Four folded 128-bit lanes (the next 64 bytes' worth) and the 16-byte blocks after them down to the CRC.
CKPT_CLMUL static uint32_t finish(__m128i x1, __m128i x2, __m128i x3, __m128i x4, const unsigned char *buf, size_t len) {
    __m128i x0, x5;
    // Four lanes into one.
    x0 = _mm_load_si128((const __m128i *)k3k4);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x3), x5);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x4), x5);
    // The remaining 16-byte blocks.
    while (len >= 16) {
        x2 = _mm_loadu_si128((const __m128i *)buf);
        x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
        x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
        buf += 16;
        len -= 16;
    }
    // 128 bits to 64.
    x2 = _mm_clmulepi64_si128(x1, x0, 0x10);
    x3 = _mm_setr_epi32(~0, 0, ~0, 0);
    x1 = _mm_srli_si128(x1, 8);
    x1 = _mm_xor_si128(x1, x2);
    x0 = _mm_loadl_epi64((const __m128i *)k5k0);
    x2 = _mm_srli_si128(x1, 4);
    x1 = _mm_and_si128(x1, x3);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    // Barrett reduction to 32 bits.
    x0 = _mm_load_si128((const __m128i *)poly);
    x2 = _mm_and_si128(x1, x3);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
    x2 = _mm_and_si128(x2, x3);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    return (uint32_t)_mm_extract_epi32(x1, 1);
}

// The same with VPCLMULQDQ on four 512-bit registers (256 bytes a step, folding distance 2048 bits: constants
// x^(2048±32) mod P, bit-reflected and shifted as k1k2), then the four registers folded into one at distance
// 512 bits (k1k2) and its four 128-bit lanes handed to `finish`. `len` a multiple of 16 and at least 256.
static const uint64_t k2048[2] __attribute__((aligned(16))) = {0x011542778a, 0x01322d1430};

#define CKPT_VCLMUL __attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.1")))

CKPT_VCLMUL static inline __m512i fold512(__m512i z, __m512i k, __m512i next) {
    return _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(z, k, 0x00), _mm512_clmulepi64_epi128(z, k, 0x11), next, 0x96);
}

CKPT_VCLMUL static uint32_t fold_avx512(const unsigned char *buf, size_t len, uint32_t crc) {
    __m512i z0 = _mm512_loadu_si512(buf), z1 = _mm512_loadu_si512(buf + 64);
    __m512i z2 = _mm512_loadu_si512(buf + 128), z3 = _mm512_loadu_si512(buf + 192);
    z0 = _mm512_xor_si512(z0, _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)crc)));  // zext: a cast leaves the upper lanes undefined
    __m512i k = _mm512_broadcast_i32x4(_mm_load_si128((const __m128i *)k2048));
    buf += 256;
    len -= 256;
    while (len >= 256) {
        z0 = fold512(z0, k, _mm512_loadu_si512(buf));
        z1 = fold512(z1, k, _mm512_loadu_si512(buf + 64));
        z2 = fold512(z2, k, _mm512_loadu_si512(buf + 128));
        z3 = fold512(z3, k, _mm512_loadu_si512(buf + 192));
        buf += 256;
        len -= 256;
    }
    k = _mm512_broadcast_i32x4(_mm_load_si128((const __m128i *)k1k2));
    z1 = fold512(z0, k, z1);
    z2 = fold512(z1, k, z2);
    z3 = fold512(z2, k, z3);
    return finish(_mm512_extracti32x4_epi32(z3, 0), _mm512_extracti32x4_epi32(z3, 1), _mm512_extracti32x4_epi32(z3, 2),
                  _mm512_extracti32x4_epi32(z3, 3), buf, len);
}

static int clmul_state = -1;
int ckpt_crc32_narrow = 0;

int ckpt_crc32_fast_available(void) {
    int state = __atomic_load_n(&clmul_state, __ATOMIC_RELAXED);
    if (state < 0) {
        __builtin_cpu_init();
        state = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
        // The 512-bit lanes only where ckpt's kernels use AVX-512 (CKPT_KERNEL_ISA=avx2 lowers every kernel).
        if (state && ckpt_kernel_isa() == 2 && __builtin_cpu_supports("vpclmulqdq")) state = 2;
        __atomic_store_n(&clmul_state, state, __ATOMIC_RELAXED);
    }
    return state;
}

size_t ckpt_crc32_fast(uint32_t *crc, const void *buf, size_t len) {
    if (len < 64 || !ckpt_crc32_fast_available()) return 0;
    size_t done = len & ~(size_t)15;
    if (done >= 256 && ckpt_crc32_fast_available() == 2 && !ckpt_crc32_narrow)
        *crc = ~fold_avx512((const unsigned char *)buf, done, ~*crc);
    else
        *crc = ~fold((const unsigned char *)buf, done, ~*crc);
    return done;
}

#else

int ckpt_crc32_fast_available(void) { return 0; }
size_t ckpt_crc32_fast(uint32_t *crc, const void *buf, size_t len) { (void)crc; (void)buf; (void)len; return 0; }

#endif
