/* A shared object without the entry symbol. */
#include "ref/plugin.h"

REF_PLUGIN_EXPORT int some_other_symbol(void) { return 42; }
