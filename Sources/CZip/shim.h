// libzip for Swift: used to inflate DEFLATE members (np.savez_compressed); STORED members are read by offset.
#include <zip.h>
