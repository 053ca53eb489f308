-- ref-engine database schema, version 1 (SQLite 3.40 or later).
--
-- The PostgreSQL twin is migrations/postgres/0001_initial_schema.sql: it creates
-- the same tables, columns, constraints and indexes under the same names. See
-- docs/database.md for what each table holds.
--
-- SQLite representation, as the store must write it:
--   * ids are INTEGER PRIMARY KEY AUTOINCREMENT (64-bit, never reused)
--   * strings are TEXT
--   * booleans are BOOLEAN holding 0 or 1 (CHECK-ed)
--   * floats are REAL, and a NaN scalar is stored as NULL
--   * timestamps are TEXT in UTC, 'YYYY-MM-DD HH:MM:SS.SSS' (the default
--     writes milliseconds, any fraction length sorts correctly, no zone suffix)
--   * JSON is TEXT holding strict RFC 8259 JSON (CHECK-ed with json_valid)
--   * enumerations are TEXT holding the member name (CHECK-ed)
-- Foreign keys are only enforced when the connection has PRAGMA foreign_keys=ON.
--
-- Naming: pk_<table>, uq_<table>_<column>, fk_<table>_<column>_<referred table>,
-- ix_<table>_<column>, ck_<table>_<name>. Kept exceptions: diagnostic_ident,
-- execution_ident and fk_execution_id.

-- Diagnostic packages (providers) known to this deployment.
CREATE TABLE provider (
    id INTEGER NOT NULL CONSTRAINT pk_provider PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT uq_provider_slug UNIQUE (slug)
);
CREATE INDEX ix_provider_updated_at ON provider (updated_at);

-- One row per (provider, diagnostic slug).
CREATE TABLE diagnostic (
    id INTEGER NOT NULL CONSTRAINT pk_diagnostic PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    provider_id INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    promoted_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT fk_diagnostic_provider_id_provider FOREIGN KEY (provider_id)
        REFERENCES provider (id) ON DELETE RESTRICT,
    CONSTRAINT diagnostic_ident UNIQUE (provider_id, slug),
    CONSTRAINT ck_diagnostic_enabled CHECK (enabled IN (TRUE, FALSE))
);
CREATE INDEX ix_diagnostic_updated_at ON diagnostic (updated_at);

-- Common part of every ingested dataset. Exactly one subtype row (same id)
-- lives in the table that matches dataset_type.
CREATE TABLE dataset (
    id INTEGER NOT NULL CONSTRAINT pk_dataset PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL,
    dataset_type TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    finalised BOOLEAN NOT NULL DEFAULT TRUE,
    version_key BIGINT NOT NULL DEFAULT -1,
    retracted_at TEXT NULL,
    CONSTRAINT uq_dataset_slug UNIQUE (slug),
    CONSTRAINT ck_dataset_dataset_type CHECK (dataset_type IN
        ('CMIP6', 'CMIP7', 'obs4MIPs', 'PMPClimatology', 'obs4REF', 'ESMValToolReference')),
    CONSTRAINT ck_dataset_finalised CHECK (finalised IN (TRUE, FALSE))
);
CREATE INDEX ix_dataset_dataset_type ON dataset (dataset_type);

-- One row per netCDF file of a dataset. start_time and end_time are calendar
-- text ('YYYY-MM-DD HH:MM:SS'), not timestamps: model calendars have dates
-- such as 30 February that no SQL timestamp can hold.
CREATE TABLE dataset_file (
    id INTEGER NOT NULL CONSTRAINT pk_dataset_file PRIMARY KEY AUTOINCREMENT,
    dataset_id INTEGER NOT NULL,
    start_time TEXT NULL,
    end_time TEXT NULL,
    path TEXT NOT NULL,
    tracking_id TEXT NULL,
    CONSTRAINT fk_dataset_file_dataset_id_dataset FOREIGN KEY (dataset_id)
        REFERENCES dataset (id) ON DELETE CASCADE,
    CONSTRAINT uq_dataset_file_dataset_id_path UNIQUE (dataset_id, path)
);
CREATE INDEX ix_dataset_file_dataset_id ON dataset_file (dataset_id);

-- CMIP6 datasets. Columns that only the full (file-opening) parser can fill
-- are nullable, so that path-only rows (dataset.finalised = 0) fit.
CREATE TABLE cmip6_dataset (
    id INTEGER NOT NULL,
    activity_id TEXT NOT NULL,
    branch_method TEXT NULL,
    branch_time_in_child REAL NULL,
    branch_time_in_parent REAL NULL,
    experiment TEXT NULL,
    experiment_id TEXT NOT NULL,
    frequency TEXT NULL,
    grid TEXT NULL,
    grid_label TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    long_name TEXT NULL,
    member_id TEXT NOT NULL,
    nominal_resolution TEXT NULL,
    parent_activity_id TEXT NULL,
    parent_experiment_id TEXT NULL,
    parent_source_id TEXT NULL,
    parent_time_units TEXT NULL,
    parent_variant_label TEXT NULL,
    realm TEXT NULL,
    product TEXT NULL,
    source_id TEXT NOT NULL,
    standard_name TEXT NULL,
    source_type TEXT NULL,
    sub_experiment TEXT NULL,
    sub_experiment_id TEXT NULL,
    table_id TEXT NOT NULL,
    units TEXT NULL,
    variable_id TEXT NOT NULL,
    variant_label TEXT NOT NULL,
    vertical_levels INTEGER NULL,
    version TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    time_units TEXT NULL,
    calendar TEXT NULL,
    CONSTRAINT pk_cmip6_dataset PRIMARY KEY (id),
    CONSTRAINT fk_cmip6_dataset_id_dataset FOREIGN KEY (id)
        REFERENCES dataset (id) ON DELETE CASCADE
);
CREATE INDEX ix_cmip6_dataset_experiment_id ON cmip6_dataset (experiment_id);
CREATE INDEX ix_cmip6_dataset_member_id ON cmip6_dataset (member_id);
CREATE INDEX ix_cmip6_dataset_source_id ON cmip6_dataset (source_id);
CREATE INDEX ix_cmip6_dataset_instance_id ON cmip6_dataset (instance_id);

-- CMIP7 datasets (CMIP7 global attributes v1.0). The branded variable
-- (<variable_id>_<branding_suffix>) is derived on read and not stored.
CREATE TABLE cmip7_dataset (
    id INTEGER NOT NULL,
    activity_id TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    variant_label TEXT NOT NULL,
    variable_id TEXT NOT NULL,
    grid_label TEXT NOT NULL,
    frequency TEXT NOT NULL,
    region TEXT NOT NULL,
    branding_suffix TEXT NOT NULL,
    version TEXT NOT NULL,
    mip_era TEXT NOT NULL,
    realm TEXT NULL,
    nominal_resolution TEXT NULL,
    branch_time_in_child REAL NULL,
    branch_time_in_parent REAL NULL,
    parent_activity_id TEXT NULL,
    parent_experiment_id TEXT NULL,
    parent_mip_era TEXT NULL,
    parent_source_id TEXT NULL,
    parent_time_units TEXT NULL,
    parent_variant_label TEXT NULL,
    standard_name TEXT NULL,
    long_name TEXT NULL,
    units TEXT NULL,
    instance_id TEXT NOT NULL,
    license_id TEXT NULL,
    external_variables TEXT NULL,
    time_units TEXT NULL,
    calendar TEXT NULL,
    CONSTRAINT pk_cmip7_dataset PRIMARY KEY (id),
    CONSTRAINT fk_cmip7_dataset_id_dataset FOREIGN KEY (id)
        REFERENCES dataset (id) ON DELETE CASCADE
);
CREATE INDEX ix_cmip7_dataset_source_id ON cmip7_dataset (source_id);
CREATE INDEX ix_cmip7_dataset_experiment_id ON cmip7_dataset (experiment_id);
CREATE INDEX ix_cmip7_dataset_instance_id ON cmip7_dataset (instance_id);

-- obs4MIPs datasets. pmp_climatology_dataset and obs4ref_dataset below have
-- exactly the same columns.
CREATE TABLE obs4mips_dataset (
    id INTEGER NOT NULL,
    activity_id TEXT NOT NULL,
    frequency TEXT NOT NULL,
    grid TEXT NOT NULL,
    grid_label TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    long_name TEXT NULL,
    nominal_resolution TEXT NOT NULL,
    realm TEXT NOT NULL,
    product TEXT NOT NULL,
    source_id TEXT NOT NULL,
    source_type TEXT NOT NULL,
    units TEXT NOT NULL,
    variable_id TEXT NOT NULL,
    variant_label TEXT NOT NULL,
    version TEXT NOT NULL,
    vertical_levels INTEGER NOT NULL,
    source_version_number TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    CONSTRAINT pk_obs4mips_dataset PRIMARY KEY (id),
    CONSTRAINT fk_obs4mips_dataset_id_dataset FOREIGN KEY (id)
        REFERENCES dataset (id) ON DELETE CASCADE
);

-- PMP climatologies (obs4MIPs layout, kept apart from obs4MIPs proper).
CREATE TABLE pmp_climatology_dataset (
    id INTEGER NOT NULL,
    activity_id TEXT NOT NULL,
    frequency TEXT NOT NULL,
    grid TEXT NOT NULL,
    grid_label TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    long_name TEXT NULL,
    nominal_resolution TEXT NOT NULL,
    realm TEXT NOT NULL,
    product TEXT NOT NULL,
    source_id TEXT NOT NULL,
    source_type TEXT NOT NULL,
    units TEXT NOT NULL,
    variable_id TEXT NOT NULL,
    variant_label TEXT NOT NULL,
    version TEXT NOT NULL,
    vertical_levels INTEGER NOT NULL,
    source_version_number TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    CONSTRAINT pk_pmp_climatology_dataset PRIMARY KEY (id),
    CONSTRAINT fk_pmp_climatology_dataset_id_dataset FOREIGN KEY (id)
        REFERENCES dataset (id) ON DELETE CASCADE
);

-- REF-curated observations (obs4REF), obs4MIPs layout.
CREATE TABLE obs4ref_dataset (
    id INTEGER NOT NULL,
    activity_id TEXT NOT NULL,
    frequency TEXT NOT NULL,
    grid TEXT NOT NULL,
    grid_label TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    long_name TEXT NULL,
    nominal_resolution TEXT NOT NULL,
    realm TEXT NOT NULL,
    product TEXT NOT NULL,
    source_id TEXT NOT NULL,
    source_type TEXT NOT NULL,
    units TEXT NOT NULL,
    variable_id TEXT NOT NULL,
    variant_label TEXT NOT NULL,
    version TEXT NOT NULL,
    vertical_levels INTEGER NOT NULL,
    source_version_number TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    CONSTRAINT pk_obs4ref_dataset PRIMARY KEY (id),
    CONSTRAINT fk_obs4ref_dataset_id_dataset FOREIGN KEY (id)
        REFERENCES dataset (id) ON DELETE CASCADE
);

-- ESMValTool's own (non-CMOR) reference data, described by its path only.
CREATE TABLE esmvaltool_reference_dataset (
    id INTEGER NOT NULL,
    project TEXT NOT NULL,
    source_id TEXT NOT NULL,
    variable_id TEXT NOT NULL,
    frequency TEXT NOT NULL,
    version TEXT NOT NULL,
    data_type TEXT NULL,
    tier INTEGER NULL,
    long_name TEXT NULL,
    units TEXT NULL,
    instance_id TEXT NOT NULL,
    CONSTRAINT pk_esmvaltool_reference_dataset PRIMARY KEY (id),
    CONSTRAINT fk_esmvaltool_reference_dataset_id_dataset FOREIGN KEY (id)
        REFERENCES dataset (id) ON DELETE CASCADE
);
CREATE INDEX ix_esmvaltool_reference_dataset_project ON esmvaltool_reference_dataset (project);
CREATE INDEX ix_esmvaltool_reference_dataset_source_id ON esmvaltool_reference_dataset (source_id);
CREATE INDEX ix_esmvaltool_reference_dataset_variable_id ON esmvaltool_reference_dataset (variable_id);
CREATE INDEX ix_esmvaltool_reference_dataset_frequency ON esmvaltool_reference_dataset (frequency);
CREATE INDEX ix_esmvaltool_reference_dataset_instance_id ON esmvaltool_reference_dataset (instance_id);

-- A diagnostic (at one diagnostic version) applied to one selection of input
-- data. selectors is a JSON object keyed by source type.
CREATE TABLE execution_group (
    id INTEGER NOT NULL CONSTRAINT pk_execution_group PRIMARY KEY AUTOINCREMENT,
    diagnostic_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    diagnostic_version INTEGER NOT NULL DEFAULT 1,
    dirty BOOLEAN NOT NULL DEFAULT FALSE,
    selectors TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT fk_execution_group_diagnostic_id_diagnostic FOREIGN KEY (diagnostic_id)
        REFERENCES diagnostic (id) ON DELETE RESTRICT,
    CONSTRAINT execution_ident UNIQUE (diagnostic_id, key, diagnostic_version),
    CONSTRAINT ck_execution_group_dirty CHECK (dirty IN (TRUE, FALSE)),
    CONSTRAINT ck_execution_group_selectors CHECK
        (json_valid(selectors) AND json_type(selectors) = 'object')
);
CREATE INDEX ix_execution_group_diagnostic_id ON execution_group (diagnostic_id);
CREATE INDEX ix_execution_group_key ON execution_group (key);
CREATE INDEX ix_execution_group_updated_at ON execution_group (updated_at);

-- One attempt at running an execution group, with its resource usage.
-- successful: NULL while queued or running, 1 on success, 0 on failure.
CREATE TABLE execution (
    id INTEGER NOT NULL CONSTRAINT pk_execution PRIMARY KEY AUTOINCREMENT,
    output_fragment TEXT NOT NULL,
    execution_group_id INTEGER NOT NULL,
    dataset_hash TEXT NOT NULL,
    successful BOOLEAN NULL,
    path TEXT NULL,
    retracted BOOLEAN NOT NULL DEFAULT FALSE,
    provider_version TEXT NULL,
    wall_seconds REAL NULL,
    cpu_seconds REAL NULL,
    peak_memory_bytes BIGINT NULL,
    memory_source TEXT NULL,
    memory_limit_bytes BIGINT NULL,
    cpu_limit REAL NULL,
    resources_exclusive BOOLEAN NULL,
    queue_seconds REAL NULL,
    resource_context TEXT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT fk_execution_id FOREIGN KEY (execution_group_id)
        REFERENCES execution_group (id) ON DELETE CASCADE,
    CONSTRAINT ck_execution_successful CHECK (successful IN (TRUE, FALSE)),
    CONSTRAINT ck_execution_retracted CHECK (retracted IN (TRUE, FALSE)),
    CONSTRAINT ck_execution_resources_exclusive CHECK (resources_exclusive IN (TRUE, FALSE)),
    CONSTRAINT ck_execution_resource_context CHECK (resource_context IS NULL OR
        (json_valid(resource_context) AND json_type(resource_context) IN ('object', 'null')))
);
CREATE INDEX ix_execution_execution_group_id ON execution (execution_group_id);
CREATE INDEX ix_execution_dataset_hash ON execution (dataset_hash);
CREATE INDEX ix_execution_successful ON execution (successful);
CREATE INDEX ix_execution_updated_at ON execution (updated_at);

-- Which datasets an execution used: one row per (execution, dataset).
CREATE TABLE execution_dataset (
    execution_id INTEGER NOT NULL,
    dataset_id INTEGER NOT NULL,
    CONSTRAINT pk_execution_dataset PRIMARY KEY (execution_id, dataset_id),
    CONSTRAINT fk_execution_dataset_execution_id_execution FOREIGN KEY (execution_id)
        REFERENCES execution (id) ON DELETE CASCADE,
    CONSTRAINT fk_execution_dataset_dataset_id_dataset FOREIGN KEY (dataset_id)
        REFERENCES dataset (id) ON DELETE RESTRICT
);
CREATE INDEX ix_execution_dataset_execution_id ON execution_dataset (execution_id);
CREATE INDEX ix_execution_dataset_dataset_id ON execution_dataset (dataset_id);

-- Plots, data files and HTML pages declared in an execution's output bundle.
-- The trailing TEXT columns are the dimensions of the bundled controlled
-- vocabulary, in vocabulary order.
CREATE TABLE execution_output (
    id INTEGER NOT NULL CONSTRAINT pk_execution_output PRIMARY KEY AUTOINCREMENT,
    execution_id INTEGER NOT NULL,
    output_type TEXT NOT NULL,
    filename TEXT NULL,
    short_name TEXT NULL,
    long_name TEXT NULL,
    description TEXT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    kind TEXT NULL,
    mip_id TEXT NULL,
    source_id TEXT NULL,
    reference_source_id TEXT NULL,
    experiment_id TEXT NULL,
    variable_id TEXT NULL,
    reference_variable_id TEXT NULL,
    grid_label TEXT NULL,
    member_id TEXT NULL,
    variant_label TEXT NULL,
    table_id TEXT NULL,
    global_warming_level TEXT NULL,
    level TEXT NULL,
    metric TEXT NULL,
    region TEXT NULL,
    season TEXT NULL,
    mode TEXT NULL,
    method TEXT NULL,
    statistic TEXT NULL,
    CONSTRAINT fk_execution_output_execution_id_execution FOREIGN KEY (execution_id)
        REFERENCES execution (id) ON DELETE CASCADE,
    CONSTRAINT ck_execution_output_output_type CHECK (output_type IN ('Plot', 'Data', 'HTML'))
);
CREATE INDEX ix_execution_output_execution_id ON execution_output (execution_id);
CREATE INDEX ix_execution_output_output_type ON execution_output (output_type);
CREATE INDEX ix_execution_output_updated_at ON execution_output (updated_at);
CREATE INDEX ix_execution_output_kind ON execution_output (kind);
CREATE INDEX ix_execution_output_mip_id ON execution_output (mip_id);
CREATE INDEX ix_execution_output_source_id ON execution_output (source_id);
CREATE INDEX ix_execution_output_reference_source_id ON execution_output (reference_source_id);
CREATE INDEX ix_execution_output_experiment_id ON execution_output (experiment_id);
CREATE INDEX ix_execution_output_variable_id ON execution_output (variable_id);
CREATE INDEX ix_execution_output_reference_variable_id ON execution_output (reference_variable_id);
CREATE INDEX ix_execution_output_grid_label ON execution_output (grid_label);
CREATE INDEX ix_execution_output_member_id ON execution_output (member_id);
CREATE INDEX ix_execution_output_variant_label ON execution_output (variant_label);
CREATE INDEX ix_execution_output_table_id ON execution_output (table_id);
CREATE INDEX ix_execution_output_global_warming_level ON execution_output (global_warming_level);
CREATE INDEX ix_execution_output_level ON execution_output (level);
CREATE INDEX ix_execution_output_metric ON execution_output (metric);
CREATE INDEX ix_execution_output_region ON execution_output (region);
CREATE INDEX ix_execution_output_season ON execution_output (season);
CREATE INDEX ix_execution_output_mode ON execution_output (mode);
CREATE INDEX ix_execution_output_method ON execution_output (method);
CREATE INDEX ix_execution_output_statistic ON execution_output (statistic);

-- Deduplicated index axes of series values, looked up by content hash
-- (lower-case hex SHA-256 of the JSON text [name, [v0, v1, ...]]).
CREATE TABLE index_axis (
    id INTEGER NOT NULL CONSTRAINT pk_index_axis PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL,
    name TEXT NULL,
    "values" TEXT NOT NULL,
    length INTEGER NOT NULL,
    CONSTRAINT ck_index_axis_values CHECK
        (json_valid("values") AND json_type("values") = 'array'),
    CONSTRAINT ck_index_axis_length CHECK (length = json_array_length("values"))
);
CREATE UNIQUE INDEX ix_index_axis_hash ON index_axis (hash);

-- Scalar and series metric values in one table, told apart by type.
--   SCALAR: value holds the number (NULL when missing or NaN), values,
--           index_id and reference_id are NULL.
--   SERIES: values holds a JSON array (null for missing points), index_id
--           points at its axis, value is NULL, reference_id is set for
--           reference (observation) series.
-- The trailing TEXT columns are the dimensions of the bundled controlled
-- vocabulary, in vocabulary order.
CREATE TABLE metric_value (
    id INTEGER NOT NULL CONSTRAINT pk_metric_value PRIMARY KEY AUTOINCREMENT,
    execution_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    value REAL NULL,
    "values" TEXT NULL,
    index_id INTEGER NULL,
    reference_id TEXT NULL,
    attributes TEXT NOT NULL DEFAULT 'null',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    kind TEXT NULL,
    mip_id TEXT NULL,
    source_id TEXT NULL,
    reference_source_id TEXT NULL,
    experiment_id TEXT NULL,
    variable_id TEXT NULL,
    reference_variable_id TEXT NULL,
    grid_label TEXT NULL,
    member_id TEXT NULL,
    variant_label TEXT NULL,
    table_id TEXT NULL,
    global_warming_level TEXT NULL,
    level TEXT NULL,
    metric TEXT NULL,
    region TEXT NULL,
    season TEXT NULL,
    mode TEXT NULL,
    method TEXT NULL,
    statistic TEXT NULL,
    CONSTRAINT fk_metric_value_execution_id_execution FOREIGN KEY (execution_id)
        REFERENCES execution (id) ON DELETE CASCADE,
    CONSTRAINT fk_metric_value_index_id_index_axis FOREIGN KEY (index_id)
        REFERENCES index_axis (id) ON DELETE RESTRICT,
    CONSTRAINT ck_metric_value_type CHECK (type IN ('SCALAR', 'SERIES')),
    CONSTRAINT ck_metric_value_shape CHECK (
        (type = 'SCALAR' AND "values" IS NULL AND index_id IS NULL AND reference_id IS NULL)
        OR (type = 'SERIES' AND value IS NULL AND "values" IS NOT NULL AND index_id IS NOT NULL)),
    CONSTRAINT ck_metric_value_value_not_nan CHECK (value IS NULL OR value <> 'NaN'),
    CONSTRAINT ck_metric_value_values CHECK ("values" IS NULL OR
        (json_valid("values") AND json_type("values") = 'array')),
    CONSTRAINT ck_metric_value_attributes CHECK
        (json_valid(attributes) AND json_type(attributes) IN ('object', 'null'))
);
CREATE INDEX ix_metric_value_execution_id ON metric_value (execution_id);
CREATE INDEX ix_metric_value_type ON metric_value (type);
CREATE INDEX ix_metric_value_index_id ON metric_value (index_id);
CREATE INDEX ix_metric_value_reference_id ON metric_value (reference_id);
CREATE INDEX ix_metric_value_updated_at ON metric_value (updated_at);
CREATE INDEX ix_metric_value_kind ON metric_value (kind);
CREATE INDEX ix_metric_value_mip_id ON metric_value (mip_id);
CREATE INDEX ix_metric_value_source_id ON metric_value (source_id);
CREATE INDEX ix_metric_value_reference_source_id ON metric_value (reference_source_id);
CREATE INDEX ix_metric_value_experiment_id ON metric_value (experiment_id);
CREATE INDEX ix_metric_value_variable_id ON metric_value (variable_id);
CREATE INDEX ix_metric_value_reference_variable_id ON metric_value (reference_variable_id);
CREATE INDEX ix_metric_value_grid_label ON metric_value (grid_label);
CREATE INDEX ix_metric_value_member_id ON metric_value (member_id);
CREATE INDEX ix_metric_value_variant_label ON metric_value (variant_label);
CREATE INDEX ix_metric_value_table_id ON metric_value (table_id);
CREATE INDEX ix_metric_value_global_warming_level ON metric_value (global_warming_level);
CREATE INDEX ix_metric_value_level ON metric_value (level);
CREATE INDEX ix_metric_value_metric ON metric_value (metric);
CREATE INDEX ix_metric_value_region ON metric_value (region);
CREATE INDEX ix_metric_value_season ON metric_value (season);
CREATE INDEX ix_metric_value_mode ON metric_value (mode);
CREATE INDEX ix_metric_value_method ON metric_value (method);
CREATE INDEX ix_metric_value_statistic ON metric_value (statistic);
