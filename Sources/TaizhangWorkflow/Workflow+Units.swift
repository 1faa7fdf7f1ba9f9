import Foundation
import TaizhangCore
import TaizhangForms

/// The province's own form files, kept beside its workspace: `taizhang-forms/` in the workspace's folder. The
/// units file there (with the department's enforcement divisions) overlays the built-in one for every command
/// that uses that workspace.
public enum WorkspaceForms {
    /// The folder's name.
    public static let folderName = "taizhang-forms"

    /// The folder beside the workspace at `workspace`.
    public static func directory(workspace: String) -> String {
        let folder = (workspace as NSString).deletingLastPathComponent
        return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(folderName)
    }

    /// The units file in it, when there is one.
    public static func unitsFile(workspace: String) -> String? {
        let path = (directory(workspace: workspace) as NSString).appendingPathComponent(FormSet.unitsFile)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

extension Workflow {
    /// The form set a command uses: `--forms DIR` when given, else the built-in set overlaid with the forms kept
    /// beside the workspace (``WorkspaceForms``), else the built-in set.
    public static func loadForms(overlay directory: String?, workspace: String?) throws -> FormSet {
        if let directory { return try loadForms(overlay: directory) }
        if let workspace {
            let folder = WorkspaceForms.directory(workspace: workspace)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue {
                return try loadForms(overlay: folder)
            }
        }
        return try loadForms()
    }

    /// Adds a reporting unit (a division of the department, typically) to the units file kept beside the
    /// workspace, starting from the units this workflow knows. The new file is checked as a whole before it
    /// replaces the old one, atomically. Returns the unit added.
    public func addUnit(kind: String, name: String, shortName: String? = nil, code: String? = nil, id: String? = nil,
                        aliases: [String] = [], workspace: String) throws -> ReportingUnit {
        guard formSet.unitKinds.contains(where: { $0.id == kind }) else {
            throw WorkflowError(.unitRefused, subject: name,
                                detail: "没有单位类别“\(kind)”（可用：\(formSet.unitKinds.map { "\($0.id)（\($0.label)）" }.joined(separator: "、"))）")
        }
        let sameKind = formSet.units.filter { $0.kind == kind }.count + 1
        let unit = ReportingUnit(id: id ?? "\(kind)-\(sameKind)", name: name, shortName: shortName ?? name,
                                 code: code ?? "\(kind == "division" ? "CS" : kind.prefix(2).uppercased())\(sameKind)",
                                 kind: kind, aliases: aliases)
        var units = formSet.units
        units.append(unit)
        let file = UnitsFileJSON(kinds: formSet.unitKinds, units: units)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(file)
        do {
            _ = try formSet.replacingUnits(with: data)
        } catch {
            throw WorkflowError(.unitRefused, subject: name, detail: UserMessage.text(for: error))
        }
        let folder = WorkspaceForms.directory(workspace: workspace)
        let path = (folder as NSString).appendingPathComponent(FormSet.unitsFile)
        try AtomicFileSink.write(path) { sink in try data.withUnsafeBytes { try sink.write($0) } }
        return unit
    }
}

/// `units.json` as written.
private struct UnitsFileJSON: Encodable {
    var _comment = "本单位名单由 taizhang units add 维护：内置名单加上厅机关各执法处室。"
    var kinds: [UnitKind]
    var units: [ReportingUnit]
}
