// HDF5 for Swift: the H5T_NATIVE_* and H5F_ACC_* macros expand to globals behind H5open(), which Swift cannot import.
#include <hdf5.h>
