/*
 * ref/plugin.h: the stable C ABI between ref-engine and its provider plugins.
 *
 * Pure C99. Nothing here needs a C++ compiler, and nothing but the types below
 * crosses the boundary: fixed-width integers, NUL-terminated UTF-8 strings and
 * function pointers. Declarations, execution definitions and results are JSON
 * text whose schemas are documented in docs/plugin-abi.md.
 *
 * Versioning (see docs/plugin-abi.md for the full policy):
 *   - An ABI version is (major << 16) | minor.
 *   - Function tables are append-only. A minor version only appends slots at
 *     the end of a table; a major version may change anything.
 *   - Every table starts with its size in bytes and the ABI version it was
 *     built against, so either side can tell which slots the other has.
 *   - The engine loads plugins of its own major version, whatever their minor.
 *
 * Memory: a string the plugin returns through an out-parameter belongs to the
 * plugin and is released with the plugin's own free_string(). Strings the
 * engine passes in are borrowed for the duration of the call.
 */
#ifndef REF_PLUGIN_H
#define REF_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define REF_ABI_MAJOR 1
#define REF_ABI_MINOR 1
#define REF_ABI_MAKE_VERSION(major, minor) ((((uint32_t)(major)) << 16) | ((uint32_t)(minor)))
#define REF_ABI_VERSION_MAJOR(version) ((uint32_t)(version) >> 16)
#define REF_ABI_VERSION_MINOR(version) ((uint32_t)(version) & 0xFFFFu)
#define REF_ABI_VERSION REF_ABI_MAKE_VERSION(REF_ABI_MAJOR, REF_ABI_MINOR)

/*
 * A plugin that must also load in an older engine defines REF_ABI_TARGET_MINOR
 * to that engine's minor version before including this header: its tables then
 * hold only the slots that engine knows, and say so in their header fields.
 */
#ifndef REF_ABI_TARGET_MINOR
#define REF_ABI_TARGET_MINOR REF_ABI_MINOR
#endif
#define REF_ABI_TARGET_VERSION REF_ABI_MAKE_VERSION(REF_ABI_MAJOR, REF_ABI_TARGET_MINOR)

/* JSON payload schema versions (the "schema_version" member of each document). */
#define REF_DECLARATION_SCHEMA_VERSION 1
#define REF_DEFINITION_SCHEMA_VERSION 1
#define REF_RESULT_SCHEMA_VERSION 1

/* The one exported symbol a plugin must define (see ref_plugin_get_api_fn). */
#define REF_PLUGIN_ENTRY_SYMBOL "ref_plugin_get_api"

#if defined(_WIN32)
#define REF_PLUGIN_EXPORT __declspec(dllexport)
#else
#define REF_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Status codes. Anything but REF_STATUS_OK comes with a message. */
typedef int32_t ref_status;
#define REF_STATUS_OK 0
/* The engine passed something the plugin cannot use (bad JSON, wrong schema). */
#define REF_STATUS_INVALID_ARGUMENT 1
/* The named diagnostic is not one this plugin declares. */
#define REF_STATUS_UNKNOWN_DIAGNOSTIC 2
/* The diagnostic ran and failed (bad data, tool error): not retried automatically. */
#define REF_STATUS_DIAGNOSTIC_FAILED 3
/* The run stopped because the engine asked it to (host is_cancelled). */
#define REF_STATUS_CANCELLED 4
/* Out of memory, I/O or other operating-system trouble: worth retrying later. */
#define REF_STATUS_SYSTEM_ERROR 5
/* The slot exists but this plugin does not implement the operation. */
#define REF_STATUS_NOT_SUPPORTED 6
/* A bug in the plugin (an invariant broke). */
#define REF_STATUS_INTERNAL_ERROR 7

/* Log levels, numerically compatible with Python's logging levels. */
#define REF_LOG_DEBUG 10
#define REF_LOG_INFO 20
#define REF_LOG_WARNING 30
#define REF_LOG_ERROR 40

/*
 * Services the engine offers a running plugin. Passed to every call that may
 * take long. A plugin must check struct_size before using a slot added after
 * version 1.0 (offsetof(slot) + sizeof(slot) <= struct_size).
 */
typedef struct ref_host_api {
    uint32_t struct_size; /* sizeof(ref_host_api) as the engine built it */
    uint32_t abi_version; /* REF_ABI_VERSION of the engine */
    void *context;        /* opaque; pass back unchanged to every slot */

    /* Version 1.0 */
    void (*log)(void *context, int32_t level, const char *message);
    /* fraction in [0, 1], or a negative number when unknown; message may be NULL. */
    void (*progress)(void *context, double fraction, const char *message);
    /* Non-zero once the engine wants the run to stop (time limit, shutdown). */
    int32_t (*is_cancelled)(void *context);
} ref_host_api;

/*
 * What a plugin offers. The plugin owns the table (usually a static constant);
 * it must stay valid while the library is loaded.
 */
typedef struct ref_provider_api {
    uint32_t struct_size; /* sizeof(ref_provider_api) as the plugin built it */
    uint32_t abi_version; /* REF_ABI_TARGET_VERSION of the plugin */

    /* Version 1.0 */

    /* Releases a string this plugin returned. Accepts NULL. */
    void (*free_string)(char *string);

    /*
     * The provider's declaration: identity, diagnostics, facets and data
     * requirements (schema "declaration", version 1). Must not depend on the
     * data: the engine may call it often and in any process.
     * On success *declaration_json is set; on failure *error_message is set.
     */
    ref_status (*declare)(char **declaration_json, char **error_message);

    /*
     * Runs one execution of diagnostic_slug (schema "definition", version 1).
     * Writes its outputs under the definition's output_directory and returns a
     * result document (schema "result", version 1) in *result_json. On failure
     * returns a non-OK status and *error_message; *result_json stays NULL.
     */
    ref_status (*execute)(const ref_host_api *host, const char *diagnostic_slug,
                          const char *definition_json, char **result_json,
                          char **error_message);

#if REF_ABI_TARGET_MINOR >= 1
    /* Version 1.1 (may be NULL) */

    /*
     * Prepares what the provider needs before it can execute: software
     * environments, reference data. Idempotent. config_json is an object of
     * operator settings for this provider (may be "{}"). On success
     * *report_json may be set to a JSON object describing what was done.
     */
    ref_status (*setup)(const ref_host_api *host, const char *config_json, char **report_json,
                        char **error_message);
#endif
} ref_provider_api;

/*
 * The entry point, exported under REF_PLUGIN_ENTRY_SYMBOL. The engine passes
 * the ABI version it was built with; the plugin returns its table (whose
 * abi_version may differ: the engine decides whether it can use it), or NULL
 * if it refuses to run under that engine.
 */
typedef const ref_provider_api *(*ref_plugin_get_api_fn)(uint32_t engine_abi_version);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* REF_PLUGIN_H */
