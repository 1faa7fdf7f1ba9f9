// The libzip header. Only Plugins/XLSX/Zip/ZipArchive.swift imports this module.
#ifndef TAIZHANG_CLIBZIP_SHIM_H
#define TAIZHANG_CLIBZIP_SHIM_H
#include <zip.h>
#endif
