/* Placeholder translation unit removed once src/import has real sources. */
typedef int bw_import_empty_unit;
