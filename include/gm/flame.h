/*
 * gm/flame.h - flame graphs of a call tree (gm/calltree.h): a self-contained interactive SVG
 * or HTML page (click to zoom, search with highlight, hover details, reset), a differential
 * graph against a base, or folded stacks. Rendering writes through a gm_out and never
 * allocates per node beyond the tree itself; the script and style sheet are lib/render/
 * flame.js and flame.css, embedded at build time.
 */
#ifndef GM_FLAME_H
#define GM_FLAME_H

#include "gm/calltree.h"
#include "gm/out.h"

enum gm_flame_format {
    GM_FLAME_SVG = 1,    /* standalone SVG with embedded script */
    GM_FLAME_HTML = 2,   /* HTML page embedding the SVG, with a search box */
    GM_FLAME_FOLDED = 3, /* "a;b;c 123" lines (Brendan Gregg's folded format) */
};

/* Renders the tree. Width in pixels (SVG/HTML; <= 0 means 1200); frames narrower than min_px
 * are merged into their parent's box so a 10^5-stack graph stays light.
 *
 * FOLDED: one line per node with a non-zero self value, depth first with children sorted by
 * name: "a;b;c 123" (frames root first; ';' inside a name becomes ':', CR/LF a space; the
 * root's own self value has no frames and is not printed). With a base the line is
 * "a;b;c base value", the two-column input of difffolded.pl.
 *
 * SVG/HTML: each frame is <g class="f" data-name data-value data-depth [data-base]> holding a
 * <title> (name, value, share of the total, and the change for differential graphs), a
 * <rect> and a <text> label cut to fit. Frames are in depth-first order. The embedded script
 * zooms on click (ancestors get class "dim", unrelated frames class "hidden"), highlights
 * search matches with class "hl" and reports the matched share in #matched, and shows hover
 * details in #details. HTML adds input#search and button#reset. All text is escaped for XML
 * and invalid UTF-8 becomes U+FFFD. Nothing refers to external resources.
 *
 * Errors go to the writer's sticky error (ENOMEM if the scratch stack cannot grow). */
void gm_flame_render(struct gm_out *o, const struct gm_flame *f, enum gm_flame_format fmt,
                     int width, double min_px);

#endif
