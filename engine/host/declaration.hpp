// What a provider plugin declares about itself, parsed and validated.
#pragma once

#include "solver/requirements.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace ref::host {

struct DiagnosticDeclaration {
    std::string slug;
    std::string name;
    int version = 1;
    std::vector<std::string> facets;
    solver::RequirementAlternatives data_requirements;
    nlohmann::json raw;  // the whole declared object, extra members included
};

struct ProviderDeclaration {
    std::string slug;
    std::string name;
    std::string version;
    std::vector<DiagnosticDeclaration> diagnostics;
    // The declared "provider" object: "environment" and "registries" (docs/plugin-abi.md) and
    // anything else the provider says about itself.
    nlohmann::json raw = nlohmann::json::object();
};

struct DeclarationError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A slug is one safe path segment: letters, digits, '-', '_' and '.', not "." or "..".
bool is_valid_slug(const std::string& slug);

// Parses a declaration document (schema_version 1); throws DeclarationError naming the culprit.
ProviderDeclaration parse_declaration(const std::string& text);

}  // namespace ref::host
