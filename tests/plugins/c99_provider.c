/*
 * A provider written in plain C99 against ref/plugin.h alone: no C++, no JSON
 * library. Its one diagnostic, "count-files", reports how many files the
 * execution was given. It proves the ABI is usable from C.
 */
#include "ref/plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *copy(const char *text) {
    size_t n = strlen(text) + 1;
    char *out = (char *)malloc(n);
    if (out) memcpy(out, text, n);
    return out;
}

static void free_string(char *s) { free(s); }

static const char *const declaration =
    "{\"schema_version\": 1,"
    " \"provider\": {\"slug\": \"c99-demo\", \"name\": \"C99 demo\", \"version\": \"1.0.0\"},"
    " \"diagnostics\": [{\"slug\": \"count-files\", \"name\": \"Count files\", \"version\": 1,"
    "   \"facets\": [\"source_id\", \"metric\"],"
    "   \"data_requirements\": [{\"source_type\": \"cmip6\", \"filters\": [{\"facets\": {\"variable_id\": [\"tas\"]}}],"
    "                            \"group_by\": [\"source_id\"], \"constraints\": []}]}]}";

static ref_status declare(char **declaration_json, char **error_message) {
    (void)error_message;
    *declaration_json = copy(declaration);
    return REF_STATUS_OK;
}

/* Copies the string value of "key" out of flat JSON text (no escapes expected here). */
static int json_string_value(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    const char *start, *end;
    sprintf(pattern, "\"%s\"", key);
    start = strstr(json, pattern);
    if (!start) return 0;
    start = strchr(start + strlen(pattern), '"');
    if (!start) return 0;
    ++start;
    end = strchr(start, '"');
    if (!end || (size_t)(end - start) >= size) return 0;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 1;
}

static ref_status execute(const ref_host_api *host, const char *diagnostic_slug, const char *definition_json,
                          char **result_json, char **error_message) {
    char directory[4096], path[4200];
    const char *cursor = definition_json;
    long files = 0;
    FILE *out;

    if (strcmp(diagnostic_slug, "count-files") != 0) {
        *error_message = copy("unknown diagnostic");
        return REF_STATUS_UNKNOWN_DIAGNOSTIC;
    }
    if (!json_string_value(definition_json, "output_directory", directory, sizeof directory)) {
        *error_message = copy("definition has no output_directory");
        return REF_STATUS_INVALID_ARGUMENT;
    }
    while ((cursor = strstr(cursor, "\"path\"")) != NULL) {
        ++files;
        cursor += 6;
    }
    if (host && host->log) host->log(host->context, REF_LOG_INFO, "counting files in plain C");

    sprintf(path, "%s/diagnostic.json", directory);
    out = fopen(path, "w");
    if (!out) {
        *error_message = copy("cannot write diagnostic.json");
        return REF_STATUS_SYSTEM_ERROR;
    }
    fprintf(out,
            "{\"DIMENSIONS\": {\"json_structure\": [\"region\", \"metric\"], \"region\": {\"global\": {}},"
            " \"metric\": {\"file_count\": {}}}, \"RESULTS\": {\"global\": {\"file_count\": %ld}}}\n",
            files);
    fclose(out);
    *result_json = copy("{\"schema_version\": 1, \"successful\": true, \"metric_bundle\": \"diagnostic.json\","
                        " \"output_bundle\": null, \"series\": null}");
    return REF_STATUS_OK;
}

static const ref_provider_api api = {
    sizeof(ref_provider_api), REF_ABI_VERSION, free_string, declare, execute, NULL /* no setup step */
};

REF_PLUGIN_EXPORT const ref_provider_api *ref_plugin_get_api(uint32_t engine_abi_version) {
    (void)engine_abi_version;
    return &api;
}
