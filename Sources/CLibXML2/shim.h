// The libxml2 headers Taizhang uses. Only Plugins/XLSX/Writer/XMLWriter.swift (writing) and
// Plugins/XLSX/Reader/XMLReader.swift (reading) import this module.
#ifndef TAIZHANG_CLIBXML2_SHIM_H
#define TAIZHANG_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, so its encoding header would pull in the system's <unicode/*.h>, which clash
// with the ICU module inside Foundation in any target that sees both. Taizhang never touches the ICU members
// (it only holds encoding handlers by pointer), so the ICU part of the headers is left out.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#endif
