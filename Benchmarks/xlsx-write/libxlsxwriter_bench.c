/* The xlsx-write benchmark's rows written with libxlsxwriter (constant_memory unless argv[3] is "0").
   Usage: libxlsxwriter_bench ROWS FILE [CONSTANT_MEMORY] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <xlsxwriter.h>

static const char *measures[] = {"组织执法人员开展专题培训，规范执法程序", "建立健全行政执法公示制度并公开执法信息",
    "落实执法全过程记录制度，配备执法记录仪", "开展重大执法决定法制审核，完善审核清单",
    "对相关责任人进行约谈提醒并限期整改到位"};
static const char *cities[] = {"沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "盘锦", "铁岭", "朝阳", "葫芦岛"};
static const char *people[] = {"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴昊"};
static const char *statuses[] = {"已整改", "正在整改", "未整改"};
static const char *headers[] = {"序号", "问题编号", "问题描述", "整改措施", "责任单位", "责任人", "整改时限", "整改状态", "完成时间", "是否追责问责", "备注"};
static const double widths[] = {6, 14, 60, 40, 24, 8, 12, 10, 12, 8, 14};

static lxw_datetime add_days(int y, int m, int d, int days) {
    struct tm t = {0};
    t.tm_year = y - 1900; t.tm_mon = m - 1; t.tm_mday = d + days; t.tm_hour = 12;
    timegm(&t);
    lxw_datetime dt = {t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, 0, 0, 0};
    return dt;
}

int main(int argc, char **argv) {
    int rows = argc > 1 ? atoi(argv[1]) : 100000;
    const char *path = argc > 2 ? argv[2] : "/tmp/libxlsxwriter-bench.xlsx";
    int constant = argc > 3 ? atoi(argv[3]) : 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lxw_workbook_options options = {.constant_memory = (uint8_t)constant, .tmpdir = NULL};
    lxw_workbook *book = workbook_new_opt(path, &options);
    lxw_format *bold = workbook_add_format(book);
    format_set_bold(bold); format_set_border(bold, LXW_BORDER_THIN); format_set_align(bold, LXW_ALIGN_CENTER);
    lxw_format *date = workbook_add_format(book);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_worksheet *sheet = workbook_add_worksheet(book, "整改工作台账");
    for (int c = 0; c < 11; c++) worksheet_set_column(sheet, c, c, widths[c], NULL);
    worksheet_freeze_panes(sheet, 1, 0);
    for (int c = 0; c < 11; c++) worksheet_write_string(sheet, 0, c, headers[c], bold);
    char buf[256];
    for (int i = 1; i <= rows; i++) {
        worksheet_write_number(sheet, i, 0, i, NULL);
        snprintf(buf, sizeof buf, "SY-2024-%06d", i);
        worksheet_write_string(sheet, i, 1, buf, NULL);
        snprintf(buf, sizeof buf, "执法人员在第%d次现场检查中未出示执法证件，存在执法程序不规范问题", i);
        worksheet_write_string(sheet, i, 2, buf, NULL);
        worksheet_write_string(sheet, i, 3, measures[i % 5], NULL);
        snprintf(buf, sizeof buf, "%s市工业和信息化局", cities[i % 14]);
        worksheet_write_string(sheet, i, 4, buf, NULL);
        worksheet_write_string(sheet, i, 5, people[i % 10], NULL);
        lxw_datetime d1 = add_days(2024, 6, 1, i % 120);
        worksheet_write_datetime(sheet, i, 6, &d1, date);
        worksheet_write_string(sheet, i, 7, statuses[i % 3], NULL);
        lxw_datetime d2 = add_days(2024, 5, 20, i % 90);
        worksheet_write_datetime(sheet, i, 8, &d2, date);
        worksheet_write_string(sheet, i, 9, i % 7 == 0 ? "是" : "否", NULL);
        snprintf(buf, sizeof buf, "第%d条备注", i);
        worksheet_write_string(sheet, i, 10, buf, NULL);
    }
    lxw_error error = workbook_close(book);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (error) { fprintf(stderr, "libxlsxwriter: %s\n", lxw_strerror(error)); return 1; }
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    FILE *f = fopen(path, "rb");
    long size = 0;
    if (f) { fseek(f, 0, SEEK_END); size = ftell(f); fclose(f); }
    printf("libxlsxwriter%s rows=%d seconds=%.3f peak_rss_kib=%ld bytes=%ld\n", constant ? "(constant_memory)" : "",
           rows, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, usage.ru_maxrss, size);
    return 0;
}
