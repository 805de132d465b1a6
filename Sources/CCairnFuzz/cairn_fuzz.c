// Declarations only (cairn_fuzz.h); SwiftPM wants a source file in every C target.
#include "cairn_fuzz.h"
