// Pieces both example diagnostics use.
#pragma once

#include "ref/plugin.hpp"
#include "ref/science/annual_series.hpp"

#include <string>
#include <vector>

namespace ref::example {

// CMIP7 when the execution has it, else CMIP6 (as the REF's example does).
std::string model_source_type(const plugin::ExecutionDefinition& definition);

// The instance ids of a collection, once each, in row order (for provenance).
std::vector<std::string> instance_ids(const plugin::DatasetCollection& collection);

// Ordinary least-squares slope of values against years (per year); NaN with fewer than 2 points.
double trend_per_year(const std::vector<int>& years, const std::vector<double>& values);

std::vector<double> as_doubles(const std::vector<int>& values);

// "1850-2014" for the series' years.
std::string period_text(const std::vector<int>& years);

}  // namespace ref::example
