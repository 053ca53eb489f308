// Files that sit in valid DRS paths but that the ingest must reject or drop.

#include <fstream>
#include <stdexcept>

#include "ref/datagen/writers.hpp"
#include "ref/science/atomic_file.hpp"
#include "writer_common.hpp"

namespace ref::datagen {
namespace {

FieldSpec bad_tas() {
    FieldSpec f;
    f.variable_id = "tas";
    f.units = "K";
    f.standard_name = "air_temperature";
    f.long_name = "Near-Surface Air Temperature";
    f.base = 287.0;
    f.amplitude = 2.0;
    f.trend_origin_year = 2000;
    f.sin_lat_coefficient = 4.0;
    f.cos_lon_coefficient = 1.5;
    return f;
}

FieldSpec bad_ts() {
    FieldSpec f = bad_tas();
    f.variable_id = "ts";
    f.standard_name = "surface_temperature";
    f.long_name = "Surface Temperature";
    f.cell_methods = "time: mean";
    return f;
}

Cmip6Dataset cmip6_member(const std::string& member) {
    Cmip6Dataset d;
    d.member_id = member;
    return d;
}

}  // namespace

std::vector<BadFile> write_bad_files(const std::filesystem::path& root_in) {
    const auto root = std::filesystem::absolute(root_in).lexically_normal();
    const Grid grid{18, 36, false};
    const TimeSpan year{2000, 2000, "noleap", "days since 1850-01-01"};
    std::vector<BadFile> out;

    {
        const auto path = write_cmip6_monthly(root, cmip6_member("r2i1p1f1"), bad_tas(), grid, year).path;
        std::filesystem::resize_file(path, std::filesystem::file_size(path) / 3);
        out.push_back({"cmip6-truncated", "CMIP6", path,
                       "netCDF file cut to a third of its size: the path parses, opening the file fails "
                       "(the complete parser must report it as an invalid file)"});
    }
    {
        // Written through a real file first so the path is exactly what the writer would use.
        const auto d = cmip6_member("r3i1p1f1");
        const std::string name = "tas_Amon_" + d.source_id + "_" + d.experiment_id + "_" + d.member_id + "_" +
                                 d.grid_label + "_200001-200012.nc";
        const auto path = cmip6_directory(root, d, "tas") / name;
        science::write_atomically(path, [&](const std::filesystem::path& temporary) {
            std::ofstream text(temporary);
            text << "This is not a netCDF file, only text with a .nc name.\n";
            if (!text) throw std::runtime_error("cannot write " + temporary.string());
        });
        out.push_back({"cmip6-not-netcdf", "CMIP6", path,
                       "a text file named .nc: the path parses, opening the file fails "
                       "(the complete parser must report it as an invalid file)"});
    }
    {
        const auto file = detail::write_cmip6_monthly(root, cmip6_member("r4i1p1f1"), bad_tas(), grid, year,
                                                      {{"variable_id", "source_id"}, {}});
        out.push_back({"cmip6-missing-attributes", "CMIP6", file.path,
                       "no variable_id and no source_id global attributes: the complete parser reads them as null, "
                       "so the file gets no instance id and is dropped with a warning naming the missing components"});
    }
    {
        Obs4MipsDataset d;
        d.source_id = "SYN-BAD-1-0";
        const auto file = detail::write_obs4mips_monthly(root, d, bad_ts(), grid,
                                                         {2000, 2000, "gregorian", "days since 1870-01-01 00:00:00"},
                                                         {{}, {{"activity_id", std::string("CMIP")}}});
        out.push_back({"obs4mips-wrong-activity", "obs4MIPs", file.path,
                       "activity_id is \"CMIP\", neither obs4MIPs nor obs4REF: the obs parser must report it as an "
                       "invalid file"});
    }
    {
        Cmip7Dataset d;
        d.variant_label = "r2i1p1f1";
        const auto file = detail::write_cmip7_monthly(root, d, bad_tas(), grid, year, {{"tracking_id"}, {}});
        out.push_back({"cmip7-missing-tracking-id", "CMIP7", file.path,
                       "no tracking_id global attribute, which CMIP7 requires: the path parses, the complete parser "
                       "must report it as an invalid file"});
    }
    return out;
}

}  // namespace ref::datagen
