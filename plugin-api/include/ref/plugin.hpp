// ref/plugin.hpp: a header-only C++ layer for provider authors, built on ref/plugin.h.
//
// Everything here is compiled into the provider's own shared object; only the C
// ABI of plugin.h crosses into the engine. A provider derives from Provider,
// adds Diagnostic subclasses, and writes REF_DEFINE_PROVIDER(MyProvider) once.
// Exceptions thrown by diagnostics are turned into status codes at the boundary.
#ifndef REF_PLUGIN_HPP
#define REF_PLUGIN_HPP

#include "ref/plugin.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace ref::plugin {

using json = nlohmann::json;

// An error with the status the engine should see.
class Error : public std::runtime_error {
public:
    Error(ref_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    ref_status status() const noexcept { return status_; }

private:
    ref_status status_;
};

// The diagnostic could not produce results from this data (not retried automatically).
struct DiagnosticError : Error {
    explicit DiagnosticError(const std::string& message) : Error(REF_STATUS_DIAGNOSTIC_FAILED, message) {}
};
// Trouble outside the diagnostic (disk full, tool missing): worth retrying later.
struct SystemError : Error {
    explicit SystemError(const std::string& message) : Error(REF_STATUS_SYSTEM_ERROR, message) {}
};
struct Cancelled : Error {
    Cancelled() : Error(REF_STATUS_CANCELLED, "cancelled by the engine") {}
};

// The engine's services during a call. Slots newer than the engine are skipped.
class Host {
public:
    explicit Host(const ref_host_api* api) : api_(api) {}

    void log(int32_t level, const std::string& message) const {
        if (has(offsetof(ref_host_api, log), sizeof(api_->log)) && api_->log) {
            api_->log(api_->context, level, message.c_str());
        }
    }
    void debug(const std::string& message) const { log(REF_LOG_DEBUG, message); }
    void info(const std::string& message) const { log(REF_LOG_INFO, message); }
    void warning(const std::string& message) const { log(REF_LOG_WARNING, message); }
    void error(const std::string& message) const { log(REF_LOG_ERROR, message); }

    void progress(double fraction, const std::string& message = {}) const {
        if (has(offsetof(ref_host_api, progress), sizeof(api_->progress)) && api_->progress) {
            api_->progress(api_->context, fraction, message.empty() ? nullptr : message.c_str());
        }
    }
    bool cancelled() const {
        return has(offsetof(ref_host_api, is_cancelled), sizeof(api_->is_cancelled)) && api_->is_cancelled &&
               api_->is_cancelled(api_->context) != 0;
    }
    void throw_if_cancelled() const {
        if (cancelled()) throw Cancelled();
    }

private:
    bool has(std::size_t offset, std::size_t size) const {
        return api_ != nullptr && offset + size <= api_->struct_size;
    }
    const ref_host_api* api_;
};

// ---- Declarations: the data-requirement vocabulary (docs/plugin-abi.md) ----

// facet -> allowed values; all facets must match (AND), any listed value of a facet (OR).
using FacetFilter = std::map<std::string, std::vector<std::string>>;

struct DataRequirement {
    std::string source_type;                            // cmip6, cmip7, obs4mips, obs4ref, pmp-climatology, esmvaltool-reference
    std::vector<FacetFilter> filters;                   // OR-ed; empty keeps everything
    std::optional<std::vector<std::string>> group_by;   // nullopt: one group of all rows
    std::vector<json> constraints;                      // built with the functions in `constraints`

    json to_json() const {
        json filters_json = json::array();
        for (const auto& filter : filters) filters_json.push_back({{"facets", filter}});
        return {{"source_type", source_type},
                {"filters", filters_json},
                {"group_by", group_by ? json(*group_by) : json(nullptr)},
                {"constraints", constraints}};
    }
};

// A partial date: only the fields that are set take part in comparisons.
struct PartialDateTime {
    std::optional<int> year{}, month{}, day{}, hour{}, minute{}, second{};
    json to_json() const {
        json out = json::object();
        auto put = [&](const char* name, const std::optional<int>& v) {
            if (v) out[name] = *v;
        };
        put("year", year), put("month", month), put("day", day);
        put("hour", hour), put("minute", minute), put("second", second);
        return out;
    }
};

namespace constraints {
using Names = std::vector<std::string>;

inline json require_facets(const std::string& dimension, const Names& required, const std::string& op = "all",
                           const Names& group_by = {}) {
    return {{"type", "require_facets"}, {"dimension", dimension}, {"required_facets", required},
            {"operator", op}, {"group_by", group_by}};
}
inline json ignore_facets(const FacetFilter& facets) { return {{"type", "ignore_facets"}, {"facets", facets}}; }
inline json add_supplementary_dataset(const FacetFilter& supplementary, const Names& matching,
                                      const Names& optional_matching) {
    return {{"type", "add_supplementary_dataset"}, {"supplementary_facets", supplementary},
            {"matching_facets", matching}, {"optional_matching_facets", optional_matching}};
}
// The standard cell-measure lookup of the REF for cmip6 and cmip7.
inline json add_supplementary_dataset_from_defaults(const std::string& variable, const std::string& source_type) {
    if (source_type == "cmip6") {
        return add_supplementary_dataset({{"variable_id", {variable}}}, {"source_id", "grid_label"},
                                         {"table_id", "experiment_id", "member_id", "version"});
    }
    if (source_type == "cmip7") {
        return add_supplementary_dataset({{"variable_id", {variable}}}, {"source_id", "grid_label"},
                                         {"experiment_id", "variant_label"});
    }
    throw std::invalid_argument("add_supplementary_dataset has no defaults for source type " + source_type);
}
inline json require_timerange(const Names& group_by, const std::optional<PartialDateTime>& start,
                              const std::optional<PartialDateTime>& end) {
    return {{"type", "require_timerange"}, {"group_by", group_by},
            {"start", start ? start->to_json() : json(nullptr)}, {"end", end ? end->to_json() : json(nullptr)}};
}
inline json require_contiguous_timerange(const Names& group_by) {
    return {{"type", "require_contiguous_timerange"}, {"group_by", group_by}};
}
inline json require_overlapping_timerange(const Names& group_by) {
    return {{"type", "require_overlapping_timerange"}, {"group_by", group_by}};
}
// parent facet -> the child facet that holds the parent's value.
inline json add_parent_dataset(const std::map<std::string, std::string>& parent_facet_map) {
    return {{"type", "add_parent_dataset"}, {"parent_facet_map", parent_facet_map}};
}
inline json add_parent_dataset_from_defaults(const std::string& source_type) {
    std::map<std::string, std::string> map{{"source_id", "parent_source_id"},
                                           {"experiment_id", "parent_experiment_id"},
                                           {"variant_label", "parent_variant_label"},
                                           {"variable_id", "variable_id"},
                                           {"grid_label", "grid_label"}};
    if (source_type == "cmip6") {
        map["table_id"] = "table_id";
    } else if (source_type != "cmip7") {
        throw std::invalid_argument("add_parent_dataset has no defaults for source type " + source_type);
    }
    return add_parent_dataset(map);
}
inline json select_first_member(const std::string& member_facet = "member_id",
                                const Names& group_by = {"source_id"}) {
    return {{"type", "select_first_member"}, {"member_facet", member_facet}, {"group_by", group_by}};
}
}  // namespace constraints

// ---- Execution definitions and results ----

// The datasets of one source type chosen for an execution: one row per file.
struct DatasetCollection {
    std::string slug_column = "instance_id";
    std::vector<std::pair<std::string, std::string>> selector;
    std::vector<json> rows;

    // The selector's value for a facet, or "" when the facet is not part of it.
    std::string selector_value(const std::string& facet) const {
        for (const auto& [name, value] : selector)
            if (name == facet) return value;
        return {};
    }
    // Paths of the rows whose `facet` equals `value` (all rows when facet is empty), in row order.
    std::vector<std::string> paths(const std::string& facet = {}, const std::string& value = {}) const {
        std::vector<std::string> out;
        for (const auto& row : rows) {
            if (!facet.empty() && (!row.contains(facet) || row[facet] != value)) continue;
            out.push_back(row.at("path").get<std::string>());
        }
        return out;
    }
};

struct ExecutionDefinition {
    std::string diagnostic;  // provider/diagnostic
    std::string key;
    std::string root_directory;
    std::string output_directory;
    std::map<std::string, DatasetCollection> datasets;  // by source type
    // The operator's settings for this provider on the host that runs the execution
    // ("software_root", "conda_prefix", "conda_exe" and the keys of [providers.<slug>]).
    json settings = json::object();
    json raw;

    static ExecutionDefinition from_json(const json& doc) {
        ExecutionDefinition def;
        def.raw = doc;
        const int schema = doc.at("schema_version").get<int>();
        if (schema != REF_DEFINITION_SCHEMA_VERSION) {
            throw Error(REF_STATUS_INVALID_ARGUMENT,
                        "unsupported execution definition schema_version " + std::to_string(schema));
        }
        def.diagnostic = doc.at("diagnostic").get<std::string>();
        def.key = doc.value("key", "");
        def.root_directory = doc.value("root_directory", "");
        def.output_directory = doc.at("output_directory").get<std::string>();
        if (auto it = doc.find("provider_settings"); it != doc.end() && !it->is_null()) {
            if (!it->is_object()) throw Error(REF_STATUS_INVALID_ARGUMENT, "'provider_settings' must be an object");
            def.settings = *it;
        }
        const json& datasets = doc.at("datasets");
        if (!datasets.is_object()) throw Error(REF_STATUS_INVALID_ARGUMENT, "'datasets' must be an object");
        for (const auto& [source_type, collection] : datasets.items()) {
            const std::string where = "datasets." + source_type;
            if (!collection.is_object()) throw Error(REF_STATUS_INVALID_ARGUMENT, where + " must be an object");
            DatasetCollection c;
            c.slug_column = collection.value("slug_column", "instance_id");
            const json selector = collection.value("selector", json::array());
            if (!selector.is_array()) throw Error(REF_STATUS_INVALID_ARGUMENT, where + ".selector must be a list of [facet, value] pairs");
            for (const auto& pair : selector) {
                if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
                    throw Error(REF_STATUS_INVALID_ARGUMENT, where + ".selector must be a list of [facet, value] pairs");
                c.selector.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
            }
            const json& rows = collection.at("rows");
            if (!rows.is_array()) throw Error(REF_STATUS_INVALID_ARGUMENT, where + ".rows must be a list");
            for (const auto& row : rows) {
                if (!row.is_object()) throw Error(REF_STATUS_INVALID_ARGUMENT, where + ".rows must hold objects");
                if (row.contains("path") && !row["path"].is_string())
                    throw Error(REF_STATUS_INVALID_ARGUMENT, where + ".rows: 'path' must be a string");
                c.rows.push_back(row);
            }
            def.datasets.emplace(source_type, std::move(c));
        }
        return def;
    }
    const DatasetCollection* find(const std::string& source_type) const {
        auto it = datasets.find(source_type);
        return it == datasets.end() ? nullptr : &it->second;
    }
    const DatasetCollection& at(const std::string& source_type) const {
        if (const auto* c = find(source_type)) return *c;
        throw DiagnosticError("the execution has no " + source_type + " datasets");
    }
};

// What a successful execution produced; file names are relative to the output directory.
struct ExecutionResult {
    std::string metric_bundle = "diagnostic.json";
    std::optional<std::string> output_bundle = "output.json";
    std::optional<std::string> series = "series.json";
    json details = json::object();  // free-form, e.g. {"backend": "native"}

    json to_json() const {
        return {{"schema_version", REF_RESULT_SCHEMA_VERSION},
                {"successful", true},
                {"metric_bundle", metric_bundle},
                {"output_bundle", output_bundle ? json(*output_bundle) : json(nullptr)},
                {"series", series ? json(*series) : json(nullptr)},
                {"details", details}};
    }
};

// ---- Providers and diagnostics ----

class Diagnostic {
public:
    Diagnostic(std::string slug, std::string name, int version = 1)
        : slug_(std::move(slug)), name_(std::move(name)), version_(version) {}
    virtual ~Diagnostic() = default;

    const std::string& slug() const { return slug_; }

    // Alternatives (OR) of requirement collections (AND within one collection).
    virtual std::vector<std::vector<DataRequirement>> data_requirements() const = 0;
    virtual std::vector<std::string> facets() const = 0;
    virtual ExecutionResult execute(const ExecutionDefinition& definition, const Host& host) = 0;
    // Anything else worth declaring (description, series, reference data...).
    virtual json extra_declaration() const { return json::object(); }

    json declaration() const {
        json alternatives = json::array();
        for (const auto& collection : data_requirements()) {
            json reqs = json::array();
            for (const auto& r : collection) reqs.push_back(r.to_json());
            alternatives.push_back(reqs);
        }
        json out = extra_declaration();
        out["slug"] = slug_;
        out["name"] = name_;
        out["version"] = version_;
        out["facets"] = facets();
        out["data_requirements"] = alternatives;
        return out;
    }

private:
    std::string slug_, name_;
    int version_;
};

class Provider {
public:
    Provider(std::string slug, std::string name, std::string version)
        : slug_(std::move(slug)), name_(std::move(name)), version_(std::move(version)) {}
    virtual ~Provider() = default;

    // Prepares environments or reference data; returns a report object. `settings` is the
    // same object an execution definition carries as its settings.
    virtual json setup(const json& /*settings*/, const Host& /*host*/) { return json::object(); }
    // Provider-level members of the declaration: "environment", "registries" (docs/plugin-abi.md).
    virtual json extra_declaration() const { return json::object(); }

    json declaration() const {
        json diagnostics = json::array();
        for (const auto& d : diagnostics_) diagnostics.push_back(d->declaration());
        json provider = extra_declaration();
        provider["slug"] = slug_;
        provider["name"] = name_;
        provider["version"] = version_;
        return {{"schema_version", REF_DECLARATION_SCHEMA_VERSION}, {"provider", provider}, {"diagnostics", diagnostics}};
    }
    const std::string& slug() const { return slug_; }
    Diagnostic* find(const std::string& slug) const {
        for (const auto& d : diagnostics_)
            if (d->slug() == slug) return d.get();
        return nullptr;
    }

protected:
    template <class D, class... Args>
    D& add(Args&&... args) {
        auto owned = std::make_unique<D>(std::forward<Args>(args)...);
        D& ref = *owned;
        diagnostics_.push_back(std::move(owned));
        return ref;
    }

private:
    std::string slug_, name_, version_;
    std::vector<std::unique_ptr<Diagnostic>> diagnostics_;
};

namespace detail {

inline char* copy_string(const std::string& text) {
    char* out = static_cast<char*>(std::malloc(text.size() + 1));
    if (out) std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
}

inline void set_error(char** error_message, const std::string& text) {
    if (error_message) *error_message = copy_string(text.empty() ? "unknown error" : text);
}

// The exception fence: nothing thrown inside `body` leaves as an exception.
template <class Body>
ref_status fence(char** error_message, Body&& body) noexcept {
    try {
        body();
        return REF_STATUS_OK;
    } catch (const Error& e) {
        set_error(error_message, e.what());
        return e.status();
    } catch (const std::bad_alloc&) {
        set_error(error_message, "out of memory");
        return REF_STATUS_SYSTEM_ERROR;
    } catch (const json::exception& e) {
        set_error(error_message, std::string("JSON error: ") + e.what());
        return REF_STATUS_INVALID_ARGUMENT;
    } catch (const std::system_error& e) {
        set_error(error_message, e.what());
        return REF_STATUS_SYSTEM_ERROR;
    } catch (const std::exception& e) {
        set_error(error_message, e.what());
        return REF_STATUS_DIAGNOSTIC_FAILED;
    } catch (...) {
        set_error(error_message, "unknown exception");
        return REF_STATUS_INTERNAL_ERROR;
    }
}

template <class P>
struct Bridge {
    static P& provider() {
        static P instance;  // built on first use, inside a fence
        return instance;
    }
    static void free_string(char* s) { std::free(s); }

    static ref_status declare(char** declaration_json, char** error_message) {
        return fence(error_message, [&] {
            if (!declaration_json) throw Error(REF_STATUS_INVALID_ARGUMENT, "declaration_json is NULL");
            *declaration_json = copy_string(provider().declaration().dump());
        });
    }

    static ref_status execute(const ref_host_api* host_api, const char* diagnostic_slug,
                              const char* definition_json, char** result_json, char** error_message) {
        return fence(error_message, [&] {
            if (!diagnostic_slug || !definition_json || !result_json)
                throw Error(REF_STATUS_INVALID_ARGUMENT, "execute called with a NULL argument");
            Diagnostic* diagnostic = provider().find(diagnostic_slug);
            if (!diagnostic)
                throw Error(REF_STATUS_UNKNOWN_DIAGNOSTIC, std::string("unknown diagnostic '") + diagnostic_slug + "'");
            json doc;
            try {
                doc = json::parse(definition_json);
            } catch (const json::exception& e) {
                throw Error(REF_STATUS_INVALID_ARGUMENT, std::string("execution definition is not JSON: ") + e.what());
            }
            ExecutionDefinition definition;
            try {
                definition = ExecutionDefinition::from_json(doc);
            } catch (const json::exception& e) {
                throw Error(REF_STATUS_INVALID_ARGUMENT, std::string("malformed execution definition: ") + e.what());
            }
            Host host(host_api);
            ExecutionResult result = diagnostic->execute(definition, host);
            *result_json = copy_string(result.to_json().dump());
        });
    }

#if REF_ABI_TARGET_MINOR >= 1
    static ref_status setup(const ref_host_api* host_api, const char* config_json, char** report_json,
                            char** error_message) {
        return fence(error_message, [&] {
            json config = (config_json && *config_json) ? json::parse(config_json) : json::object();
            Host host(host_api);
            json report = provider().setup(config, host);
            if (report_json) *report_json = copy_string(report.dump());
        });
    }
#endif

    static const ref_provider_api* table() {
        static const ref_provider_api api = {
            sizeof(ref_provider_api), REF_ABI_TARGET_VERSION, &free_string, &declare, &execute,
#if REF_ABI_TARGET_MINOR >= 1
            &setup,
#endif
        };
        return &api;
    }
};

}  // namespace detail
}  // namespace ref::plugin

// Defines the plugin's entry point for a default-constructible Provider subclass.
#define REF_DEFINE_PROVIDER(ProviderClass)                                                       \
    extern "C" REF_PLUGIN_EXPORT const ref_provider_api* ref_plugin_get_api(uint32_t engine_abi) { \
        (void)engine_abi;                                                                        \
        return ::ref::plugin::detail::Bridge<ProviderClass>::table();                            \
    }

#endif  // REF_PLUGIN_HPP
