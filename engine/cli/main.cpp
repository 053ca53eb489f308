// ref-engine: global options, then one command (see `ref-engine --help`).
#include "cli/commands.hpp"
#include "cli/run_batch.hpp"
#include "execute/runner.hpp"
#include "ref/plugin.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

namespace po = boost::program_options;
using namespace ref;

namespace {

constexpr const char* kVersion = "0.1.0";

po::options_description global_options() {
    po::options_description desc("Global options");
    desc.add_options()
        ("help,h", "show help (for the command, when one is given)")
        ("version", "print the version and exit")
        ("plugins", po::value<std::string>()->value_name("DIRS"),
         "plugin folders or .so files, ':'-separated (else REF_PLUGINS, the config file, or the installed plugins)")
        ("config", po::value<std::string>()->value_name("FILE"),
         "configuration file (default: $REF_CONFIGURATION/ref.toml or ~/.config/ref-engine/ref.toml)")
        ("log-level", po::value<std::string>()->value_name("LEVEL"), "debug, info, warning or error (default info)");
    return desc;
}

void print_overview(std::ostream& out) {
    out << "ref-engine " << kVersion << ": rapid evaluation of climate model output through provider plugins\n\n"
        << "Usage: ref-engine [global options] COMMAND [options]\n\nCommands:\n";
    for (const auto& c : cli::all_commands())
        if (c.summary[0] != '(') out << "  " << c.name << std::string(c.name.size() < 20 ? 20 - c.name.size() : 1, ' ') << c.summary << '\n';
    out << '\n' << global_options() << "\nRun `ref-engine COMMAND --help` for a command's options.\n";
}

const cli::Command* find_command(std::vector<std::string>& words) {
    // Two-word commands first ("providers list"), then one-word ("run").
    for (std::size_t n : {2u, 1u}) {
        if (words.size() < n) continue;
        std::string name = words[0];
        for (std::size_t i = 1; i < n; ++i) name += " " + words[i];
        for (const auto& c : cli::all_commands()) {
            if (c.name == name) {
                words.erase(words.begin(), words.begin() + static_cast<long>(n));
                return &c;
            }
        }
    }
    return nullptr;
}

int child_entry(const std::vector<std::string>& args) {
    po::options_description desc;
    desc.add_options()("plugin", po::value<std::string>()->required())("diagnostic", po::value<std::string>()->required())(
        "control-fd", po::value<int>()->required());
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    return execute::child_main(vm["plugin"].as<std::string>(), vm["diagnostic"].as<std::string>(),
                               vm["control-fd"].as<int>());
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> raw(argv + 1, argv + argc);
    if (!raw.empty() && raw[0] == "__execute-child") {
        try {
            return child_entry({raw.begin() + 1, raw.end()});
        } catch (const std::exception& e) {
            std::cerr << "ref-engine __execute-child: " << e.what() << '\n';
            return 2;
        }
    }

    po::options_description global = global_options();
    po::variables_map globals;
    std::vector<std::string> rest;
    try {
        auto parsed = po::command_line_parser(raw).options(global).allow_unregistered().run();
        po::store(parsed, globals);
        rest = po::collect_unrecognized(parsed.options, po::include_positional);
    } catch (const po::error& e) {
        std::cerr << "ref-engine: " << e.what() << "\nRun `ref-engine --help` for usage.\n";
        return 2;
    }
    if (globals.count("version")) {
        std::cout << "ref-engine " << kVersion << " (plugin ABI " << REF_ABI_MAJOR << "." << REF_ABI_MINOR << ")\n";
        return 0;
    }
    if (!rest.empty() && rest[0] == "__run-batch") {
        cli::setup_logging();
        if (rest.size() != 2) {
            std::cerr << "ref-engine __run-batch: expected one batch file\n";
            return 2;
        }
        config::Overrides overrides;
        if (globals.count("config")) overrides.config_file = globals["config"].as<std::string>();
        if (globals.count("plugins")) overrides.plugins = globals["plugins"].as<std::string>();
        if (globals.count("log-level")) overrides.log_level = globals["log-level"].as<std::string>();
        try {
            return cli::run_batch(rest[1], overrides);
        } catch (const std::exception& e) {
            spdlog::error("{}", e.what());
            return 1;
        }
    }
    const cli::Command* command = find_command(rest);
    if (!command) {
        if (rest.empty() || globals.count("help")) {
            print_overview(std::cout);
            return rest.empty() && !globals.count("help") ? 2 : 0;
        }
        std::cerr << "ref-engine: unknown command '" << rest[0] << "'\nRun `ref-engine --help` for the list of commands.\n";
        return 2;
    }
    po::options_description options = command->options();
    if (globals.count("help")) {
        std::cout << "Usage: ref-engine [global options] " << command->name << " [options]\n\n"
                  << command->summary << "\n\n" << options << '\n' << global << '\n';
        return 0;
    }

    cli::setup_logging();
    cli::CommandContext ctx;
    if (globals.count("config")) ctx.overrides.config_file = globals["config"].as<std::string>();
    if (globals.count("plugins")) ctx.overrides.plugins = globals["plugins"].as<std::string>();
    if (globals.count("log-level")) ctx.overrides.log_level = globals["log-level"].as<std::string>();
    try {
        auto parser = po::command_line_parser(rest).options(options);
        // The parser keeps a pointer to the description: it must outlive run().
        const po::positional_options_description positional =
            command->positional ? command->positional() : po::positional_options_description();
        parser.positional(positional);
        po::store(parser.run(), ctx.options);
        po::notify(ctx.options);
    } catch (const po::error& e) {
        std::cerr << "ref-engine " << command->name << ": " << e.what() << "\nRun `ref-engine " << command->name
                  << " --help` for its options.\n";
        return 2;
    }
    try {
        return command->run(ctx);
    } catch (const cli::UsageError& e) {
        std::cerr << "ref-engine " << command->name << ": " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 1;
    }
}
