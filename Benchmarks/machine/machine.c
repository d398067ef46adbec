// The machine facts `Benchmarks/run.sh` records beside every table, measured in the same run:
//   machine openblas       OpenBLAS's build configuration and the core its dynamic dispatch picked
//                          (openblas_get_corename: what OPENBLAS_CORETYPE, if set, overrides)
//   machine fma THREADS    peak single-precision FMA throughput in GFLOP/s on THREADS threads: each thread runs
//                          independent chains of the widest FMA this CPU has (AVX-512, else AVX2 + FMA), enough
//                          of them to cover the FMA latency, for about 0.3 s; the best of 5 runs, as GFLOP/s of
//                          wall time and GFLOP/s per CPU-second of the threads
// Built by run.sh with `cc -O2 -pthread machine.c -lopenblas`; no flags per CPU (the kernels are chosen at run time).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *openblas_get_config(void);
char *openblas_get_corename(void);
int openblas_get_num_threads(void);

#if defined(__x86_64__)
#include <immintrin.h>
#define CHAINS 12
__attribute__((target("avx512f"))) static double fma512(long iterations) {
    __m512 acc[CHAINS], m = _mm512_set1_ps(0.9999999f), a = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], m, a);
    }
    float sink = 0;
    for (int i = 0; i < CHAINS; i++) sink += _mm512_reduce_add_ps(acc[i]);
    return (double)iterations * CHAINS * 16 * 2 + (sink == 12345.0f);
}
__attribute__((target("avx2,fma"))) static double fma256(long iterations) {
    __m256 acc[CHAINS], m = _mm256_set1_ps(0.9999999f), a = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], m, a);
    }
    float buf[8], sink = 0;
    for (int i = 0; i < CHAINS; i++) { _mm256_storeu_ps(buf, acc[i]); sink += buf[0]; }
    return (double)iterations * CHAINS * 8 * 2 + (sink == 12345.0f);
}
static const char *isa(void) {
    __builtin_cpu_init();
    const char *wanted = getenv("CKPT_KERNEL_ISA");  // avx2: the peak of the instructions a restricted run uses
    if (__builtin_cpu_supports("avx512f") && !(wanted && strcmp(wanted, "avx2") == 0)) return "avx512";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
    return "none";
}
static double flops(long iterations) {
    return strcmp(isa(), "avx512") == 0 ? fma512(iterations) : strcmp(isa(), "avx2") == 0 ? fma256(iterations) : 0;
}
#else
static const char *isa(void) { return "none"; }
static double flops(long iterations) { (void)iterations; return 0; }
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double cpuNow(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static long iterations = 20000000;
struct result { double flops, cpu; };
static void *worker(void *out) {
    struct result *r = out;
    double start = cpuNow();
    r->flops = flops(iterations);
    r->cpu = cpuNow() - start;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "openblas") == 0) {
        printf("%s; core %s\n", openblas_get_config(), openblas_get_corename());
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "fma") == 0) {
        int threads = atoi(argv[2]);
        if (threads < 1 || threads > 256) return 2;
        pthread_t ids[256];
        struct result done[256];
        double best = 0, bestPerCPU = 0;
        for (int run = 0; run < 5; run++) {
            double start = now(), total = 0, cpu = 0;
            for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, &done[t]);
            for (int t = 0; t < threads; t++) { pthread_join(ids[t], NULL); total += done[t].flops; cpu += done[t].cpu; }
            double rate = total / (now() - start) / 1e9, perCPU = total / cpu / 1e9;
            if (rate > best) best = rate;
            if (perCPU > bestPerCPU) bestPerCPU = perCPU;
        }
        // Wall-clock rate (the peak when the machine is quiet), then the rate per CPU-second of the threads (what
        // one core gives while it runs, whatever else shares the machine), and the instructions used.
        printf("%.1f %.1f %s\n", best, bestPerCPU, isa());
        return 0;
    }
    fprintf(stderr, "usage: machine openblas | machine fma THREADS\n");
    return 2;
}
