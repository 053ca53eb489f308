/* Claims plugin ABI major version 2, which this engine does not know. */
#include "ref/plugin.h"

#include <stddef.h>

static ref_provider_api api;

REF_PLUGIN_EXPORT const ref_provider_api *ref_plugin_get_api(uint32_t engine_abi_version) {
    (void)engine_abi_version;
    api.struct_size = sizeof api;
    api.abi_version = REF_ABI_MAKE_VERSION(2, 0);
    return &api;
}
