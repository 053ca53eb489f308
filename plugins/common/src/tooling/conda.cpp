#include "ref/tooling/conda.hpp"

#include "ref/tooling/digest.hpp"

#include <cstdlib>
#include <fstream>
#include <system_error>

namespace ref::tooling {

namespace fs = std::filesystem;

namespace {

std::string setting(const plugin::json& settings, const char* key) {
    auto it = settings.find(key);
    if (it == settings.end() || it->is_null()) return {};
    if (!it->is_string()) throw plugin::SystemError(std::string("provider setting '") + key + "' must be a string");
    return it->get<std::string>();
}

bool is_micromamba(const fs::path& manager) { return manager.filename().string().find("micromamba") != std::string::npos; }

std::string install_hint(const std::string& provider, const fs::path& prefix) {
    return "neither micromamba nor conda was found: install micromamba (e.g. download "
           "https://github.com/mamba-org/micromamba-releases/releases/latest/download/micromamba-linux-64 "
           "to " + (prefix / "micromamba").string() + " and make it executable), put micromamba, mamba or conda "
           "on PATH, or set conda_exe under [providers." + provider + "] in ref.toml";
}

}  // namespace

std::string environment_hash(const CondaEnvironmentSpec& spec) {
    std::string bytes = spec.definition_text;
    for (const auto& package : spec.pip_packages) bytes += package;
    return digest_hex("sha1", bytes);
}

CondaEnvironment::CondaEnvironment(CondaEnvironmentSpec spec, const plugin::json& settings) : spec_(std::move(spec)) {
    const std::string prefix = setting(settings, "conda_prefix");
    const std::string software = setting(settings, "software_root");
    if (!prefix.empty()) prefix_ = prefix;
    else if (!software.empty()) prefix_ = fs::path(software) / "conda";
    else if (const char* env = std::getenv("REF_SOFTWARE_ROOT"); env && *env) prefix_ = fs::path(env) / "conda";
    else prefix_ = fs::path("software") / "conda";
    if (const std::string exe = setting(settings, "conda_exe"); !exe.empty()) configured_manager_ = fs::path(exe);
}

std::string CondaEnvironment::name() const { return spec_.provider + "-" + environment_hash(spec_); }

fs::path CondaEnvironment::path() const { return prefix_ / name(); }

bool CondaEnvironment::exists() const {
    std::error_code ec;
    return fs::is_directory(path() / "conda-meta", ec);
}

std::optional<fs::path> CondaEnvironment::find_manager() const {
    const char* path_env = std::getenv("PATH");
    const std::string path_list = path_env ? path_env : "";
    if (configured_manager_) return find_program(configured_manager_->string(), path_list);
    if (auto local = find_program((prefix_ / "micromamba").string(), path_list)) return local;
    for (const char* name : {"micromamba", "mamba", "conda"})
        if (auto found = find_program(name, path_list)) return found;
    return std::nullopt;
}

fs::path CondaEnvironment::manager() const {
    if (auto found = find_manager()) return *found;
    if (configured_manager_)
        throw plugin::SystemError("the configured conda_exe " + configured_manager_->string() + " is not an executable file");
    throw plugin::SystemError(install_hint(spec_.provider, prefix_));
}

plugin::json CondaEnvironment::create(const plugin::Host& host, const fs::path& log_file) const {
    const fs::path env = path();
    const fs::path manager_path = manager();
    plugin::json report = {{"environment", env.string()}, {"manager", manager_path.string()}, {"created", false}};
    if (exists()) {
        host.info(spec_.provider + ": conda environment " + env.string() + " already exists");
        return report;
    }
    std::error_code ec;
    fs::create_directories(prefix_, ec);
    if (ec) throw plugin::SystemError("cannot create " + prefix_.string() + ": " + ec.message());
    if (!log_file.empty()) fs::create_directories(log_file.parent_path(), ec);
    const fs::path definition = prefix_ / (name() + "." + spec_.definition_file_name);
    {
        std::ofstream out(definition, std::ios::binary | std::ios::trunc);
        out << spec_.definition_text;
        if (!out.flush()) throw plugin::SystemError("cannot write " + definition.string());
    }
    // A directory left by an interrupted creation is not an environment: start again.
    fs::remove_all(env, ec);

    Command create;
    create.log_file = log_file;
    if (!std::getenv("HOME")) create.environment["HOME"] = prefix_.string();
    if (is_micromamba(manager_path))
        create.argv = {manager_path.string(), "create", "--yes", "--file", definition.string(), "--prefix", env.string()};
    else
        create.argv = {manager_path.string(), "env", "create", "--file", definition.string(), "--prefix", env.string()};
    host.info(spec_.provider + ": creating conda environment " + env.string() + " (log: " + log_file.string() + ")");
    try {
        run_checked(create, "creating the " + spec_.provider + " conda environment", &host);
        for (const auto& package : spec_.pip_packages) {
            Command pip = wrap(Command{{"pip", "install", "--no-deps", package}, {}, create.environment, {}, log_file, 0});
            run_checked(pip, "pip install " + package, &host);
        }
        if (!exists()) throw plugin::SystemError(manager_path.string() + " finished but " + env.string() + " is not a conda environment");
    } catch (...) {
        fs::remove_all(env, ec);
        throw;
    }
    report["created"] = true;
    return report;
}

Command CondaEnvironment::wrap(Command command) const {
    if (!exists())
        throw plugin::SystemError("the " + spec_.provider + " conda environment is not installed (expected at " +
                                  path().string() + "); create it with `ref-engine providers setup --provider " +
                                  spec_.provider + "`");
    const fs::path manager_path = manager();
    std::vector<std::string> argv = {manager_path.string(), "run"};
    if (!is_micromamba(manager_path)) argv.push_back("--no-capture-output");
    argv.insert(argv.end(), {"--prefix", path().string()});
    argv.insert(argv.end(), command.argv.begin(), command.argv.end());
    command.argv = std::move(argv);
    if (!std::getenv("HOME") && !command.environment.count("HOME")) command.environment["HOME"] = prefix_.string();
    return command;
}

plugin::json CondaEnvironment::declaration() const {
    return {{"kind", "conda"},
            {"name", name()},
            {"definition", spec_.definition_file_name},
            {"pip_packages", spec_.pip_packages}};
}

}  // namespace ref::tooling
