"""Writes the inputs of the solve benchmark: intake-esm/ESGF-style CSV catalogs (one row per
file, a `path` column plus the complete parser's metadata columns) that `ref-engine datasets
ingest --catalog` registers without opening files.

  make_catalog.py cmip6 FILE.csv ROWS [SEED]   exactly ROWS file rows of CMIP6 model output
  make_catalog.py obs4mips FILE.csv            a small obs4MIPs catalog (the diagnostics' references)
  make_catalog.py pmp-climatology FILE.csv     the PMP reference climatologies
  make_catalog.py cmip6-extended FILE.csv ROWS [SEED]
                                               as cmip6, plus the fields only some diagnostics read
                                               (cloud condensate, o3, land carbon/water, snow, fire, so)
  make_catalog.py obs4mips-extended FILE.csv   obs4mips plus a newer HadISST and the ILAMB/IOMB references
  make_catalog.py esmvaltool-reference FILE.csv  the ESMValTool reference-data registry

The CMIP6 archive mimics ESGF: 42 models with their institutions, calendars and grids, 16
experiments weighted as published (every model has piControl and historical, most have
abrupt-4xCO2, 1pctCO2 and the main ssp*, few have DAMIP/C4MIP/LMIP runs), 1-10 members
before scaling, about 40 variables in Amon/Omon/Lmon/SImon/Emon/AERmon/day/fx/Ofx,
gn/gr/gr1 grids, files split in per-model chunks with contiguous time ranges, 1-3 versions
per dataset, and parent_* facets that point at runs in the archive (ssp* -> historical ->
piControl, abrupt-4xCO2/1pctCO2 -> piControl, esm-1pct-brch-1000PgC -> esm-1pctCO2 or
1pctCO2).

ROWS is reached by scaling ensemble sizes (the part of an archive that grows: about 0.8 for
100,000 rows, 12 for 1,000,000), then leaving out a seeded random tenth or less of the
datasets so the count is exact; the last dataset kept may lose some files. Deterministic:
the same arguments give the same bytes. Paths start with "{data_dir}" (ingest with
--set data_dir=...)."""
import os
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ingest"))
from make_trees import CatalogWriter, drs_file_name, drs_folder  # noqa: E402

# source_id, institution_id, calendar, atmosphere grid_label, ocean grid_label, nominal
# resolution, years per monthly file (0: the whole run in one file), earth-system model.
MODELS = [
    ("ACCESS-CM2", "CSIRO-ARCCSS", "proleptic_gregorian", "gn", "gn", "250 km", 0, False),
    ("ACCESS-ESM1-5", "CSIRO", "proleptic_gregorian", "gn", "gn", "250 km", 0, True),
    ("AWI-CM-1-1-MR", "AWI", "standard", "gn", "gn", "100 km", 10, False),
    ("BCC-CSM2-MR", "BCC", "365_day", "gn", "gn", "100 km", 0, True),
    ("CAMS-CSM1-0", "CAMS", "365_day", "gn", "gn", "100 km", 50, False),
    ("CanESM5", "CCCma", "365_day", "gn", "gn", "500 km", 0, True),
    ("CAS-ESM2-0", "CAS", "365_day", "gn", "gn", "100 km", 0, True),
    ("CESM2", "NCAR", "noleap", "gn", "gn", "100 km", 50, True),
    ("CESM2-WACCM", "NCAR", "noleap", "gn", "gn", "100 km", 50, True),
    ("CIESM", "THU", "365_day", "gr", "gn", "100 km", 0, False),
    ("CMCC-CM2-SR5", "CMCC", "365_day", "gn", "gn", "100 km", 0, False),
    ("CMCC-ESM2", "CMCC", "365_day", "gn", "gn", "100 km", 0, True),
    ("CNRM-CM6-1", "CNRM-CERFACS", "gregorian", "gr", "gn", "250 km", 0, False),
    ("CNRM-ESM2-1", "CNRM-CERFACS", "gregorian", "gr", "gn", "250 km", 0, True),
    ("E3SM-1-0", "E3SM-Project", "noleap", "gr", "gr", "100 km", 10, False),
    ("EC-Earth3", "EC-Earth-Consortium", "gregorian", "gr", "gn", "100 km", 5, False),
    ("EC-Earth3-Veg", "EC-Earth-Consortium", "gregorian", "gr", "gn", "100 km", 10, True),
    ("FGOALS-f3-L", "CAS", "365_day", "gr", "gn", "100 km", 0, False),
    ("FGOALS-g3", "CAS", "365_day", "gn", "gn", "250 km", 10, False),
    ("FIO-ESM-2-0", "FIO-QLNM", "365_day", "gn", "gn", "100 km", 0, True),
    ("GFDL-CM4", "NOAA-GFDL", "noleap", "gr1", "gn", "100 km", 20, False),
    ("GFDL-ESM4", "NOAA-GFDL", "noleap", "gr1", "gn", "100 km", 20, True),
    ("GISS-E2-1-G", "NASA-GISS", "365_day", "gn", "gn", "250 km", 50, True),
    ("HadGEM3-GC31-LL", "MOHC", "360_day", "gn", "gn", "250 km", 50, False),
    ("HadGEM3-GC31-MM", "MOHC", "360_day", "gn", "gn", "100 km", 50, False),
    ("INM-CM4-8", "INM", "365_day", "gr1", "gr1", "100 km", 50, False),
    ("INM-CM5-0", "INM", "365_day", "gr1", "gr1", "100 km", 50, False),
    ("IPSL-CM6A-LR", "IPSL", "gregorian", "gr", "gn", "250 km", 0, True),
    ("KACE-1-0-G", "NIMS-KMA", "360_day", "gr", "gr", "250 km", 0, False),
    ("KIOST-ESM", "KIOST", "365_day", "gr1", "gr1", "250 km", 0, True),
    ("MCM-UA-1-0", "UA", "noleap", "gn", "gn", "250 km", 0, False),
    ("MIROC6", "MIROC", "gregorian", "gn", "gn", "250 km", 10, False),
    ("MIROC-ES2L", "MIROC", "gregorian", "gn", "gn", "500 km", 0, True),
    ("MPI-ESM1-2-HR", "MPI-M", "proleptic_gregorian", "gn", "gn", "100 km", 20, False),
    ("MPI-ESM1-2-LR", "MPI-M", "proleptic_gregorian", "gn", "gn", "250 km", 20, True),
    ("MRI-ESM2-0", "MRI", "proleptic_gregorian", "gn", "gn", "100 km", 0, True),
    ("NESM3", "NUIST", "standard", "gn", "gn", "250 km", 0, False),
    ("NorESM2-LM", "NCC", "noleap", "gn", "gn", "250 km", 10, True),
    ("NorESM2-MM", "NCC", "noleap", "gn", "gn", "100 km", 10, True),
    ("SAM0-UNICON", "SNU", "noleap", "gn", "gn", "100 km", 50, False),
    ("TaiESM1", "AS-RCEC", "noleap", "gn", "gn", "100 km", 0, False),
    ("UKESM1-0-LL", "MOHC", "360_day", "gn", "gn", "250 km", 50, True),
]
# Forcing index of the variant labels, as those groups publish them.
FORCING = {"CNRM-CM6-1": 2, "CNRM-ESM2-1": 2, "MIROC-ES2L": 2, "UKESM1-0-LL": 2, "HadGEM3-GC31-LL": 3,
           "HadGEM3-GC31-MM": 3, "GISS-E2-1-G": 2}

# variable_id -> (standard_name, long_name, units, levels): levels > 1 marks 3-D fields.
VARIABLES = {
    "tas": ("air_temperature", "Near-Surface Air Temperature", "K", 1),
    "tasmax": ("air_temperature", "Daily Maximum Near-Surface Air Temperature", "K", 1),
    "ts": ("surface_temperature", "Surface Temperature", "K", 1),
    "pr": ("precipitation_flux", "Precipitation", "kg m-2 s-1", 1),
    "psl": ("air_pressure_at_mean_sea_level", "Sea Level Pressure", "Pa", 1),
    "huss": ("specific_humidity", "Near-Surface Specific Humidity", "1", 1),
    "hurs": ("relative_humidity", "Near-Surface Relative Humidity", "%", 1),
    "uas": ("eastward_wind", "Eastward Near-Surface Wind", "m s-1", 1),
    "vas": ("northward_wind", "Northward Near-Surface Wind", "m s-1", 1),
    "clt": ("cloud_area_fraction", "Total Cloud Cover Percentage", "%", 1),
    "rlut": ("toa_outgoing_longwave_flux", "TOA Outgoing Longwave Radiation", "W m-2", 1),
    "rsut": ("toa_outgoing_shortwave_flux", "TOA Outgoing Shortwave Radiation", "W m-2", 1),
    "rsdt": ("toa_incoming_shortwave_flux", "TOA Incident Shortwave Radiation", "W m-2", 1),
    "rlutcs": ("toa_outgoing_longwave_flux_assuming_clear_sky", "TOA Outgoing Clear-Sky Longwave Radiation", "W m-2", 1),
    "rsutcs": ("toa_outgoing_shortwave_flux_assuming_clear_sky", "TOA Outgoing Clear-Sky Shortwave Radiation", "W m-2", 1),
    "rlds": ("surface_downwelling_longwave_flux_in_air", "Surface Downwelling Longwave Radiation", "W m-2", 1),
    "rlus": ("surface_upwelling_longwave_flux_in_air", "Surface Upwelling Longwave Radiation", "W m-2", 1),
    "rsds": ("surface_downwelling_shortwave_flux_in_air", "Surface Downwelling Shortwave Radiation", "W m-2", 1),
    "rsus": ("surface_upwelling_shortwave_flux_in_air", "Surface Upwelling Shortwave Radiation", "W m-2", 1),
    "hfls": ("surface_upward_latent_heat_flux", "Surface Upward Latent Heat Flux", "W m-2", 1),
    "hfss": ("surface_upward_sensible_heat_flux", "Surface Upward Sensible Heat Flux", "W m-2", 1),
    "tauu": ("surface_downward_eastward_stress", "Surface Downward Eastward Wind Stress", "Pa", 1),
    "ta": ("air_temperature", "Air Temperature", "K", 19),
    "ua": ("eastward_wind", "Eastward Wind", "m s-1", 19),
    "va": ("northward_wind", "Northward Wind", "m s-1", 19),
    "zg": ("geopotential_height", "Geopotential Height", "m", 19),
    "hus": ("specific_humidity", "Specific Humidity", "1", 19),
    "fco2antt": ("tendency_of_atmosphere_mass_content_of_carbon_dioxide_expressed_as_carbon_due_to_anthropogenic_emission",
                 "Carbon Mass Flux into Atmosphere Due to All Anthropogenic Emissions of CO2 [kgC m-2 s-1]",
                 "kg m-2 s-1", 1),
    "tos": ("sea_surface_temperature", "Sea Surface Temperature", "degC", 1),
    "sos": ("sea_surface_salinity", "Sea Surface Salinity", "0.001", 1),
    "thetao": ("sea_water_potential_temperature", "Sea Water Potential Temperature", "degC", 50),
    "msftmz": ("ocean_meridional_overturning_mass_streamfunction", "Ocean Meridional Overturning Mass Streamfunction",
               "kg s-1", 50),
    "siconc": ("sea_ice_area_fraction", "Sea-Ice Area Percentage (Ocean Grid)", "%", 1),
    "gpp": ("gross_primary_productivity_of_biomass_expressed_as_carbon",
            "Carbon Mass Flux out of Atmosphere Due to Gross Primary Production on Land [kgC m-2 s-1]", "kg m-2 s-1", 1),
    "mrsos": ("mass_content_of_water_in_soil_layer", "Moisture in Upper Portion of Soil Column", "kg m-2", 1),
    "cVeg": ("vegetation_carbon_content", "Carbon Mass in Vegetation", "kg m-2", 1),
    "treeFrac": ("area_fraction", "Tree Cover Percentage", "%", 1),
    "vegFrac": ("area_fraction", "Total Vegetated Percentage Cover", "%", 1),
    "toz": ("equivalent_thickness_at_stp_of_atmosphere_ozone_content", "Total Column Ozone", "m", 1),
    "areacella": ("cell_area", "Grid-Cell Area for Atmospheric Grid Variables", "m2", 1),
    "sftlf": ("land_area_fraction", "Percentage of the Grid Cell Occupied by Land (Including Lakes)", "%", 1),
    "areacello": ("cell_area", "Grid-Cell Area for Ocean Variables", "m2", 1),
    "sftof": ("sea_area_fraction", "Sea Area Percentage", "%", 1),
    "volcello": ("ocean_volume", "Ocean Grid-Cell Volume", "m3", 50),
}

# Variables only the extended catalog (cmip6-extended) holds: the rest of what the PMP,
# ESMValTool and ILAMB diagnostics read (cloud condensate, ozone, land carbon and water, snow,
# fire, ocean salinity).
EXTRA_VARIABLES = {
    "clwvi": ("atmosphere_mass_content_of_cloud_condensed_water", "Condensed Water Path", "kg m-2", 1),
    "clivi": ("atmosphere_mass_content_of_cloud_ice", "Ice Water Path", "kg m-2", 1),
    "cli": ("mass_fraction_of_cloud_ice_in_air", "Mass Fraction of Cloud Ice", "kg kg-1", 19),
    "o3": ("mole_fraction_of_ozone_in_air", "Mole Fraction of O3", "mol mol-1", 19),
    "evspsbl": ("water_evapotranspiration_flux", "Evaporation Including Sublimation and Transpiration",
                "kg m-2 s-1", 1),
    "mrro": ("runoff_flux", "Total Runoff", "kg m-2 s-1", 1),
    "cSoil": ("soil_mass_content_of_carbon", "Carbon Mass in Model Soil Pool", "kg m-2", 1),
    "lai": ("leaf_area_index", "Leaf Area Index", "1", 1),
    "nbp": ("surface_net_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_all_land_processes",
            "Carbon Mass Flux out of Atmosphere Due to Net Biospheric Production on Land", "kg m-2 s-1", 1),
    "burntFractionAll": ("area_fraction", "Percentage of Entire Grid Cell That is Covered by Burnt Vegetation (All Classes)",
                         "%", 1),
    "snc": ("surface_snow_area_fraction", "Snow Area Percentage", "%", 1),
    "so": ("sea_water_salinity", "Sea Water Salinity", "0.001", 50),
    "sic": ("sea_ice_area_fraction", "Sea Ice Area Fraction", "%", 1),
}
ALL_VARIABLES = {**VARIABLES, **EXTRA_VARIABLES}

# table_id -> (frequency, realm, ocean grid?)
TABLES = {"Amon": ("mon", "atmos", False), "Omon": ("mon", "ocean", True), "Lmon": ("mon", "land", False),
          "SImon": ("mon", "seaIce", True), "AERmon": ("mon", "aerosol", False),
          "Emon": ("mon", "land", False), "day": ("day", "atmos", False),
          "fx": ("fx", "land", False), "Ofx": ("fx", "ocean", True),
          "LImon": ("mon", "landIce", False)}

ATMOS = ["tas", "ts", "pr", "psl", "huss", "hurs", "uas", "vas", "clt", "rlut", "rsut", "rsdt", "rlutcs", "rsutcs",
         "rlds", "rlus", "rsds", "rsus", "hfls", "hfss", "tauu", "tasmax", "ta", "ua", "va", "zg", "hus"]
RADIATION = ["tas", "ts", "pr", "psl", "huss", "clt", "rlut", "rsut", "rsdt", "rlutcs", "rsutcs"]
SCENARIO = ["tas", "ts", "pr", "psl", "huss", "hurs", "uas", "vas", "clt", "rlut", "rsut", "rsdt", "tasmax", "ta", "ua"]
OCEAN = [("Omon", v) for v in ("tos", "sos", "thetao", "msftmz")] + [("SImon", "siconc")]
LAND = [("Lmon", v) for v in ("gpp", "mrsos", "cVeg", "treeFrac")]
DAY = [("day", v) for v in ("tas", "pr", "tasmax")]
FX = [("fx", "areacella"), ("fx", "sftlf")]
OFX = [("Ofx", "areacello"), ("Ofx", "sftof"), ("Ofx", "volcello")]


def amon(names):
    return [("Amon", v) for v in names]


# experiment_id -> (activity_id, title, first year, years, parent experiment, parent activity,
# share of models that ran it, members (weights over 1..10), (table, variable) list, fixed fields).
# first year None: the model's own piControl start. Members are scaled for large catalogs.
ONE = {1: 1}
EXPERIMENTS = {
    "piControl": ("CMIP", "pre-industrial control", None, None, "piControl-spinup", "CMIP", 1.0, ONE,
                  amon(RADIATION + ["uas", "vas", "hfls", "hfss", "tauu"]) + OCEAN + LAND, FX + OFX),
    "historical": ("CMIP", "all-forcing simulation of the recent past", 1850, 165, "piControl", "CMIP", 1.0,
                   {1: 30, 2: 10, 3: 20, 5: 20, 10: 20},
                   amon(ATMOS) + OCEAN + LAND + DAY + [("AERmon", "toz"), ("Emon", "vegFrac")], FX + OFX),
    "amip": ("CMIP", "AMIP", 1979, 36, "no parent", "no parent", 0.8, {1: 50, 2: 20, 3: 30}, amon(ATMOS) + DAY,
             FX),
    "abrupt-4xCO2": ("CMIP", "abrupt quadrupling of CO2", 1850, 150, "piControl", "CMIP", 0.9, {1: 85, 2: 15},
                     amon(RADIATION) + OCEAN[:1] + OCEAN[4:], FX),
    "1pctCO2": ("CMIP", "1 percent per year increase in CO2", 1850, 150, "piControl", "CMIP", 0.85, {1: 90, 2: 10},
                amon(RADIATION) + OCEAN[:1] + OCEAN[4:], FX),
    "ssp126": ("ScenarioMIP", "update of RCP2.6 based on SSP1", 2015, 86, "historical", "CMIP", 0.85,
               {1: 40, 2: 10, 3: 25, 5: 25}, amon(SCENARIO) + OCEAN[:2] + OCEAN[4:] + LAND[:2] + DAY, FX),
    "ssp245": ("ScenarioMIP", "update of RCP4.5 based on SSP2", 2015, 86, "historical", "CMIP", 0.9,
               {1: 40, 2: 10, 3: 25, 5: 25}, amon(SCENARIO) + OCEAN[:2] + OCEAN[4:] + LAND[:2] + DAY, FX),
    "ssp370": ("ScenarioMIP", "gap-filling scenario reaching 7.0 based on SSP3", 2015, 86, "historical", "CMIP", 0.8,
               {1: 50, 2: 10, 3: 25, 5: 15}, amon(SCENARIO) + OCEAN[:2] + OCEAN[4:] + LAND[:2] + DAY, FX),
    "ssp585": ("ScenarioMIP", "update of RCP8.5 based on SSP5", 2015, 86, "historical", "CMIP", 0.9,
               {1: 40, 2: 10, 3: 25, 5: 25}, amon(SCENARIO) + OCEAN[:2] + OCEAN[4:] + LAND[:2] + DAY, FX),
    "hist-GHG": ("DAMIP", "greenhouse-gas-only run", 1850, 171, "piControl", "CMIP", 0.35, {1: 30, 3: 50, 5: 20},
                 amon(RADIATION) + OCEAN[:1], []),
    "hist-aer": ("DAMIP", "aerosol-only run", 1850, 171, "piControl", "CMIP", 0.3, {1: 30, 3: 50, 5: 20},
                 amon(RADIATION) + OCEAN[:1], []),
    "esm-piControl": ("CMIP", "pre-industrial control simulation with CO2 concentration calculated", 1850, 250,
                      "esm-piControl-spinup", "CMIP", 1.0, ONE, amon(RADIATION) + LAND, FX),
    "esm-hist": ("CMIP", "all-forcing simulation of the recent past with atmospheric CO2 concentration calculated",
                 1850, 165, "esm-piControl", "CMIP", 0.9, {1: 70, 3: 30},
                 amon(RADIATION + ["fco2antt"]) + LAND + OCEAN[:1], FX),
    "esm-1pctCO2": ("C4MIP", "1 percent per year increasing CO2 experiment with diagnosed CO2 emissions", 1850, 150,
                    "esm-piControl", "CMIP", 0.7, ONE, amon(RADIATION + ["fco2antt"]) + LAND, FX),
    "esm-1pct-brch-1000PgC": ("C4MIP CDRMIP", "zero emissions after 1000 PgC emitted", 1910, 100, "esm-1pctCO2",
                              "C4MIP", 0.6, ONE, amon(RADIATION) + LAND, []),
    "land-hist": ("LMIP", "historical land-only", 1850, 165, "no parent", "no parent", 0.4, ONE, LAND, FX),
}
ESM_ONLY = {"esm-piControl", "esm-hist", "esm-1pctCO2", "esm-1pct-brch-1000PgC"}
NEEDS = {"ssp126": "historical", "ssp245": "historical", "ssp370": "historical", "ssp585": "historical",
         "esm-hist": "esm-piControl", "esm-1pctCO2": "esm-piControl", "esm-1pct-brch-1000PgC": "esm-1pctCO2"}
# experiment_id -> the extra (table, variable) fields of the extended catalog.
EXTRA_LAND = [("Lmon", v) for v in ("mrro", "cSoil", "lai", "nbp", "burntFractionAll")] + [("LImon", "snc")]
EXTENDED_FIELDS = {
    "historical": [("Amon", v) for v in ("clwvi", "clivi", "cli", "o3", "evspsbl")] + EXTRA_LAND + [("Omon", "so")],
    "land-hist": EXTRA_LAND,
}
PUBLISHED = [f"v{year}{month:02d}{day:02d}" for year in (2019, 2020) for month in range(1, 13) for day in (1, 15)]


def weighted(rng, weights):
    values = list(weights)
    return rng.choices(values, [weights[v] for v in values])[0]


def file_chunks(first, years, per_file, table, levels):
    """(first year, last year) per file. Daily and 3-D fields come in shorter files."""
    if table == "day":
        per_file = min(per_file or 10, 10)
    elif levels > 1:
        per_file = min(per_file or 20, 20)
    if not per_file or per_file >= years:
        return [(first, first + years - 1)]
    # Files start on round years, as the groups split them (e.g. 1850-1899, 1900-1949, ...).
    out, start = [], first
    while start < first + years:
        end = min(first + years - 1, (start // per_file + 1) * per_file - 1 if per_file >= 5 else start + per_file - 1)
        out.append((start, end))
        start = end + 1
    return out


class Archive:
    """The datasets of the synthetic archive for one ensemble scale; each is a dict of its
    facets plus the list of its versions and file time ranges."""

    def __init__(self, seed, scale, extended=False):
        self.seed, self.scale, self.extended = seed, scale, extended

    def rng(self, *names):
        return random.Random(":".join([str(self.seed)] + [str(n) for n in names]))

    def datasets(self):
        for model in MODELS:
            yield from self.model_datasets(*model)

    def model_datasets(self, source, institution, calendar, atm_grid, ocn_grid, resolution, per_file, esm):
        r = self.rng(source)
        forcing = FORCING.get(source, 1)
        control_first = r.choice([1850, 1850, 1850, 1000, 1200, 1960])
        control_years = r.choice([200, 250, 500, 500, 1000])
        lacks = {v for v in VARIABLES if r.random() < 0.1 and v not in ("tas", "areacella", "areacello")}
        daily = r.random() < 0.5  # about half the groups published daily fields
        extra_lacks = ({v for v in EXTRA_VARIABLES if self.rng(source, "extended", v).random() < 0.1}
                       if self.extended else set())
        members_of = {}
        for experiment, spec in EXPERIMENTS.items():
            activity, title, first, years, parent, parent_activity, share, members, fields, fixed = spec
            er = self.rng(source, experiment)
            if experiment in ESM_ONLY and not esm:
                continue
            if er.random() >= share or (experiment in NEEDS and NEEDS[experiment] not in members_of):
                continue
            count = weighted(er, members)
            if count > 1:
                count = max(1, round(count * self.scale))
            if experiment in NEEDS and NEEDS[experiment] == "historical":
                count = min(count, members_of["historical"])  # scenarios continue historical members
            members_of[experiment] = count
            if first is None:
                first, years = control_first, control_years
            if experiment == "esm-1pct-brch-1000PgC" and "1pctCO2" in members_of and er.random() < 0.3:
                parent, parent_activity = "1pctCO2", "CMIP"  # some groups branched from the concentration run
            published = er.randrange(len(PUBLISHED) - 6)

            def dataset(member, table, variable, rng, lacking):
                parent_member = member if parent == "historical" else f"r1i1p1f{forcing}"
                if variable in lacking or (table == "day" and not daily) or rng.random() < 0.05:
                    return None
                frequency, realm, ocean = TABLES[table]
                standard_name, long_name, units, levels = ALL_VARIABLES[variable]
                n_versions = weighted(rng, {1: 70, 2: 20, 3: 10})
                versions = [PUBLISHED[published + 2 * i + (1 if i else 0)] for i in range(n_versions)]
                chunks = [] if frequency == "fx" else file_chunks(first, years, per_file, table, levels)
                return {
                    "activity_id": activity, "institution_id": institution, "source_id": source,
                    "experiment_id": experiment, "member_id": member, "variant_label": member,
                    "table_id": table, "variable_id": variable, "grid_label": ocn_grid if ocean else atm_grid,
                    "frequency": frequency, "realm": realm, "experiment": title,
                    "grid": f"native {realm} grid of {source}", "nominal_resolution": resolution,
                    "product": "model-output", "source_type": "AOGCM BGC" if esm else "AOGCM",
                    "sub_experiment": "none", "sub_experiment_id": "none",
                    "parent_experiment_id": parent, "parent_activity_id": parent_activity,
                    "parent_source_id": "no parent" if parent == "no parent" else source,
                    "parent_variant_label": "no parent" if parent == "no parent" else parent_member,
                    "parent_time_units": "no parent" if parent == "no parent" else "days since 1850-01-01",
                    "branch_method": "no parent" if parent == "no parent" else "standard",
                    "branch_time_in_child": "0.0", "branch_time_in_parent": f"{rng.randrange(0, 200) * 365}.0",
                    "standard_name": standard_name, "long_name": long_name, "units": units,
                    "vertical_levels": str(levels), "time_units": f"days since {first:04d}-01-01",
                    "calendar": calendar, "versions": versions, "chunks": chunks}

            xr = self.rng(source, experiment, "extended")
            for k in range(1, count + 1):
                member = f"r{k}i1p1f{forcing}"
                for table, variable in fields + (fixed if k == 1 else []):
                    if d := dataset(member, table, variable, er, lacks):
                        yield d
                # Extra fields draw from their own random streams, so the plain catalogs stay as they were.
                if self.extended:
                    for table, variable in EXTENDED_FIELDS.get(experiment, []):
                        if d := dataset(member, table, variable, xr, extra_lacks):
                            yield d

    def rows(self):
        """Total file rows of the archive (every version of every dataset)."""
        return sum(max(1, len(d["chunks"])) * len(d["versions"]) for d in self.datasets())


def file_times(dataset, first, last):
    """start_time, end_time and the file name's range: the first and last time steps."""
    day360 = dataset["calendar"] == "360_day"
    if dataset["frequency"] == "day":
        return (f"{first:04d}-01-01 12:00:00", f"{last:04d}-12-{30 if day360 else 31} 12:00:00",
                f"{first:04d}0101-{last:04d}12{30 if day360 else 31}")
    hour = "00" if day360 else "12"
    return f"{first:04d}-01-16 {hour}:00:00", f"{last:04d}-12-16 {hour}:00:00", f"{first:04d}01-{last:04d}12"


CMIP6_COLUMNS = ["path", "activity_id", "institution_id", "source_id", "experiment_id", "member_id", "table_id",
                 "variable_id", "grid_label", "version", "variant_label", "frequency", "realm", "experiment", "grid",
                 "nominal_resolution", "product", "source_type", "sub_experiment", "sub_experiment_id",
                 "parent_activity_id", "parent_experiment_id", "parent_source_id", "parent_variant_label",
                 "parent_time_units", "branch_method", "branch_time_in_child", "branch_time_in_parent",
                 "standard_name", "long_name", "units", "vertical_levels", "time_units", "calendar", "start_time",
                 "end_time"]


def cmip6(path, rows, seed=2024, extended=False):
    # Ensembles scale until the archive holds at least `rows` files (T grows with the scale).
    scale, archive = 1.0, Archive(seed, 1.0, extended)
    total = archive.rows()
    for _ in range(30):
        if rows <= total <= rows * 1.1:
            break
        scale = max(0.05, scale * (rows / total) ** (1.2 if total < rows else 1.0))
        archive = Archive(seed, scale, extended)
        total = archive.rows()
    while total < rows:  # the step function can sit just below: grow until it covers `rows`
        scale *= 1.05
        archive = Archive(seed, scale, extended)
        total = archive.rows()
    datasets = list(archive.datasets())

    # Leave out a seeded random set of whole datasets to land on `rows`; the last kept may be cut.
    order = list(range(len(datasets)))
    random.Random(f"{seed}:order").shuffle(order)
    budget = {}
    remaining = rows
    for i in order:
        if remaining == 0:
            break
        n = max(1, len(datasets[i]["chunks"])) * len(datasets[i]["versions"])
        budget[i] = min(n, remaining)
        remaining -= budget[i]

    with CatalogWriter(path, CMIP6_COLUMNS) as out:
        for i, d in enumerate(datasets):
            if i not in budget:
                continue
            left = budget[i]
            row = {c: d.get(c, "") for c in CMIP6_COLUMNS}
            for version in d["versions"]:
                folder = drs_folder("{data_dir}", d["activity_id"].split(" ")[0], d["institution_id"], d["source_id"],
                                    d["experiment_id"], d["member_id"], d["table_id"], d["variable_id"],
                                    d["grid_label"], version)
                row["version"] = version
                for first, last in d["chunks"] or [(None, None)]:
                    if left == 0:
                        break
                    left -= 1
                    if first is None:  # fixed field: no time axis
                        row["start_time"] = row["end_time"] = ""
                        time_range = None
                    else:
                        row["start_time"], row["end_time"], time_range = file_times(d, first, last)
                    name = drs_file_name(d["variable_id"], d["table_id"], d["source_id"], d["experiment_id"],
                                         d["member_id"], d["grid_label"], time_range)
                    row["path"] = f"{folder}/{name}"
                    out.write(row)
    n_datasets = sum(1 for i in budget)
    print(f"make_catalog: {rows} rows, {n_datasets} datasets (ensemble scale {scale:.2f}) -> {path}", file=sys.stderr)


# institution_id, source_id, variables, first year, last year, nominal resolution, grid_label, version
OBS4MIPS = [
    ("MOHC", "HadISST-1-1", ["ts"], 1870, 2019, "250 km", "gn", "v20210727"),
    ("NASA-GSFC", "GPCP-Monthly-3-2", ["pr"], 1983, 2020, "50 km", "gn", "v20231205"),
    ("IPSL", "TropFlux-1-0", ["ts", "tauu", "hfls", "hfss"], 1979, 2018, "100 km", "gn", "v20210727"),
    ("NASA-LaRC", "CERES-EBAF-4-2", ["rlds", "rlus", "rsds", "rsus", "rlut", "rsut", "rlutcs", "rsutcs"], 2001, 2021,
     "100 km", "gn", "v20210727"),
    ("NASA-LaRC", "CERES-EBAF-4-2-1", ["rlut", "rlutcs", "rsut", "rsutcs"], 2001, 2023, "100 km", "gn", "v20250415"),
    ("NOAA-ESRL-PSD", "20CR-V2", ["psl"], 1871, 2012, "250 km", "gn", "v20250415"),
    ("ECMWF", "ERA-5", ["psl", "ua", "ta", "tas"], 1979, 2020, "25 km", "gn", "v20250220"),
    ("C3S", "C3S-GTO-ECV-9-0", ["toz"], 1995, 2020, "100 km", "gn", "v20240101"),
]
OBS4MIPS_COLUMNS = ["path", "activity_id", "institution_id", "source_id", "frequency", "variable_id",
                    "nominal_resolution", "grid_label", "version", "grid", "realm", "product", "source_type",
                    "variant_label", "long_name", "units", "vertical_levels", "source_version_number", "start_time",
                    "end_time"]


def obs4mips(path):
    with CatalogWriter(path, OBS4MIPS_COLUMNS) as out:
        write_obs4mips(out)


def write_obs4mips(out):
    for institution, source, variables, first, last, resolution, grid, version in OBS4MIPS:
        for variable in variables:
            _, long_name, units, levels = VARIABLES[variable]
            folder = f"{{data_dir}}/obs4MIPs/{institution}/{source}/mon/{variable}/{grid}/{version}"
            for start in range(first, last + 1, 10):  # decade files
                end = min(last, start + 9)
                out.write({"path": f"{folder}/{variable}_mon_{source}_PCMDI_{grid}_{start}01-{end}12.nc",
                           "activity_id": "obs4MIPs", "institution_id": institution, "source_id": source,
                           "frequency": "mon", "variable_id": variable, "nominal_resolution": resolution,
                           "grid_label": grid, "version": version, "grid": "2.5x2.5 degree latitude x longitude",
                           "realm": "atmos", "product": "observations", "source_type": "satellite_retrieval",
                           "variant_label": "PCMDI", "long_name": long_name, "units": units,
                           "vertical_levels": str(levels), "source_version_number": source.split("-", 1)[-1],
                           "start_time": f"{start}-01-16 12:00:00", "end_time": f"{end}-12-16 12:00:00"})


# The PMP reference climatologies (pmp.md §3.1): one 12-month file each, ingested as
# pmp-climatology with obs4MIPs-style facets.
PMP_CLIMATOLOGIES = [("ECMWF", "ERA-5", v, "v20250224") for v in ("ts", "uas", "vas", "psl", "ta", "ua", "va", "zg")] + [
    ("NASA-GISS", "GPCP-3-3", "pr", "v20260513")] + [
    ("NASA-LaRC", "CERES-EBAF-4-2", v, "v20250213") for v in ("rlds", "rlus", "rlut", "rsds", "rsdt", "rsus", "rsut")]


def pmp_climatology(path):
    with CatalogWriter(path, OBS4MIPS_COLUMNS) as out:
        for institution, source, variable, version in PMP_CLIMATOLOGIES:
            _, long_name, units, levels = VARIABLES[variable]
            out.write({"path": f"{{data_dir}}/PMP_obs4MIPsClims/{variable}/gr/{version}/"
                               f"{variable}_mon_{source}_PCMDI_gr_198101-200412_AC_{version}_2.5x2.5.nc",
                       "activity_id": "obs4MIPs", "institution_id": institution, "source_id": source,
                       "frequency": "mon", "variable_id": variable, "nominal_resolution": "250 km", "grid_label": "gr",
                       "version": version, "grid": "2.5x2.5 degree latitude x longitude", "realm": "atmos",
                       "product": "observations", "source_type": "reanalysis", "variant_label": "PCMDI",
                       "long_name": long_name, "units": units, "vertical_levels": str(levels),
                       "source_version_number": version[1:], "start_time": "1981-01-16 12:00:00",
                       "end_time": "1981-12-16 12:00:00"})


# The extended obs4MIPs catalog adds a newer HadISST (so latest-version selection has work)
# and the obs4REF/obs4MIPs references of the ILAMB/IOMB diagnostics (ilamb.md §3.1), which
# the framework ingests as obs4mips. (institution, source, variable, first, last, resolution,
# grid, version, frequency, activity, realm); first None: a fixed field.
OBS4MIPS_EXTENDED = [
    ("MOHC", "HadISST-1-1", "ts", 1870, 2024, "250 km", "gn", "v20250415", "mon", "obs4MIPs", "ocean"),
    ("ColumbiaU", "WECANN-1-0", "gpp", 2007, 2015, "50 km", "gn", "v20250902", "mon", "obs4REF", "land"),
    ("ARCCSS", "LORA-1-0", "mrro", 1980, 2012, "50 km", "gn", "v20250902", "mon", "obs4REF", "land"),
    ("IIASA-FAO", "HWSD-2-0", "cSoil", None, None, "50 km", "gn", "v20250903", "fx", "obs4REF", "land"),
    ("NOAA-NCEI", "NOAA-NCEI-LAI-AVHRR-5-0", "lai", 1982, 2018, "10 km", "gn", "v20230412", "mon", "obs4MIPs", "land"),
    ("NOAA-NCEI", "NOAA-NCEI-LAI-AVHRR-5-0", "lai", 1982, 2022, "10 km", "gn", "v20240927", "mon", "obs4MIPs", "land"),
    ("UCI-ORNL", "Hoffman-1-0", "nbp", 1850, 2010, "20000 km", "gm", "v20251117", "yr", "obs4REF", "land"),
    ("NR", "CCI-CryoClim-FSC-1", "snc", 1982, 2019, "50 km", "gn", "v20250519", "mon", "obs4REF", "landIce"),
    ("DoESS-UCI", "GFED-5-0", "burntFractionAll", 1997, 2020, "25 km", "gr", "v20260128", "mon", "obs4REF", "land"),
    ("NOAA-NCEO-OCL", "WOA-23", "thetao", 2005, 2022, "100 km", "gn", "v20251024", "monC", "obs4REF", "ocean"),
    ("NOAA-NCEO-OCL", "WOA-23", "so", 2005, 2022, "100 km", "gn", "v20251024", "monC", "obs4REF", "ocean"),
    ("NOC", "RAPID-2023-1a", "msftmz", 2004, 2022, "20000 km", "gm", "v20250902", "mon", "obs4REF", "ocean"),
]


def obs4mips_extended(path):
    """The obs4MIPs catalog plus OBS4MIPS_EXTENDED: whole-record files for the extra rows
    (a monC climatology is one 12-step file, a yearly series one file of years)."""
    with CatalogWriter(path, OBS4MIPS_COLUMNS) as out:
        write_obs4mips(out)
        for (institution, source, variable, first, last, resolution, grid, version, frequency, activity,
             realm) in OBS4MIPS_EXTENDED:
            _, long_name, units, levels = ALL_VARIABLES[variable]
            folder = f"{{data_dir}}/{activity}/{institution}/{source}/{frequency}/{variable}/{grid}/{version}"
            row = {"activity_id": activity, "institution_id": institution, "source_id": source,
                   "frequency": frequency, "variable_id": variable, "nominal_resolution": resolution,
                   "grid_label": grid, "version": version, "grid": "1x1 degree latitude x longitude", "realm": realm,
                   "product": "observations", "source_type": "reanalysis", "variant_label": "REF",
                   "long_name": long_name, "units": units, "vertical_levels": str(levels),
                   "source_version_number": source.split("-", 1)[-1]}
            if first is None:
                out.write({**row, "path": f"{folder}/{variable}_fx_{source}_REF_{grid}_2023.nc"})
            elif frequency == "mon" and activity == "obs4MIPs":  # decade files, as ESGF serves them
                for start in range(first, last + 1, 10):
                    end = min(last, start + 9)
                    out.write({**row, "path": f"{folder}/{variable}_mon_{source}_PCMDI_{grid}_{start}01-{end}12.nc",
                               "start_time": f"{start}-01-16 12:00:00", "end_time": f"{end}-12-16 12:00:00"})
            elif frequency == "yr":
                out.write({**row, "path": f"{folder}/{variable}_yr_{source}_REF_{grid}_{first}-{last}.nc",
                           "start_time": f"{first}-07-02 00:00:00", "end_time": f"{last}-07-02 00:00:00"})
            else:
                out.write({**row, "path": f"{folder}/{variable}_{frequency}_{source}_REF_{grid}_{first}01-{last}12.nc",
                           "start_time": f"{first}-01-16 12:00:00", "end_time": f"{last}-12-16 12:00:00"})


# The ESMValTool reference-data registry (esmvaltool.md §1.3), as the esmvaltool-reference
# source type catalogs it, plus an older OSI-450-nh sic version (only the latest is visible).
# (project, dataset, data type, version, tier, mip, variables, first, last, one file per year?)
ESMVALTOOL_REFERENCE = [
    ("OBS", "CERES-EBAF", "sat", "Ed4.2", 2, "Amon", ["rlut", "rlutcs", "rsut", "rsutcs"], 2000, 2023, False),
    ("OBS", "ESACCI-CLOUD", "sat", "AVHRR-AMPM-fv3.0", 2, "Amon",
     ["clivi", "clt", "clwvi", "rlut", "rlutcs", "rsut", "rsutcs"], 1982, 2016, False),
    ("OBS6", "ESACCI-OZONE", "sat", "L3-SAGE-OMPS", 2, "AERmon", ["o3"], 1984, 2022, False),
    ("OBS", "HadCRUT5", "ground", "5.0.1.0-analysis", 2, "Amon", ["tas"], 1850, 2021, False),
    ("OBS", "OSI-450-nh", "reanaly", "v2", 2, "OImon", ["sic"], 1979, 2010, True),
    ("OBS", "OSI-450-nh", "reanaly", "v3", 2, "OImon", ["sic"], 1979, 2014, True),
    ("OBS", "OSI-450-nh", "reanaly", "v3", 2, "fx", ["areacello"], None, None, False),
    ("OBS", "OSI-450-sh", "reanaly", "v3", 2, "OImon", ["sic"], 1979, 2014, True),
    ("OBS", "OSI-450-sh", "reanaly", "v3", 2, "fx", ["areacello"], None, None, False),
    ("OBS6", "TROPFLUX", "reanaly", "v1", 2, "Amon", ["tauu"], 1979, 2018, False),
    ("OBS6", "TROPFLUX", "reanaly", "v1", 2, "Omon", ["tos"], 1979, 2018, False),
    ("OBS", "CALIPSO-ICECLOUD", "sat", "1-00", 3, "Amon", ["cli"], 2007, 2015, False),
    ("native6", "ERA5", "reanaly", "v1", 3, "mon", ["hus", "pr"], 1980, 2014, True),
    ("obs4MIPs", "GPCP-V2.3", "", "v20180519", None, "mon", ["pr"], 1979, 2017, False),
]
ESMVALTOOL_COLUMNS = ["path", "project", "source_id", "variable_id", "frequency", "version", "data_type", "tier",
                      "long_name", "units", "start_time", "end_time"]


def esmvaltool_reference(path):
    with CatalogWriter(path, ESMVALTOOL_COLUMNS) as out:
        for project, dataset, kind, version, tier, mip, variables, first, last, yearly in ESMVALTOOL_REFERENCE:
            frequency = "fx" if mip == "fx" else "mon"
            for variable in variables:
                _, long_name, units, _ = ALL_VARIABLES[variable]
                row = {"project": project, "source_id": dataset, "variable_id": variable, "frequency": frequency,
                       "version": version, "data_type": kind, "tier": "" if tier is None else str(tier),
                       "long_name": long_name, "units": units}
                if project == "native6":
                    folder = f"{{data_dir}}/ESMValTool/native6/Tier{tier}/{dataset}/{version}/{mip}/{variable}"
                    name = f"era5_{variable}_{{}}.nc"
                elif project == "obs4MIPs":
                    folder = f"{{data_dir}}/ESMValTool/obs4MIPs/{dataset}/{version}"
                    name = f"{variable}_{dataset}_{{}}.nc"
                else:
                    folder = f"{{data_dir}}/ESMValTool/OBS/Tier{tier}/{dataset}"
                    name = f"{project}_{dataset}_{kind}_{version}_{mip}_{variable}_{{}}.nc"
                if first is None:
                    out.write({**row, "path": f"{folder}/{name.replace('_{}', '')}"})
                    continue
                # Times as the file-name date estimate gives them (solver.md §1.7): YYYYMM-YYYYMM.
                for start, end in ([(y, y) for y in range(first, last + 1)] if yearly else [(first, last)]):
                    out.write({**row, "path": f"{folder}/{name.format(f'{start}01-{end}12')}",
                               "start_time": f"{start}-01-01 00:00:00", "end_time": f"{end}-12-30 00:00:00"})


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "cmip6":
        cmip6(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 2024)
    elif len(sys.argv) >= 4 and sys.argv[1] == "cmip6-extended":
        cmip6(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 2024, extended=True)
    elif len(sys.argv) == 3 and sys.argv[1] == "obs4mips-extended":
        obs4mips_extended(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "esmvaltool-reference":
        esmvaltool_reference(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "obs4mips":
        obs4mips(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "pmp-climatology":
        pmp_climatology(sys.argv[2])
    else:
        sys.exit(__doc__)
