#include "ref/science/netcdf_output.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <netcdf.h>

#include "netcdf_lock.hpp"
#include "ref/science/atomic_file.hpp"
#include "ref/science/cf_time.hpp"

namespace ref::science {
namespace {

// Closes the file on every exit path; check() turns a netCDF status into an exception.
class Writer {
public:
    Writer(std::string path, const std::string& temporary) : path_(std::move(path)) {
        check(nc_create(temporary.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid_), "cannot create file");
    }
    ~Writer() {
        if (ncid_ >= 0) nc_close(ncid_);
    }
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    int id() const { return ncid_; }
    void check(int status, const std::string& what) const {
        if (status != NC_NOERR) throw std::runtime_error(path_ + ": " + what + ": " + nc_strerror(status));
    }
    void text(int varid, const char* name, const std::string& value) const {
        check(nc_put_att_text(ncid_, varid, name, value.size(), value.c_str()), std::string("attribute '") + name + "'");
    }
    void close() {
        const int id = ncid_;
        ncid_ = -1;
        check(nc_close(id), "closing file");
    }

private:
    std::string path_;
    int ncid_ = -1;
};

}  // namespace

void write_annual_series_netcdf(const std::string& path, const AnnualSeries& series, const std::string& variable_name) {
    if (series.years.empty() || series.years.size() != series.values.size()) {
        throw std::runtime_error(path + ": cannot write an annual series with " + std::to_string(series.years.size()) +
                                 " years and " + std::to_string(series.values.size()) + " values");
    }
    const std::string calendar = series.calendar.empty() ? std::string("standard") : series.calendar;
    char units[64];
    std::snprintf(units, sizeof units, "days since %04d-01-01", series.years.front());
    const CfTime time_axis(units, calendar);
    std::vector<double> time;
    for (const int year : series.years) time.push_back(time_axis.encode(DateTime{year, 1, 1, 0, 0, 0}));

    write_atomically(path, [&](const std::filesystem::path& temporary) {
        detail::NetcdfLock lock(detail::netcdf_mutex());
        Writer out(path, temporary.string());
        int time_dim = -1;
        int time_var = -1;
        int data_var = -1;
        out.check(nc_def_dim(out.id(), "time", time.size(), &time_dim), "dimension 'time'");
        out.check(nc_def_var(out.id(), "time", NC_DOUBLE, 1, &time_dim, &time_var), "variable 'time'");
        out.text(time_var, "units", units);
        out.text(time_var, "calendar", calendar);
        out.text(time_var, "standard_name", "time");
        out.text(time_var, "long_name", "time");
        out.text(time_var, "axis", "T");
        out.check(nc_def_var(out.id(), variable_name.c_str(), NC_DOUBLE, 1, &time_dim, &data_var),
                  "variable '" + variable_name + "'");
        const double fill = std::numeric_limits<double>::quiet_NaN();
        out.check(nc_def_var_fill(out.id(), data_var, 0, &fill), "variable '" + variable_name + "': _FillValue");
        out.text(data_var, "units", series.units);
        out.text(data_var, "long_name", series.long_name.empty() ? variable_name : series.long_name);
        if (!series.standard_name.empty()) out.text(data_var, "standard_name", series.standard_name);
        out.text(NC_GLOBAL, "Conventions", "CF-1.7");
        out.check(nc_enddef(out.id()), "leaving define mode");
        out.check(nc_put_var_double(out.id(), time_var, time.data()), "variable 'time'");
        out.check(nc_put_var_double(out.id(), data_var, series.values.data()), "variable '" + variable_name + "'");
        out.close();
    });
}

}  // namespace ref::science
