import Foundation
import TaizhangCore

/// Opens a returned file with the importer that recognises it, refusing what none does.
struct FileOpener {
    let registry: PluginRegistry
    var limits = ImportLimits.standard

    func open(_ path: String, displayName: String? = nil) throws -> (source: any SheetSource, name: String) {
        let name = displayName ?? URL(fileURLWithPath: path).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(.unreadable, file: name, detail: "文件不存在")
        }
        guard !isDirectory.boolValue else { throw ImportError(.unreadable, file: name, detail: "这是一个目录，不是文件") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError(.unreadable, file: name, detail: "没有读取权限")
        }
        let prefix = [UInt8]((try? handle.read(upToCount: 512)) ?? Data())
        try? handle.close()
        if prefix.isEmpty { throw ImportError(.unreadable, file: name, detail: "文件是空的") }
        guard let importer = registry.importer(prefix: prefix, fileName: name) else {
            if prefix.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
                throw ImportError(.legacyFormat, file: name,
                                  detail: "这是旧版 Excel（.xls）、WPS（.et）或加密的工作簿，请取消密码并另存为 .xlsx 格式后重新报送")
            }
            throw ImportError(.notSpreadsheet, file: name, detail: "不是可以识别的表格文件（支持 .xlsx 和 .csv）")
        }
        return (try importer.open(ImportSource(path: path, displayName: name), limits: limits), name)
    }
}
