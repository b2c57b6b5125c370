/*
 * textedit.h: small edits of a text file in place, as an engineer
 * editing warden.yaml or someone tampering with the audit log would
 * make them.
 */
#ifndef WARDEN_TEXTEDIT_H
#define WARDEN_TEXTEDIT_H

/*
 * Replace the first occurrence of `from` on line `line_no` (0: anywhere)
 * with `to`. 0, or -1 when the file cannot be read or written or `from`
 * is not there.
 */
int textedit_replace(const char *path, int line_no, const char *from,
    const char *to);

/* The line number (1-based) of the first line holding needle; 0 when
 * none does, -1 when the file cannot be read. */
int textedit_line_of(const char *path, const char *needle);

/* Copy the complete lines of src into dst. 0, or -1. */
int textedit_copy_lines(const char *src, const char *dst);

#endif
