import Foundation
import TaizhangCore

/// The built-in form set: `forms/*.json` of this package, compiled into the binary.
public enum BuiltinForms {
    /// The raw files, as `--forms` would read them from a folder.
    public static var files: [FormFile] {
        embedded.filter { !$0.name.contains("/") }.map { FormFile(name: $0.name, contents: Data($0.text.utf8)) }
    }

    /// The built-in memo templates, `forms/memos/*.json`, named `memos/<id>.json` (read by TaizhangMemo's
    /// `MemoTemplateSet`).
    public static var memoTemplates: [FormFile] {
        embedded.filter { $0.name.hasPrefix("memos/") }.map { FormFile(name: $0.name, contents: Data($0.text.utf8)) }
    }

    /// The built-in form set, loaded and checked. A broken form file fails the test suite
    /// (`BuiltinFormsTests`) with a message naming the file and the field.
    public static func load() throws(FormSetError) -> FormSet {
        try FormSet.load(files)
    }

    /// The built-in memo templates overlaid with the `.json` files of `directory/memos/` (a file there replaces
    /// the built-in template of the same name, so a province can reword a memo without a new build).
    public static func memoTemplates(overlay directory: URL) throws -> [FormFile] {
        var byName = Dictionary(uniqueKeysWithValues: memoTemplates.map { ($0.name, $0) })
        let folder = directory.appendingPathComponent("memos")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return memoTemplates
        }
        for url in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        where url.pathExtension == "json" {
            let name = "memos/" + url.lastPathComponent
            byName[name] = FormFile(name: name, contents: try Data(contentsOf: url))
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// The built-in form set overlaid with the `.json` files of `directory`: a file there replaces the
    /// built-in file of the same name (`units.json` with the province's divisions), and new form files add forms.
    public static func load(overlay directory: URL) throws -> FormSet {
        var byName = Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0) })
        let entries = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        for url in entries where url.pathExtension == "json" {
            byName[url.lastPathComponent] = FormFile(name: url.lastPathComponent, contents: try Data(contentsOf: url))
        }
        return try FormSet.load(Array(byName.values))
    }
}
