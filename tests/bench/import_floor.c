/* Helper of bench_import.sh (not built by CMake): parses a header with libclang exactly as
 * bw-import does (same flags: C, builtin headers, detailed preprocessing record, skipped
 * function bodies) PARSES times and nothing else, so the benchmark can tell how much of
 * bw-import's time is libclang's parse itself and how much is the walk, macros and output.
 * FLAGS varies what the parse does, to measure what each of bw-import's choices costs: letters
 * D (CXTranslationUnit_DetailedPreprocessingRecord), S (SkipFunctionBodies), K (KeepGoing),
 * and E (exit without disposing of the translation unit, as bw-import does); default "DSE",
 * bw-import's own. CLANG_ARGS are added after bw-import's arguments.
 * Usage: import_floor HEADER RESOURCE_DIR [PARSES [FLAGS [CLANG_ARGS...]]]. Exit 0 when every
 * parse succeeded without a diagnostic. */
#include <clang-c/Index.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: import_floor HEADER RESOURCE_DIR [PARSES [FLAGS [CLANG_ARGS...]]]\n");
    return 2;
  }
  int parses = argc > 3 ? atoi(argv[3]) : 1;
  const char *letters = argc > 4 ? argv[4] : "DSE";
  char text[4096];
  snprintf(text, sizeof text, "#include \"%s\"\n", argv[1]);
  const char *main_path = "/tmp/bw_import_floor_main.c";
  struct CXUnsavedFile file = {main_path, text, (unsigned long)strlen(text)};
  const char *args[MAX_ARGS] = {
      "-x", "c", "-resource-dir", argv[2], "-ferror-limit=0", "-Wno-pragma-once-outside-header"};
  int nargs = 6;
  for (int i = 5; i < argc && nargs < MAX_ARGS; i++) args[nargs++] = argv[i];
  unsigned flags = 0;
  if (strchr(letters, 'D')) flags |= CXTranslationUnit_DetailedPreprocessingRecord;
  if (strchr(letters, 'S')) flags |= CXTranslationUnit_SkipFunctionBodies;
  if (strchr(letters, 'K')) flags |= CXTranslationUnit_KeepGoing;
  int keep = strchr(letters, 'E') != NULL;
  CXIndex index = clang_createIndex(0, 0);
  int rc = 0;
  for (int i = 0; i < parses && rc == 0; i++) {
    CXTranslationUnit tu = NULL;
    if (clang_parseTranslationUnit2(index, main_path, args, nargs, &file, 1, flags, &tu) !=
            CXError_Success ||
        clang_getNumDiagnostics(tu) != 0)
      rc = 1;
    /* bw-import leaves its one unit to the process exit; earlier ones are disposed of */
    if (tu && !(keep && i == parses - 1)) clang_disposeTranslationUnit(tu);
  }
  if (!keep) clang_disposeIndex(index);
  return rc;
}
