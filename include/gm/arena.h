/* Transitional: the arena is gone (docs/design/architecture.md, Memory); use gm/alloc.h. */
#include "gm/alloc.h"
