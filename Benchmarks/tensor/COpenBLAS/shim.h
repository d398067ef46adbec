// OpenBLAS's CBLAS interface, for the bare cblas_sgemm that bench-tensor compares Tensor.mm with.
#include <cblas.h>
