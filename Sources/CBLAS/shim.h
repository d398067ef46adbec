// OpenBLAS's CBLAS interface (sgemm for matmul and convolution).
#include <cblas.h>
