/* Helper of bench_import.sh (not built by CMake): parses a header with libclang exactly as
 * bw-import does (same flags: C, builtin headers, detailed preprocessing record, skipped
 * function bodies) PARSES times and nothing else, so the benchmark can tell how much of
 * bw-import's time is libclang's parse itself and how much is the walk, macros and output.
 * Usage: import_floor HEADER RESOURCE_DIR [PARSES]. Exit 0 when every parse succeeded. */
#include <clang-c/Index.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: import_floor HEADER RESOURCE_DIR [PARSES]\n");
    return 2;
  }
  int parses = argc > 3 ? atoi(argv[3]) : 1;
  char text[4096];
  snprintf(text, sizeof text, "#include \"%s\"\n", argv[1]);
  const char *main_path = "/tmp/bw_import_floor_main.c";
  struct CXUnsavedFile file = {main_path, text, (unsigned long)strlen(text)};
  const char *args[] = {"-x", "c", "-resource-dir", argv[2], "-ferror-limit=0"};
  unsigned flags =
      CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_SkipFunctionBodies;
  CXIndex index = clang_createIndex(0, 0);
  int rc = 0;
  for (int i = 0; i < parses && rc == 0; i++) {
    CXTranslationUnit tu = NULL;
    if (clang_parseTranslationUnit2(index, main_path, args, 5, &file, 1, flags, &tu) !=
            CXError_Success ||
        clang_getNumDiagnostics(tu) != 0)
      rc = 1;
    if (tu) clang_disposeTranslationUnit(tu);
  }
  clang_disposeIndex(index);
  return rc;
}
