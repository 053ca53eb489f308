#pragma once

// PNG maps of a field on a regular latitude-longitude grid, drawn with cairo.

#include <optional>
#include <string>
#include <vector>

namespace ref::science {

struct MapPlot {
    std::string title;
    std::string units;        // colour bar label
    std::vector<double> lat;  // cell centres, either order
    std::vector<double> lon;  // cell centres, ascending within one turn
    std::vector<double> values;  // [lat][lon]; NaN cells stay blank
    bool diverging = false;      // blue-white-red around 0 (anomalies, differences)
    std::optional<double> low, high;  // colour range; from the data when absent
};

// Writes a 900x520 PNG atomically: each cell filled (edges halfway between centres),
// a colour bar with ticks, the title and the units. Throws std::invalid_argument when the
// sizes disagree and std::runtime_error when the file cannot be written.
void write_map_plot(const std::string& path, const MapPlot& plot);

// Several maps stacked top to bottom in one PNG (e.g. model, reference, difference).
void write_map_panels(const std::string& path, const std::vector<MapPlot>& panels);

struct MapFigure {
    std::string path;
    std::vector<MapPlot> panels;
};

// Writes every figure as write_map_panels does, several at a time on the cores this process
// may use (drawing and PNG encoding dominate diagnostics with many maps). All figures are
// attempted; then the first failure, if any, is thrown.
void write_map_figures(const std::vector<MapFigure>& figures);

}  // namespace ref::science
