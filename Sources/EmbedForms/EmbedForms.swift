import Foundation
import PackagePlugin

/// Compiles the package's `forms/*.json` and `forms/memos/*.json` into the target that uses this plugin (TaizhangForms).
@main
struct EmbedForms: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let forms = context.package.directoryURL.appending(path: "forms")
        func jsonFiles(_ folder: URL) throws -> [URL] {
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        // forms/*.json, then the memo templates of forms/memos/*.json (embedded as `memos/<name>`).
        let memos = forms.appending(path: "memos")
        let files = try jsonFiles(forms)
            + (FileManager.default.fileExists(atPath: memos.path) ? try jsonFiles(memos) : [])
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinForms+Embedded.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) form files",
                executable: try context.tool(named: "FormsEmbedder").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }
}
