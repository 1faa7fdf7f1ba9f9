/* The export benchmark's peer: reads a rectification ledger CSV as `taizhang export` is given it (UTF-8 with a
   BOM; header fields as "label,value" lines, then the column labels, then the rows) and writes the same cells
   with libxlsxwriter in constant_memory mode: a title row, the header block as label/value pairs, the column
   labels, then every row with a row height — 序号 as a number, 整改时限 and 完成时间 as dates, the rest as text,
   empty cells as formatted blanks, all with thin borders, text wrapped; frozen panes and column widths.
   Usage: libxlsxwriter_export IN.csv OUT.xlsx */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

typedef struct { char *text; size_t length, capacity; } Field;
typedef struct { Field *fields; size_t count, capacity; } Record;

static void put(Field *f, int c) {
    if (f->length + 1 >= f->capacity) {
        f->capacity = f->capacity ? f->capacity * 2 : 64;
        f->text = realloc(f->text, f->capacity);
    }
    f->text[f->length++] = (char)c;
}

/* Reads one RFC 4180 record; returns 0 at the end of the file. */
static int read_record(FILE *in, Record *r) {
    r->count = 0;
    int c = getc_unlocked(in);
    if (c == EOF) return 0;
    for (;;) {
        if (r->count == r->capacity) {
            r->capacity = r->capacity ? r->capacity * 2 : 16;
            r->fields = realloc(r->fields, r->capacity * sizeof(Field));
            memset(r->fields + r->count, 0, (r->capacity - r->count) * sizeof(Field));
        }
        Field *f = &r->fields[r->count++];
        f->length = 0;
        if (c == '"') {
            for (;;) {
                c = getc_unlocked(in);
                if (c == EOF) break;
                if (c == '"') {
                    c = getc_unlocked(in);
                    if (c != '"') break;
                }
                put(f, c);
            }
        } else {
            while (c != ',' && c != '\r' && c != '\n' && c != EOF) { put(f, c); c = getc_unlocked(in); }
        }
        put(f, 0);
        f->length--;
        if (c == ',') { c = getc_unlocked(in); continue; }
        if (c == '\r') c = getc_unlocked(in);
        return 1;
    }
}

static int parse_date(const char *s, lxw_datetime *d) {
    int y, m, day;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &day) != 3) return 0;
    lxw_datetime v = {y, m, day, 0, 0, 0};
    *d = v;
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s IN.csv OUT.xlsx\n", argv[0]); return 2; }
    FILE *in = fopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 1; }
    static char buffer[1 << 16];
    setvbuf(in, buffer, _IOFBF, sizeof buffer);
    unsigned char bom[3];
    if (fread(bom, 1, 3, in) != 3 || bom[0] != 0xEF || bom[1] != 0xBB || bom[2] != 0xBF) rewind(in);

    lxw_workbook_options options = {.constant_memory = 1, .tmpdir = NULL};
    lxw_workbook *book = workbook_new_opt(argv[2], &options);
    lxw_format *title = workbook_add_format(book);
    format_set_bold(title); format_set_font_size(title, 18); format_set_align(title, LXW_ALIGN_CENTER);
    format_set_text_wrap(title); format_set_font_name(title, "宋体");
    lxw_format *label = workbook_add_format(book);
    format_set_bold(label); format_set_border(label, LXW_BORDER_THIN); format_set_bg_color(label, 0xF2F2F2);
    format_set_align(label, LXW_ALIGN_CENTER); format_set_text_wrap(label); format_set_font_name(label, "宋体");
    lxw_format *head = workbook_add_format(book);
    format_set_bold(head); format_set_border(head, LXW_BORDER_THIN); format_set_bg_color(head, 0xDDEBF7);
    format_set_align(head, LXW_ALIGN_CENTER); format_set_text_wrap(head); format_set_font_name(head, "宋体");
    lxw_format *text = workbook_add_format(book);
    format_set_border(text, LXW_BORDER_THIN); format_set_text_wrap(text); format_set_unlocked(text);
    format_set_font_name(text, "宋体");
    lxw_format *number = workbook_add_format(book);
    format_set_border(number, LXW_BORDER_THIN); format_set_align(number, LXW_ALIGN_RIGHT);
    format_set_num_format(number, "0"); format_set_unlocked(number); format_set_font_name(number, "宋体");
    lxw_format *date = workbook_add_format(book);
    format_set_border(date, LXW_BORDER_THIN); format_set_align(date, LXW_ALIGN_CENTER);
    format_set_num_format(date, "yyyy-mm-dd"); format_set_unlocked(date); format_set_font_name(date, "宋体");
    lxw_worksheet *sheet = workbook_add_worksheet(book, "整改工作台账");

    /* The header fields (label,value lines) up to the column labels (the line starting 序号). */
    Record r = {0};
    char *labels[64], *values[64];
    int pairs = 0;
    while (read_record(in, &r) && strcmp(r.fields[0].text, "序号") != 0) {
        if (pairs < 64 && r.count >= 2) { labels[pairs] = strdup(r.fields[0].text); values[pairs] = strdup(r.fields[1].text); pairs++; }
    }
    int columns = (int)r.count;
    int kind[64]; /* 0 text, 1 number, 2 date */
    char *heads[64];
    for (int c = 0; c < columns && c < 64; c++) {
        heads[c] = strdup(r.fields[c].text);
        kind[c] = strcmp(heads[c], "序号") == 0 ? 1 : (strcmp(heads[c], "整改时限") == 0 || strcmp(heads[c], "完成时间") == 0) ? 2 : 0;
        worksheet_set_column(sheet, c, c, kind[c] == 0 ? 14 : 11, NULL);
    }
    int header_rows = (pairs + 1) / 2, header_row = 1 + header_rows;
    worksheet_freeze_panes(sheet, header_row + 1, 0);

    worksheet_set_row(sheet, 0, 36, NULL);
    worksheet_merge_range(sheet, 0, 0, 0, columns - 1, "抚顺市工业和信息化局行政执法突出问题整改工作台账", title);
    for (int k = 0; k < header_rows; k++) {
        worksheet_set_row(sheet, 1 + k, 22, NULL);
        for (int half = 0; half < 2 && 2 * k + half < pairs; half++) {
            int at = half * (columns / 2);
            worksheet_write_string(sheet, 1 + k, at, labels[2 * k + half], label);
            worksheet_write_string(sheet, 1 + k, at + 2, values[2 * k + half], text);
        }
    }
    worksheet_set_row(sheet, header_row, 24, NULL);
    for (int c = 0; c < columns; c++) worksheet_write_string(sheet, header_row, c, heads[c], head);

    int row = header_row + 1;
    while (read_record(in, &r)) {
        if (r.count == 1 && r.fields[0].length == 0) continue;
        worksheet_set_row(sheet, row, 34, NULL);
        for (int c = 0; c < columns; c++) {
            const char *v = c < (int)r.count ? r.fields[c].text : "";
            lxw_datetime d;
            if (!*v) worksheet_write_blank(sheet, row, c, kind[c] == 1 ? number : kind[c] == 2 ? date : text);
            else if (kind[c] == 1) worksheet_write_number(sheet, row, c, atof(v), number);
            else if (kind[c] == 2 && parse_date(v, &d)) worksheet_write_datetime(sheet, row, c, &d, date);
            else worksheet_write_string(sheet, row, c, v, text);
        }
        row++;
    }
    worksheet_autofilter(sheet, header_row, 0, row - 1, columns - 1);
    lxw_error error = workbook_close(book);
    if (error) { fprintf(stderr, "libxlsxwriter: %s\n", lxw_strerror(error)); return 1; }
    fprintf(stderr, "libxlsxwriter: %d rows written\n", row - header_row - 1);
    return 0;
}
