/* barewire: everything at once. Include the module headers directly to take less. */
#ifndef BAREWIRE_H
#define BAREWIRE_H

#include "error.h"
#include "limits.h"
#include "schema.h"
#include "codec.h"
#include "memory.h"
#include "mapped.h"
#include "import.h" /* declarations only; bw_import* live in libbarewire-import */

#define BW_VERSION_STRING "0.1.0"

#endif
