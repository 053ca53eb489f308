#include "results/vocabulary.hpp"

#include <algorithm>

namespace ref::results {

Vocabulary::Vocabulary(std::vector<VocabularyDimension> dimensions) : dimensions_(std::move(dimensions)) {}

const Vocabulary& Vocabulary::bundled() {
    // Compiled in rather than read from YAML so the engine has no data file to lose. Texts are
    // upstream's cv_cmip7_aft.yaml; `level` is listed by cmec.md §4.4 without a description.
    // Value long names and units are not needed here.
    static const Vocabulary cv(std::vector<VocabularyDimension>{
        {"kind", "Kind", "Role of the value: a model value or a reference (observation) value", false, false,
         {"model", "reference"}},
        {"mip_id", "MIP ID", "MIP ID (e.g., CMIP6)", true, false, {}},
        {"source_id", "Source ID", "Source ID (e.g., GFDL-CM4)", true, false, {}},
        {"reference_source_id", "Reference Source ID", "Source ID of the reference dataset(e.g., HadISST)", true,
         false, {}},
        {"experiment_id", "Experiment ID", "Experiment ID (e.g., historical, ssp585)", true, false, {}},
        {"variable_id", "Variable", "Variable ID (e.g., tas, pr, etc.)", true, false, {}},
        {"reference_variable_id", "Reference Variable", "Variable ID for the reference dataset (e.g., tas, pr, etc.)",
         true, false, {}},
        {"grid_label", "Grid Label", "The grid label of the output (e.g gn)", true, false, {}},
        {"member_id", "Member ID",
         "Unique identifier for each ensemble member, includes the variant label and sub-experiment if present", true,
         false, {}},
        {"variant_label", "Variant Label",
         "Ensemble member (construct from realization, initialization, physics, and forcing indices)", true, false,
         {}},
        {"table_id", "Table ID", "Table ID for the dataset", true, false, {}},
        {"global_warming_level", "Global Warming Level", "Global warming level (e.g., 1.5C, 2C, etc.)", true, false,
         {}},
        {"level", "Level", "", true, false, {}},
        {"metric", "Metric", "", true, true, {}},
        {"region", "Region", "Part of the world from which the metric values are calculated. ", true, true,
         {"global", "NHEX", "SHEX", "Tropics"}},
        {"season", "Season", "Parts of the year from which the metric values are calculated", true, true,
         {"ann", "djf", "mam", "jja", "son"}},
        {"mode", "Mode of variability", "Different modes of variability that can be calculated", false, false,
         {"NAM", "NAO", "PNA", "SAM", "PDO", "NPO", "NPGO"}},
        {"method", "EOF Method", "Method for calculating the EOFs in PMP's mode of variability diagnostic", false,
         false, {"cbf", "eof1", "eof2"}},
        {"statistic", "Statistic", "", true, true, {"rmse", "overall score", "bias"}},
    });
    return cv;
}

const VocabularyDimension* Vocabulary::find(std::string_view name) const {
    for (const auto& d : dimensions_)
        if (d.name == name) return &d;
    return nullptr;
}

std::optional<std::string> Vocabulary::check(const std::map<std::string, std::string>& dimensions) const {
    for (const auto& [name, value] : dimensions) {
        const VocabularyDimension* d = find(name);
        if (!d) return "unknown dimension '" + name + "' (not in the controlled vocabulary)";
        if (d->allow_extra_values || std::find(d->values.begin(), d->values.end(), value) != d->values.end())
            continue;
        std::string listed;
        for (const auto& v : d->values) listed += (listed.empty() ? "" : ", ") + v;
        return "value '" + value + "' of dimension '" + name + "' is not one of " + listed;
    }
    return std::nullopt;
}

}  // namespace ref::results
