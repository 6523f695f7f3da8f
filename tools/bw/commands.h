/* The subcommands of `bw`. Each takes argv starting at the subcommand's name and returns the
 * process exit status (0 ok, 1 invalid input, 2 usage). Each prints its own --help. */
#ifndef BW_TOOLS_COMMANDS_H
#define BW_TOOLS_COMMANDS_H

/* One declaration per command, next to the file that defines it (cmd_<area>.c). */

/* cmd_schema.c */
int bw_cmd_check(int argc, char **argv);
int bw_cmd_fmt(int argc, char **argv);

/* cmd_layout.c */
int bw_cmd_layout(int argc, char **argv);

/* cmd_codec.c */
int bw_cmd_encode(int argc, char **argv);
int bw_cmd_decode(int argc, char **argv);

/* cmd_view.c */
int bw_cmd_view(int argc, char **argv);
int bw_cmd_unview(int argc, char **argv);

/* cmd_mapped.c */
int bw_cmd_mapped(int argc, char **argv);

#endif
