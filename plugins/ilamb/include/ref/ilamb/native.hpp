// The native backend of the gridded ILAMB benchmarks: ilamb3's Bias, RMSE, Annual Cycle and
// Spatial Distribution analyses (spec sections 4 and 5) computed in C++, writing the files
// ilamb3 writes (OUT/<source>.csv, OUT/Reference.nc, OUT/<source>.nc, line plots) so the
// same conversion turns either backend's outputs into bundles.
#pragma once

#include "ref/ilamb/ilamb.hpp"
#include "ref/science/cf_time.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ref::ilamb::native {

// One variable on a regular latitude-longitude grid, with or without a time axis.
struct GridField {
    std::string variable;
    std::string units;
    std::string source;  // file(s), for messages
    std::vector<double> lat, lon;              // cell centres (degrees)
    std::vector<double> lat_bounds, lon_bounds;  // [cell][2], lower then upper (degrees)
    bool temporal = false;
    std::string time_units;  // "days since ..." etc.; empty when not temporal
    std::string calendar;
    std::vector<double> time;         // in time_units
    std::vector<double> time_bounds;  // [step][2] in time_units
    std::vector<science::DateTime> dates;
    std::vector<double> data;           // [step][lat][lon], NaN where missing
    std::vector<double> cell_measures;  // [lat][lon] m2 (area x land/sea fraction); empty: spherical areas
    // Curvilinear model grids (j, i): 2-D centre coordinates per cell; lat/lon stay empty
    // until make_comparable samples the field onto the reference grid.
    std::vector<double> lat2d, lon2d;

    bool curvilinear() const { return !lat2d.empty(); }
    std::size_t cells() const { return curvilinear() ? lat2d.size() : lat.size() * lon.size(); }
    std::size_t steps() const { return temporal ? time.size() : 1; }
    // Length of every time step in days (from the bounds).
    std::vector<double> step_days() const;
    double mean_step_days() const;
};

// Reads `variable` from `files` (merged on one time axis when it has one). Regular grids
// have 1-D lat/lon; (j, i) grids need 2-D latitude/longitude coordinates. A depth axis
// (a third spatial dimension) is reduced to the level nearest 0 when select_surface is set
// (ilamb3's select_depth(value=0)), else it is an error. Throws DiagnosticError naming the
// file when the grid is not a regular lat-lon grid or the variable is missing.
GridField load_grid_field(const std::vector<std::string>& files, const std::string& variable, bool select_surface);

// Longitudes into [0, 360) or [-180, 180) and both axes sorted ascending (data reordered).
void normalise_grid(GridField& field, bool negative_longitudes);

// soil_moisture_to_vol_fraction: a mass per area (kg m-2) becomes a volume fraction of a
// 0.1 m layer via the water density; dimensionless fields are kept.
void soil_moisture_to_volume_fraction(GridField& field);

// make_comparable (spec 5.1): time scales reconciled, both trimmed to the (year, month)
// overlap, a curvilinear model sampled onto the reference grid (nearest cell centre in
// lat/lon degrees, longitudes in [-180, 180), as ilamb3 does), the model's longitudes in the reference's convention, both grids sorted and the
// model converted to the reference units (water density rule included).
void make_comparable(GridField& reference, GridField& model);

// The nested grid of two grids: the union of both grids' edges, each field sampled at the
// nested centres by the nearest of its own centres.
struct NestedGrid {
    std::vector<double> lat, lon, lat_edges, lon_edges;
    std::vector<std::size_t> reference_cell, model_cell;  // per nested cell
    std::vector<double> areas;                            // m2, from the nested edges
    std::size_t cells() const { return lat.size() * lon.size(); }
};
NestedGrid nest_grids(const GridField& reference, const GridField& model);

// A region as a 0/1 mask on its own grid; label "None" (no mask) covers everything.
struct Region {
    std::string label = "None";
    std::string name = "None";
    std::vector<double> lat, lon;
    std::vector<unsigned char> inside;  // [lat][lon]
    bool whole_domain() const { return inside.empty(); }
    // Which of the given cell centres lie in the region (nearest mask cell).
    std::vector<unsigned char> cells(const std::vector<double>& lat_centres, const std::vector<double>& lon_centres) const;
};
// Reads region `label` from an ILAMB region file (an integer `ids` array whose `labels` and
// `names` attributes name string variables). Throws DiagnosticError naming the file.
Region read_region(const std::filesystem::path& file, const std::string& label);

// One comparison's outputs: the scalar rows (ilamb3's CSV rows) and the series of the
// reference and the model (trace_<region> over time, cycle_<region> over month).
struct Series {
    std::string name;  // e.g. trace_global
    std::vector<double> values;
};
// A map figure, already masked to its region: <source>_<region>_<plot>.png.
struct MapFigure {
    std::string source;  // "Reference" or the model's name
    std::string region;
    std::string plot;    // mean, bias, biasscore, rmse, rmsescore, shift, tmax, cyclescore
    std::string units;
    bool diverging = false;
    std::vector<double> lat, lon, values;  // [lat][lon], NaN outside the region
};
struct Outputs {
    std::vector<ScalarRow> scalars;
    std::vector<MapFigure> maps;
    std::vector<Series> reference_traces, model_traces;  // on the reference's / model's time axis
    std::vector<Series> reference_cycles, model_cycles;  // 12 months
    GridField reference_axis, model_axis;                // time axes (no data) for the files
    std::string units;
};

// Runs Bias, RMSE, Annual Cycle and Spatial Distribution (each only where appropriate) over
// the regions, as ilamb3 2026.6.15 does; the model is named `source` in the rows.
Outputs run_analyses(GridField reference, GridField model, const std::vector<Region>& regions,
                     const std::string& source);

// Mean of the score rows per region (ilamb3's Overall Score, which it does not write to the CSV).
std::vector<std::pair<std::string, double>> overall_scores(const std::vector<ScalarRow>& scalars,
                                                           const std::string& source);

// Writes OUT/<source>.csv, OUT/Reference.nc, OUT/<source>.nc, the trace/cycle plots and the maps.
void write_outputs(const std::filesystem::path& output_directory, const Outputs& outputs, const std::string& source);

// Whether a configure entry's analyses are all implemented natively: gridded reference,
// default analyses, no relationships, only the select_depth/soil moisture transforms.
bool has_native_backend(const ConfigureEntry& entry);

// The whole native execution: loads reference and model from the definition, regions from
// the registry (region None with a warning when absent), writes the ilamb3-style outputs and
// converts them into the bundles. Returns the result with details {"backend": "native", ...}.
plugin::ExecutionResult execute(const ConfigureEntry& entry, const plugin::ExecutionDefinition& definition,
                                const plugin::Host& host, const std::string& provider_version);

}  // namespace ref::ilamb::native
