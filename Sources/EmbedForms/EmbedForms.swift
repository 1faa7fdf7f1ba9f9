import Foundation
import PackagePlugin

/// Compiles the package's `forms/*.json` into the target that uses this plugin (TaizhangForms).
@main
struct EmbedForms: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let forms = context.package.directoryURL.appending(path: "forms")
        let files = try FileManager.default.contentsOfDirectory(at: forms, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
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
