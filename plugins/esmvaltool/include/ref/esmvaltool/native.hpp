// The native (C++) backend of the climate-sensitivity diagnostics: the same bundles, series and
// files as the ESMValTool run, computed with ref_science (spec §3).
#pragma once

#include "ref/esmvaltool/declarations.hpp"
#include "ref/plugin.hpp"

#include <string>
#include <vector>

namespace ref::esmvaltool::native {

// Whether the diagnostic has a native implementation.
bool available(const std::string& slug);

// Computes the diagnostic and writes diagnostic.json, output.json, series.json and the listed
// files into the output directory. Throws plugin::DiagnosticError for unusable input.
plugin::ExecutionResult run(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                            const plugin::Host& host);

// The calendar years a child run and its parent are compared over (spec §3.1).
struct YearWindows {
    int child_first = 0;
    int child_years = 0;
    int parent_first = 0;
    int parent_years = 0;
};

// Child/parent alignment on the rows of one variable; values missing from a row (time_units,
// calendar, branch times, start_time) are read from its netCDF file.
YearWindows child_parent_windows(const std::vector<plugin::json>& rows, const std::string& parent_experiment,
                                 int child_duration, int parent_offset, int parent_duration);

// A row with the alignment columns filled in from the file's global attributes and time axis
// where the catalog lacks them.
plugin::json complete_row(const plugin::json& row);

}  // namespace ref::esmvaltool::native
