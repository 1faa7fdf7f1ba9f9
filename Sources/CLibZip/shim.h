// The libzip header. Only Sources/TaizhangZip/ZipArchive.swift imports this module (everything else uses
// TaizhangZip's ZipReader and ZipWriter).
#ifndef TAIZHANG_CLIBZIP_SHIM_H
#define TAIZHANG_CLIBZIP_SHIM_H
#include <zip.h>
#endif
