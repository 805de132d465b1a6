// Debian's libxxhash (libxxhash-dev): XXH64 and XXH3 (64- and 128-bit), streaming state APIs.
#include <xxhash.h>
