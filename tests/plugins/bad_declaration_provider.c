/*
 * Returns a broken declaration. Built twice: BAD_JSON gives text that is not
 * JSON; otherwise valid JSON that uses an unknown constraint type.
 */
#include "ref/plugin.h"

#include <stdlib.h>
#include <string.h>

#ifdef BAD_JSON
static const char *const text = "{\"schema_version\": 1, \"provider\": {\"slug\": \"broken\"";
#else
static const char *const text =
    "{\"schema_version\": 1, \"provider\": {\"slug\": \"odd\", \"name\": \"Odd\", \"version\": \"1\"},"
    " \"diagnostics\": [{\"slug\": \"d\", \"name\": \"D\", \"data_requirements\": [[{\"source_type\": \"cmip6\","
    " \"constraints\": [{\"type\": \"teleport_datasets\"}]}]]}]}";
#endif

static void free_string(char *s) { free(s); }

static ref_status declare(char **declaration_json, char **error_message) {
    size_t n = strlen(text) + 1;
    (void)error_message;
    *declaration_json = (char *)malloc(n);
    memcpy(*declaration_json, text, n);
    return REF_STATUS_OK;
}

static ref_status execute(const ref_host_api *host, const char *slug, const char *definition, char **result,
                          char **error_message) {
    (void)host, (void)slug, (void)definition, (void)result, (void)error_message;
    return REF_STATUS_INTERNAL_ERROR;
}

static const ref_provider_api api = {sizeof(ref_provider_api), REF_ABI_VERSION, free_string, declare, execute, NULL};

REF_PLUGIN_EXPORT const ref_provider_api *ref_plugin_get_api(uint32_t engine_abi_version) {
    (void)engine_abi_version;
    return &api;
}
