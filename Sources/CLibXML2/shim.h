// The libxml2 headers Taizhang uses. Only Plugins/XLSX/Writer/XMLWriter.swift (writing) and
// Plugins/XLSX/Reader/XMLReader.swift (reading) import this module.
#ifndef TAIZHANG_CLIBXML2_SHIM_H
#define TAIZHANG_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#endif
