package io.rpideploy.installer.report;

import java.util.Locale;

/** The assigned hostname in large letters (5 rows, '#' blocks) for the HDMI console. */
public final class Banner {

    private static final String CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-. ";
    private static final String[] GLYPHS = {
        " ### |#   #|#####|#   #|#   #", "#### |#   #|#### |#   #|#### ", " ####|#    |#    |#    | ####",
        "#### |#   #|#   #|#   #|#### ", "#####|#    |#### |#    |#####", "#####|#    |#### |#    |#    ",
        " ####|#    |#  ##|#   #| ### ", "#   #|#   #|#####|#   #|#   #", "#####|  #  |  #  |  #  |#####",
        "#####|    #|    #|#   #| ### ", "#   #|#  # |###  |#  # |#   #", "#    |#    |#    |#    |#####",
        "#   #|## ##|# # #|#   #|#   #", "#   #|##  #|# # #|#  ##|#   #", " ### |#   #|#   #|#   #| ### ",
        "#### |#   #|#### |#    |#    ", " ### |#   #|# # #|#  # | ## #", "#### |#   #|#### |#  # |#   #",
        " ####|#    | ### |    #|#### ", "#####|  #  |  #  |  #  |  #  ", "#   #|#   #|#   #|#   #| ### ",
        "#   #|#   #|#   #| # # |  #  ", "#   #|#   #|# # #|## ##|#   #", "#   #| # # |  #  | # # |#   #",
        "#   #| # # |  #  |  #  |  #  ", "#####|   # |  #  | #   |#####", " ### |#  ##|# # #|##  #| ### ",
        "  #  | ##  |  #  |  #  | ### ", " ### |#   #|  ## | #   |#####", "#### |    #| ### |    #|#### ",
        "#   #|#   #|#####|    #|    #", "#####|#    |#### |    #|#### ", " ### |#    |#### |#   #| ### ",
        "#####|    #|   # |  #  |  #  ", " ### |#   #| ### |#   #| ### ", " ### |#   #| ####|    #| ### ",
        "     |     |#####|     |     ", "     |     |     |     |  #  ", "     |     |     |     |     ",
    };

    private Banner() {
    }

    /** Five lines of block letters; characters without a glyph print as '?'-less blanks. */
    public static String render(String text) {
        StringBuilder[] rows = new StringBuilder[5];
        for (int r = 0; r < 5; r++) {
            rows[r] = new StringBuilder();
        }
        for (char c : text.toUpperCase(Locale.ROOT).toCharArray()) {
            int i = CHARS.indexOf(c);
            String[] glyph = GLYPHS[i < 0 ? CHARS.length() - 1 : i].split("\\|");
            for (int r = 0; r < 5; r++) {
                rows[r].append(glyph[r]).append("  ");
            }
        }
        StringBuilder out = new StringBuilder();
        for (StringBuilder row : rows) {
            out.append(row.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
